package dev.vigil.bridge;

import java.util.Locale;

/** Where a bridge delivers alerts. */
public enum TargetKind {
    /** PagerDuty Events API v2. */
    PAGERDUTY,
    /** Slack incoming webhook (Block Kit). */
    SLACK,
    /** Any receiver of Alertmanager's webhook (payload version 4). */
    WEBHOOK;

    /** Lower-case id used on the command line, in metric tags and in default group ids. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a target id.
     *
     * @throws IllegalArgumentException with a user-facing message when unknown
     */
    public static TargetKind parse(final String s) {
        for (final TargetKind k : values()) {
            if (k.id().equals(s == null ? null : s.trim().toLowerCase(Locale.ROOT))) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown target '" + s + "' (use pagerduty, slack or webhook)");
    }
}
