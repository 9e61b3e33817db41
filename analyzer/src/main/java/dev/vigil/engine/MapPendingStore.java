package dev.vigil.engine;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** In-memory {@link PendingStore} for replay, tests and `vigil check`. */
public final class MapPendingStore implements PendingStore {
    private final Map<String, Pending> map = new LinkedHashMap<>();

    @Override
    public Pending get(final String streamKey) {
        return map.get(streamKey);
    }

    @Override
    public void put(final String streamKey, final Pending pending) {
        map.put(streamKey, pending);
    }

    @Override
    public void delete(final String streamKey) {
        map.remove(streamKey);
    }

    /** Emits every pending entry through {@code ingest} (end of input). */
    public void flushAll(final Ingest ingest, final EventSink out) {
        final List<String> keys = new ArrayList<>(map.keySet());
        for (final String k : keys) {
            ingest.flush(k, this, out);
        }
    }
}
