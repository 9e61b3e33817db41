package dev.vigil.rule;

import java.util.function.Consumer;

/** Partial aggregates not yet sent on to the back end. */
public interface PartialStore {

    /** The partial under this key, or null. */
    Partial get(String key);

    /** Stores a partial. */
    void put(String key, Partial partial);

    /** Hands every partial to {@code out} and empties the store. */
    void drain(Consumer<Partial> out);
}
