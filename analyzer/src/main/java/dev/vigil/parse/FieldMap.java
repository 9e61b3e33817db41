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
 * Two arrays searched linearly, comparing names by identity first: for the ten to twenty fields of a log entry that
 * is faster to fill and to read than a hash map, and allocates one object and two small arrays instead of a table
 * and a node per field. Parsers fill it; {@link LogEvent} {@linkplain #freeze freezes} it, after which it is
 * read-only and safe to share between threads.
 */
public final class FieldMap extends AbstractMap<String, Object> {

    private String[] keys;
    private Object[] values;
    private int size;
    private boolean frozen;

    public FieldMap() {
        this(16);
    }

    public FieldMap(final int capacity) {
        keys = new String[Math.max(4, capacity)];
        values = new Object[keys.length];
    }

    /** Makes this map read-only; returns it. */
    FieldMap freeze() {
        frozen = true;
        return this;
    }

    private int indexOf(final Object key) {
        final String[] k = keys;
        final int n = size;
        for (int i = 0; i < n; i++) {
            if (k[i] == key) {
                return i;
            }
        }
        if (key != null) {
            for (int i = 0; i < n; i++) {
                if (key.equals(k[i])) {
                    return i;
                }
            }
        }
        return -1;
    }

    @Override
    public Object get(final Object key) {
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

    @Override
    public Object put(final String key, final Object value) {
        if (frozen) {
            throw new UnsupportedOperationException("the fields of a parsed entry are read-only");
        }
        if (key == null) {
            throw new NullPointerException("field name");
        }
        final int i = indexOf(key);
        if (i >= 0) {
            final Object old = values[i];
            values[i] = value;
            return old;
        }
        if (size == keys.length) {
            keys = Arrays.copyOf(keys, size * 2);
            values = Arrays.copyOf(values, size * 2);
        }
        keys[size] = key;
        values[size] = value;
        size++;
        return null;
    }

    @Override
    public Object remove(final Object key) {
        if (frozen) {
            throw new UnsupportedOperationException("the fields of a parsed entry are read-only");
        }
        final int i = indexOf(key);
        if (i < 0) {
            return null;
        }
        final Object old = values[i];
        System.arraycopy(keys, i + 1, keys, i, size - i - 1);
        System.arraycopy(values, i + 1, values, i, size - i - 1);
        size--;
        keys[size] = null;
        values[size] = null;
        return old;
    }

    @Override
    public void clear() {
        if (frozen) {
            throw new UnsupportedOperationException("the fields of a parsed entry are read-only");
        }
        Arrays.fill(keys, 0, size, null);
        Arrays.fill(values, 0, size, null);
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
