package dev.vigil.topology;

/** Every processor, store and internal topic name of the topology, in one place (they are part of upgrades). */
final class Names {
    static final String READ_LOGS = "read-logs";
    static final String PARSE_MATCH = "parse-match";
    static final String PENDING_STORE = "pending-entries-store";
    static final String RULE_STATE_STORE = "rule-state-store";
    static final String ROUTE = "route-";
    static final String ROUTE_DEAD = "route-deadletters";
    static final String ROUTE_SIGNALS = "route-signals";
    static final String UNWRAP_DEAD = "unwrap-deadletters";
    static final String UNWRAP_SIGNALS = "unwrap-signals";
    static final String WRITE_DEAD = "write-deadletters";
    static final String BY_ALERT_ID = "by-alert-id";
    static final String LIFECYCLE = "alert-lifecycle";
    static final String EPISODE_STORE = "alert-episodes-store";
    static final String WRITE_ALERTS = "write-alerts";

    private Names() {
    }
}
