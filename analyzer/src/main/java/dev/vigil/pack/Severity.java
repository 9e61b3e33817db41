package dev.vigil.pack;

import java.util.Locale;

/** Alert severity, from least to most urgent. */
public enum Severity {
    INFO, WARNING, ERROR, CRITICAL;

    /** Lower-case name as written in the pack and the alert JSON. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a severity id; null when unknown. */
    public static Severity fromId(final String s) {
        for (final Severity v : values()) {
            if (v.id().equals(s)) {
                return v;
            }
        }
        return null;
    }
}
