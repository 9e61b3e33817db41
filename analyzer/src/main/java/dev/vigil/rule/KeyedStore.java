package dev.vigil.rule;

import java.util.function.Consumer;

/**
 * Where the back end keeps its state by alert id (signature episodes, rule states): a Kafka Streams key-value
 * store in live mode, a map in replay and tests.
 *
 * @param <V> the state type
 */
public interface KeyedStore<V> {

    /** The value under {@code id}, or null. */
    V get(String id);

    /** Stores (inserts or replaces) a value. */
    void put(String id, V value);

    /** Removes a value. */
    void delete(String id);

    /** Visits every value in key order; the visitor must not modify the store. */
    void forEach(Consumer<V> visitor);
}
