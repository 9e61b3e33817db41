package dev.vigil.rule;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/** In-memory {@link EpisodeStore} for replay and tests. */
public final class MapEpisodeStore implements EpisodeStore {
    private final Map<String, Episode> map = new HashMap<>();

    @Override
    public Episode get(final String id) {
        return map.get(id);
    }

    @Override
    public void put(final Episode episode) {
        map.put(episode.id, episode);
    }

    @Override
    public void delete(final String id) {
        map.remove(id);
    }

    @Override
    public void forEach(final Consumer<Episode> visitor) {
        map.values().forEach(visitor);
    }

    /** Number of open episodes. */
    public int size() {
        return map.size();
    }
}
