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
 * Names and values sit in arrays, found through a small open-addressing table of array positions keyed by the
 * name's cached hash: filling and reading it costs about what a hash map's lookups cost, without a node per field
 * or a wrapper per event. Parsers fill it; {@link LogEvent} {@linkplain #freeze freezes} it, after which it is
 * read-only and safe to share between threads.
 */
public final class FieldMap extends AbstractMap<String, Object> {

    private String[] keys;
    private int[] hashes;
    private Object[] values;
    /** Position + 1 of the entry whose hash leads here (linear probing), or 0; at least twice the capacity. */
    private short[] table;
    private int size;
    private boolean frozen;

    public FieldMap() {
        this(16);
    }

    public FieldMap(final int capacity) {
        final int cap = Math.max(4, capacity);
        keys = new String[cap];
        hashes = new int[cap];
        values = new Object[cap];
        table = new short[Integer.highestOneBit(cap * 2 - 1) * 2];
    }

    /** Makes this map read-only; returns it. */
    FieldMap freeze() {
        frozen = true;
        return this;
    }

    private static int spread(final int h) {
        return h ^ (h >>> 16);
    }

    /** The table slot holding {@code key}'s position, or the empty slot where it would go. */
    private int slot(final Object key, final int h) {
        final short[] t = table;
        final int mask = t.length - 1;
        int i = spread(h) & mask;
        while (true) {
            final int at = t[i] - 1;
            if (at < 0) {
                return i;
            }
            final String k = keys[at];
            if (k == key || hashes[at] == h && k.equals(key)) {
                return i;
            }
            i = (i + 1) & mask;
        }
    }

    private int indexOf(final Object key) {
        if (key == null) {
            return -1;
        }
        return table[slot(key, key.hashCode())] - 1;
    }

    @Override
    public Object get(final Object key) {
        // readers ask with the parsers' own constants: one pass over the names array (a cache line or two, often
        // in another core's cache when a reader thread parsed the entry) before the table
        final String[] k = keys;
        for (int i = 0, n = size; i < n; i++) {
            if (k[i] == key) {
                return values[i];
            }
        }
        final int i = indexOf(key);
        return i < 0 ? null : values[i];
    }

    @Override
    public boolean containsKey(final Object key) {
        return indexOf(key) >= 0;
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

    @Override
    public Object put(final String key, final Object value) {
        checkWritable();
        if (key == null) {
            throw new NullPointerException("field name");
        }
        final int h = key.hashCode();
        final int s = slot(key, h);
        final int at = table[s] - 1;
        if (at >= 0) {
            final Object old = values[at];
            values[at] = value;
            return old;
        }
        if (size == keys.length) {
            grow();
            return put(key, value);
        }
        keys[size] = key;
        hashes[size] = h;
        values[size] = value;
        size++;
        table[s] = (short) size;
        return null;
    }

    private void grow() {
        final int cap = keys.length * 2;
        if (cap * 2 > Short.MAX_VALUE) {
            throw new IllegalStateException("too many fields");
        }
        keys = Arrays.copyOf(keys, cap);
        hashes = Arrays.copyOf(hashes, cap);
        values = Arrays.copyOf(values, cap);
        rehash(cap * 2);
    }

    private void rehash(final int tableSize) {
        table = new short[tableSize];
        final int mask = tableSize - 1;
        for (int j = 0; j < size; j++) {
            int i = spread(hashes[j]) & mask;
            while (table[i] != 0) {
                i = (i + 1) & mask;
            }
            table[i] = (short) (j + 1);
        }
    }

    @Override
    public Object remove(final Object key) {
        checkWritable();
        final int i = indexOf(key);
        if (i < 0) {
            return null;
        }
        final Object old = values[i];
        System.arraycopy(keys, i + 1, keys, i, size - i - 1);
        System.arraycopy(hashes, i + 1, hashes, i, size - i - 1);
        System.arraycopy(values, i + 1, values, i, size - i - 1);
        size--;
        keys[size] = null;
        values[size] = null;
        rehash(table.length);
        return old;
    }

    @Override
    public void clear() {
        checkWritable();
        Arrays.fill(keys, 0, size, null);
        Arrays.fill(values, 0, size, null);
        Arrays.fill(table, (short) 0);
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
                        final int i = next++;
                        return new SimpleImmutableEntry<>(keys[i], values[i]);
                    }
                };
            }
        };
    }
}
