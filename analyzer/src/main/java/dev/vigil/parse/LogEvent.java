package dev.vigil.parse;

import java.util.Collections;
import java.util.Map;

/**
 * One parsed log entry: the unit that signatures match and rules count.
 *
 * <p>{@code message} is the text signatures run their regex against: the entry after the source's own prefix
 * (timestamp, pid, ...), with continuation lines (PostgreSQL DETAIL/HINT/STATEMENT, Python tracebacks) joined
 * by {@code '\n'}. Per source:
 * <ul>
 *   <li>nginx access: the whole access line; nginx error: the text after {@code "*cid "} (or after
 *       {@code "pid#tid: "}), including {@code ", client: ..., server: ..."};</li>
 *   <li>postgres: {@code "SEVERITY:  text"} followed by its DETAIL/HINT/STATEMENT lines, whatever the format
 *       (stderr, csvlog, jsonlog) it came in, so one regex serves all three;</li>
 *   <li>synapse: {@code "logger - LEVEL - text"} plus folded traceback lines; for {@code Processed request}
 *       lines, the text after the request name;</li>
 *   <li>journald: the MESSAGE (syslog text form: the text after {@code "ident[pid]: "}).</li>
 * </ul>
 * {@code line} is the original text a person would read (evidence), {@code fields} are typed values:
 * {@link Long}, {@link Double} or {@link String}.
 *
 * @param time     event time in epoch milliseconds, or {@link #NO_TIME} when the entry carries none
 * @param source   which source parsed it
 * @param host     host name when known, else null
 * @param service  unit, syslog identifier or logger when known, else null
 * @param level    severity
 * @param message  text that signatures match
 * @param line     original entry text
 * @param fields   typed fields (never null; unmodifiable)
 */
public record LogEvent(long time, Source source, String host, String service, Level level, String message,
                       String line, Map<String, Object> fields) {

    /** Marker for an entry without its own timestamp. */
    public static final long NO_TIME = Long.MIN_VALUE;

    public LogEvent {
        fields = fields == null ? Map.of() : fields instanceof FieldMap ? ((FieldMap) fields).freeze()
            : Collections.unmodifiableMap(fields);
    }

    /** A field as text, or null. */
    public String field(final String name) {
        final Object v = fields.get(name);
        return v == null ? null : v.toString();
    }

    /** Same event with another time (used when the entry had none and the envelope or record supplies it). */
    public LogEvent withTime(final long newTime) {
        return new LogEvent(newTime, source, host, service, level, message, line, fields);
    }

    /** Same event with a host filled in (from the envelope) when the entry itself named none. */
    public LogEvent withHostIfAbsent(final String envHost) {
        if (host != null || envHost == null) {
            return this;
        }
        return new LogEvent(time, source, envHost, service, level, message, line, fields);
    }
}
