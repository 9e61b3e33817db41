package dev.vigil.engine;

/**
 * Holds the multi-line entry being assembled per input stream (a file, or a partition + host + unit): a state
 * store in live mode so that a restart does not lose half an entry, a field in replay.
 */
public interface PendingStore {

    /** The pending entry of a stream, or null. */
    Pending get(String streamKey);

    /** Stores a stream's pending entry. */
    void put(String streamKey, Pending pending);

    /** Removes a stream's pending entry. */
    void delete(String streamKey);
}
