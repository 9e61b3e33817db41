package dev.vigil.rule;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/** In-memory {@link PartialStore}. */
public final class MapPartialStore implements PartialStore {
    private final Map<Object, Partial> map = new LinkedHashMap<>();

    @Override
    public Partial get(final Object key) {
        return map.get(key);
    }

    @Override
    public void put(final Object key, final Partial partial) {
        map.put(key, partial);
    }

    @Override
    public void drain(final Consumer<Partial> out) {
        map.values().forEach(out);
        map.clear();
    }
}
