package dev.vigil.rule;

import java.util.function.Consumer;

/** Where rule states live: a Kafka Streams key-value store in live mode, a map in replay and rule tests. */
public interface RuleStateStore {

    /** The state with this alert id, or null. */
    RuleState get(String id);

    /** Stores a state. */
    void put(RuleState state);

    /** Removes a state. */
    void delete(String id);

    /** Visits every state; the visitor must not modify the store. */
    void forEach(Consumer<RuleState> visitor);
}
