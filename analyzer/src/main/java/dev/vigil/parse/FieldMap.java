package dev.vigil.parse;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * The fields of one parsed entry: a handful of names (usually string constants) and values, in insertion order.
 * Names, their hashes and values sit in an open-addressing table (linear probing, at most half full), with the
 * insertion order kept as a list of table positions: a lookup by a parser's constant is one probe and an identity
 * compare, and filling it makes four small arrays instead of a node per field. Parsers fill it; {@link LogEvent}
 * {@linkplain #freeze freezes} it, after which it is read-only and safe to share between threads.
 */
public final class FieldMap extends AbstractMap<String, Object> {

    private String[] keys;
    private int[] hashes;
    private Object[] values;
    /** Table positions in insertion order; its length is the capacity, half the table's. */
    private short[] order;
    private int size;
    private boolean frozen;

    public FieldMap() {
        this(16);
    }

    public FieldMap(final int capacity) {
        allocate(Integer.highestOneBit(Math.max(4, capacity) * 2 - 1) * 2);
    }

    private void allocate(final int tableSize) {
        keys = new String[tableSize];
        hashes = new int[tableSize];
        values = new Object[tableSize];
        order = new short[tableSize / 2];
    }

    /** Makes this map read-only; returns it. */
    FieldMap freeze() {
        frozen = true;
        return this;
    }

    /** The table position holding {@code key}, or the empty one where it would go. */
    private int slot(final Object key, final int h) {
        final String[] k = keys;
        final int mask = k.length - 1;
        int i = (h ^ (h >>> 16)) & mask;
        String x;
        while ((x = k[i]) != null) {
            if (x == key || hashes[i] == h && x.equals(key)) {
                return i;
            }
            i = (i + 1) & mask;
        }
        return i;
    }

    @Override
    public Object get(final Object key) {
        return key == null ? null : values[slot(key, key.hashCode())];
    }

    @Override
    public boolean containsKey(final Object key) {
        return key != null && keys[slot(key, key.hashCode())] != null;
    }

    @Override
    public int size() {
        return size;
    }

    private void checkWritable() {
        if (frozen) {
            throw new UnsupportedOperationException("the fields of a parsed entry are read-only");
        }
    }

    /** The table position of {@code key} for a write: where it is, or the empty one where it would go. */
    private int writableSlot(final String key) {
        checkWritable();
        if (key == null) {
            throw new NullPointerException("field name");
        }
        return slot(key, key.hashCode());
    }

    @Override
    public Object put(final String key, final Object value) {
        final int i = writableSlot(key);
        if (keys[i] != null) {
            final Object old = values[i];
            values[i] = value;
            return old;
        }
        insert(i, key, value);
        return null;
    }

    /** One probe where {@link Map#putIfAbsent}'s default takes two (parsers fill optional fields with it). */
    @Override
    public Object putIfAbsent(final String key, final Object value) {
        final int i = writableSlot(key);
        if (keys[i] == null) {
            insert(i, key, value);
            return null;
        }
        if (values[i] == null) {
            values[i] = value;
            return null;
        }
        return values[i];
    }

    /** Adds {@code key} at the empty table position {@code at} (its slot before any growth). */
    private void insert(final int at, final String key, final Object value) {
        final int h = key.hashCode(); // a String keeps its hash: no second pass over the name
        int i = at;
        if (size == order.length) {
            rebuild(keys.length * 2, null);
            i = slot(key, h);
        }
        keys[i] = key;
        hashes[i] = h;
        values[i] = value;
        order[size++] = (short) i;
    }

    /** Moves the entries (but {@code without}) into a table of {@code tableSize}, keeping their order. */
    private void rebuild(final int tableSize, final Object without) {
        if (tableSize > Short.MAX_VALUE) {
            throw new IllegalStateException("too many fields");
        }
        final String[] k = keys;
        final int[] hs = hashes;
        final Object[] v = values;
        final short[] o = order;
        final int n = size;
        allocate(tableSize);
        size = 0;
        for (int j = 0; j < n; j++) {
            final int at = o[j];
            if (k[at] == without) {
                continue;
            }
            final int i = slot(k[at], hs[at]);
            keys[i] = k[at];
            hashes[i] = hs[at];
            values[i] = v[at];
            order[size++] = (short) i;
        }
    }

    @Override
    public Object remove(final Object key) {
        checkWritable();
        if (key == null) {
            return null;
        }
        final int i = slot(key, key.hashCode());
        if (keys[i] == null) {
            return null;
        }
        final Object old = values[i];
        rebuild(keys.length, keys[i]);
        return old;
    }

    @Override
    public void clear() {
        checkWritable();
        Arrays.fill(keys, null);
        Arrays.fill(values, null);
        size = 0;
    }

    @Override
    public Set<Map.Entry<String, Object>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public int size() {
                return size;
            }

            @Override
            public Iterator<Map.Entry<String, Object>> iterator() {
                return new Iterator<>() {
                    private int next;

                    @Override
                    public boolean hasNext() {
                        return next < size;
                    }

                    @Override
                    public Map.Entry<String, Object> next() {
                        if (next >= size) {
                            throw new NoSuchElementException();
                        }
                        final int i = order[next++];
                        return new SimpleImmutableEntry<>(keys[i], values[i]);
                    }
                };
            }
        };
    }
}
