package dev.vigil.topology;

import dev.vigil.rule.KeyedStore;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.internals.CacheFlushListener;
import org.apache.kafka.streams.state.internals.CachedStateStore;

/**
 * A {@link KeyedStore} that is itself a Kafka Streams state store: the entries live as objects in a map, and a
 * changelogged in-memory key-value store under it holds them serialized. Puts and deletes only touch the map and
 * note the key; each noted key's value at that moment is serialized and written to the store under it (and so to
 * its changelog) once per commit, when Kafka Streams flushes its caches, inside the commit's transaction. A key
 * changed a thousand times between two commits costs one serialization, not a thousand; a value changed in place
 * and {@link #put} again is written as it is at the commit, which is the state the committed input offsets
 * describe.
 *
 * <p>The map is loaded from the store at first use after the store was (re)initialized, i.e. after its restore
 * from the changelog, and dropped whenever Kafka Streams may change the store under it (close, re-init, and
 * {@link #clearCache} when the task turns into a standby). Kafka Streams calls {@link #flushCache} on every store
 * that is a {@link CachedStateStore} before each commit (internal API, as its own caching stores use it;
 * {@code StreamsKeyedStoreTest} fails should that stop); {@link #flush} writes too, for any caller that only
 * flushes.
 *
 * @param <V> the value type
 */
final class StreamsKeyedStore<V> implements KeyedStore<V>, StateStore, CachedStateStore<String, V> {
    private final KeyValueStore<String, V> kv;
    /** The entries, visited in key order as the store and replay do; null until loaded. */
    private Map<String, V> values;
    /** Keys changed since the last flush, in the order they were first changed. */
    private final Set<String> dirty = new LinkedHashSet<>();

    StreamsKeyedStore(final KeyValueStore<String, V> kv) {
        this.kv = kv;
    }

    /** A builder of a store named {@code name}: in memory, changelogged, values written with {@code serde}. */
    static <V> StoreBuilder<StreamsKeyedStore<V>> builder(final String name, final Serde<V> serde) {
        return new Builder<>(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), Serdes.String(), serde)
            .withCachingDisabled());
    }

    private Map<String, V> values() {
        if (values == null) {
            final Map<String, V> loaded = new TreeMap<>();
            try (KeyValueIterator<String, V> it = kv.all()) {
                while (it.hasNext()) {
                    final KeyValue<String, V> e = it.next();
                    loaded.put(e.key, e.value);
                }
            }
            values = loaded;
        }
        return values;
    }

    @Override
    public V get(final String id) {
        return values().get(id);
    }

    @Override
    public void put(final String id, final V value) {
        values().put(id, value);
        dirty.add(id);
    }

    @Override
    public void delete(final String id) {
        if (values().remove(id) != null) {
            dirty.add(id);
        }
    }

    /** The keys held (a live view: copy it before changing the store while going through it). */
    Set<String> keys() {
        return Collections.unmodifiableSet(values().keySet());
    }

    @Override
    public void forEach(final Consumer<V> visitor) {
        values().values().forEach(visitor); // visitors only read, as with MapKeyedStore
    }

    /** How many changed keys wait for the next flush (for tests). */
    int pendingWrites() {
        return dirty.size();
    }

    @Override
    public void flushCache() {
        if (dirty.isEmpty()) {
            return;
        }
        for (final String id : dirty) {
            // null deletes, without reading (deserializing) the old value back as delete() would
            kv.put(id, values.get(id));
        }
        dirty.clear();
    }

    @Override
    public void clearCache() {
        // the task turns into a standby: changelog records will update the store under the map from now on
        dirty.clear();
        values = null;
    }

    @Override
    public boolean setFlushListener(final CacheFlushListener<String, V> listener, final boolean sendOldValues) {
        return false; // nothing downstream listens to this store's flushes
    }

    @Override
    public String name() {
        return kv.name();
    }

    @Override
    public void init(final StateStoreContext context, final StateStore root) {
        dirty.clear();
        values = null;
        kv.init(context, root);
    }

    @Override
    public void flush() {
        flushCache();
        kv.flush();
    }

    @Override
    public void close() {
        dirty.clear();
        values = null;
        kv.close();
    }

    @Override
    public boolean persistent() {
        return kv.persistent();
    }

    @Override
    public boolean isOpen() {
        return kv.isOpen();
    }

    @Override
    public Position getPosition() {
        return kv.getPosition();
    }

    /** Builds the store over the key-value store its delegate builds; logging settings go to the delegate. */
    private static final class Builder<V> implements StoreBuilder<StreamsKeyedStore<V>> {
        private final StoreBuilder<KeyValueStore<String, V>> inner;

        Builder(final StoreBuilder<KeyValueStore<String, V>> inner) {
            this.inner = inner;
        }

        @Override
        public StoreBuilder<StreamsKeyedStore<V>> withCachingEnabled() {
            throw new UnsupportedOperationException(
                "the store keeps its entries as objects: a cache of bytes adds nothing");
        }

        @Override
        public StoreBuilder<StreamsKeyedStore<V>> withCachingDisabled() {
            return this;
        }

        @Override
        public StoreBuilder<StreamsKeyedStore<V>> withLoggingEnabled(final Map<String, String> config) {
            inner.withLoggingEnabled(config);
            return this;
        }

        @Override
        public StoreBuilder<StreamsKeyedStore<V>> withLoggingDisabled() {
            inner.withLoggingDisabled();
            return this;
        }

        @Override
        public StreamsKeyedStore<V> build() {
            return new StreamsKeyedStore<>(inner.build());
        }

        @Override
        public Map<String, String> logConfig() {
            return inner.logConfig();
        }

        @Override
        public boolean loggingEnabled() {
            return inner.loggingEnabled();
        }

        @Override
        public String name() {
            return inner.name();
        }
    }
}
