package dev.vigil.rule;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * In-memory {@link KeyedStore} for replay and tests; visits in key order, as Kafka Streams' in-memory store does.
 *
 * @param <V> the state type
 */
public final class MapKeyedStore<V> implements KeyedStore<V> {
    private final Map<String, V> map = new TreeMap<>();

    @Override
    public V get(final String id) {
        return map.get(id);
    }

    @Override
    public void put(final String id, final V value) {
        map.put(id, value);
    }

    @Override
    public void delete(final String id) {
        map.remove(id);
    }

    @Override
    public void forEach(final Consumer<V> visitor) {
        map.values().forEach(visitor);
    }

    /** Number of values held. */
    public int size() {
        return map.size();
    }
}
