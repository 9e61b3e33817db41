package dev.vigil.topology;

import dev.vigil.rule.KeyedStore;
import java.util.TreeMap;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * A {@link KeyedStore} over a Kafka Streams key-value store (changelogged, restored with its task), with the same
 * entries kept as objects in a map in front of it: reads never deserialize, and writes go through to the store,
 * whose cache takes each key's last value to the changelog at the commit. The map is loaded from the store when
 * the task starts, after the store was restored. As with the replay's {@code MapKeyedStore}, a value changed in
 * place must be {@link #put} again to reach the changelog.
 */
final class StreamsKeyedStore<V> implements KeyedStore<V> {
    private final KeyValueStore<String, V> kv;
    private final Map<String, V> values = new TreeMap<>(); // visited in key order, as the store and replay do

    StreamsKeyedStore(final KeyValueStore<String, V> kv) {
        this.kv = kv;
        try (KeyValueIterator<String, V> it = kv.all()) {
            while (it.hasNext()) {
                final KeyValue<String, V> e = it.next();
                values.put(e.key, e.value);
            }
        }
    }

    @Override
    public V get(final String id) {
        return values.get(id);
    }

    @Override
    public void put(final String id, final V value) {
        values.put(id, value);
        kv.put(id, value);
    }

    @Override
    public void delete(final String id) {
        if (values.remove(id) != null) {
            kv.put(id, null); // a delete that does not read (deserialize) the old value back
        }
    }

    /** The keys held (a live view: copy it before changing the store while going through it). */
    java.util.Set<String> keys() {
        return java.util.Collections.unmodifiableSet(values.keySet());
    }

    @Override
    public void forEach(final Consumer<V> visitor) {
        values.values().forEach(visitor); // visitors only read, as with MapKeyedStore
    }
}
