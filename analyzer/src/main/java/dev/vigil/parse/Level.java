package dev.vigil.parse;

import java.util.Locale;

/** Syslog-style severity of a log event, mapped from each source's own levels. */
public enum Level {
    DEBUG, INFO, NOTICE, WARNING, ERROR, CRITICAL, ALERT, EMERGENCY;

    /** Maps a journald/syslog PRIORITY (0 = emerg ... 7 = debug). Out-of-range values map to INFO. */
    public static Level fromSyslogPriority(final int priority) {
        switch (priority) {
            case 0: return EMERGENCY;
            case 1: return ALERT;
            case 2: return CRITICAL;
            case 3: return ERROR;
            case 4: return WARNING;
            case 5: return NOTICE;
            case 7: return DEBUG;
            default: return INFO;
        }
    }

    /**
     * Maps a level word as sources write it: nginx ({@code emerg, alert, crit, error, warn, notice, info, debug}),
     * PostgreSQL ({@code DEBUG1-5, LOG, INFO, NOTICE, WARNING, ERROR, FATAL, PANIC}), Python/Synapse
     * ({@code DEBUG, INFO, WARNING, ERROR, CRITICAL}). Unknown words map to INFO.
     */
    public static Level fromWord(final String word) {
        if (word == null) {
            return INFO;
        }
        final String w = word.trim().toUpperCase(Locale.ROOT);
        if (w.startsWith("DEBUG")) {
            return DEBUG;
        }
        switch (w) {
            case "LOG": case "INFO": case "STATEMENT": case "DETAIL": case "HINT": case "CONTEXT": return INFO;
            case "NOTICE": return NOTICE;
            case "WARN": case "WARNING": return WARNING;
            case "ERR": case "ERROR": return ERROR;
            case "CRIT": case "CRITICAL": case "FATAL": return CRITICAL;
            case "ALERT": return ALERT;
            case "EMERG": case "EMERGENCY": case "PANIC": return EMERGENCY;
            default: return INFO;
        }
    }

    /** Lower-case name for JSON and labels. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
