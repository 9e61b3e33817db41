package dev.vigil.rule;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/** In-memory {@link RuleStateStore} for replay and rule tests. */
public final class MapRuleStateStore implements RuleStateStore {
    private final Map<String, RuleState> map = new HashMap<>();

    @Override
    public RuleState get(final String id) {
        return map.get(id);
    }

    @Override
    public void put(final RuleState state) {
        map.put(state.id, state);
    }

    @Override
    public void delete(final String id) {
        map.remove(id);
    }

    @Override
    public void forEach(final Consumer<RuleState> visitor) {
        map.values().forEach(visitor);
    }

    /** Groups held. */
    public int size() {
        return map.size();
    }
}
