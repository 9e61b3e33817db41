package dev.vigil.rule;

import java.util.function.Consumer;

/** Partial aggregates not yet sent on to the back end. */
public interface PartialStore {

    /** The partial under this key (any value with equals and hashCode), or null. */
    Partial get(Object key);

    /** Stores a partial. */
    void put(Object key, Partial partial);

    /** Hands every partial to {@code out} and empties the store. */
    void drain(Consumer<Partial> out);
}
