package dev.vigil.rule;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/** In-memory {@link PartialStore}. */
public final class MapPartialStore implements PartialStore {
    private final Map<String, Partial> map = new LinkedHashMap<>();

    @Override
    public Partial get(final String key) {
        return map.get(key);
    }

    @Override
    public void put(final String key, final Partial partial) {
        map.put(key, partial);
    }

    @Override
    public void drain(final Consumer<Partial> out) {
        map.values().forEach(out);
        map.clear();
    }
}
