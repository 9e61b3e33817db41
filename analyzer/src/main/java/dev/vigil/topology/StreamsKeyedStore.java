package dev.vigil.topology;

import dev.vigil.rule.KeyedStore;
import java.util.function.Consumer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/** A {@link KeyedStore} over a Kafka Streams key-value store (changelogged, restored with its task). */
final class StreamsKeyedStore<V> implements KeyedStore<V> {
    private final KeyValueStore<String, V> kv;

    StreamsKeyedStore(final KeyValueStore<String, V> kv) {
        this.kv = kv;
    }

    @Override
    public V get(final String id) {
        return kv.get(id);
    }

    @Override
    public void put(final String id, final V value) {
        kv.put(id, value);
    }

    @Override
    public void delete(final String id) {
        kv.delete(id);
    }

    @Override
    public void forEach(final Consumer<V> visitor) {
        try (KeyValueIterator<String, V> it = kv.all()) {
            while (it.hasNext()) {
                visitor.accept(it.next().value);
            }
        }
    }
}
