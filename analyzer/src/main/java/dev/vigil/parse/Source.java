package dev.vigil.parse;

import java.util.Locale;

/** The four log sources Vigil understands. The id is the lower-case name used in the pack and in labels. */
public enum Source {
    NGINX, POSTGRES, SYNAPSE, JOURNALD;

    private final String id = name().toLowerCase(Locale.ROOT);

    /** Lower-case identifier, as written in pattern packs ({@code nginx}, {@code postgres}, ...). */
    public String id() {
        return id;
    }

    /** Parses a source id; returns null for an unknown name. */
    public static Source fromId(final String id) {
        if (id == null) {
            return null;
        }
        for (final Source s : values()) {
            if (s.id.equals(id.trim().toLowerCase(Locale.ROOT))) {
                return s;
            }
        }
        return null;
    }
}
