package dev.vigil.rule;

import java.util.function.Consumer;

/** Where open episodes live: a Kafka Streams key-value store in live mode, a map in replay and tests. */
public interface EpisodeStore {

    /** The open episode with this id, or null. */
    Episode get(String id);

    /** Stores (inserts or replaces) an episode. */
    void put(Episode episode);

    /** Removes an episode. */
    void delete(String id);

    /** Visits every open episode; the visitor must not modify the store. */
    void forEach(Consumer<Episode> visitor);
}
