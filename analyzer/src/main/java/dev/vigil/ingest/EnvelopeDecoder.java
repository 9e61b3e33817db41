package dev.vigil.ingest;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.vigil.parse.LogEvent;
import dev.vigil.parse.Source;
import dev.vigil.parse.Timestamps;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Turns a Kafka record value (or a file line) into an {@link Envelope}: the log text plus what the shipper's
 * envelope says about it. Thread-safe and stateless.
 *
 * <p>Detection, in order:
 * <ol>
 *   <li>Fast path: when the first non-blank character is not <code>'{'</code> the record is a raw text line and
 *       Jackson never runs.</li>
 *   <li>A JSON object with {@code error_severity} is a PostgreSQL jsonlog line, and one with a {@code record}
 *       object from logger {@code postgres} a CloudNativePG line: both stay RAW (the whole JSON is the log line)
 *       with source hint POSTGRES.</li>
 *   <li>{@code __REALTIME_TIMESTAMP}, {@code __CURSOR} or {@code MESSAGE}: journald JSON
 *       ({@code journalctl -o json}).</li>
 *   <li>{@code source_type} and {@code message}: Vector (journald fields copied when present).</li>
 *   <li>Beats markers ({@code @metadata.beat}, {@code agent}, {@code ecs}, {@code log.file}) and
 *       {@code message}: Filebeat.</li>
 *   <li>A string {@code log}: Fluent Bit.</li>
 *   <li>A string {@code message}, {@code msg} or {@code textPayload} (GCP): generic JSON.</li>
 *   <li>Anything else, including malformed JSON such as <code>{"unterminated</code>, is a raw line somebody
 *       logged and is kept verbatim.</li>
 * </ol>
 *
 * <p>Text is UTF-8; invalid bytes become U+FFFD (never dropped). Trailing CR/LF is removed. Text longer than
 * {@link #MAX_CHARS} is cut there and flagged {@code truncated}. A record that is empty or blank, or whose
 * envelope message is empty, raises {@link DecodeException} with reason {@code empty}; a journald record whose
 * {@code MESSAGE} is null or absent (journalctl writes null for oversized fields) is kept with empty text.
 *
 * <p>journald fields may be repeated, which {@code journalctl -o json} writes as a JSON array: the first value
 * is used for every field, MESSAGE included (what {@code sd_journal_get_data} and {@code journalctl -o short}
 * show). A byte-array value (array of numbers) is decoded as UTF-8 with replacement.
 */
public final class EnvelopeDecoder {

    /** Longest text kept, in chars (1 MiB). */
    public static final int MAX_CHARS = 1_048_576;

    /** Beyond this many bytes a JSON record is not parsed but kept (truncated) as raw text. */
    static final int MAX_JSON_BYTES = 16 * MAX_CHARS;

    /** A UTF-8 char takes at most 4 bytes, so this many bytes always yield more than MAX_CHARS chars. */
    private static final int MAX_RAW_BYTES = 4 * MAX_CHARS + 4;

    private static final ObjectMapper MAPPER = JsonMapper.builder()
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .build();

    /** Decodes a Kafka record value. */
    public Envelope decode(final byte[] value) throws DecodeException {
        if (value == null || value.length == 0) {
            throw new DecodeException("empty", "empty record");
        }
        int first = 0;
        while (first < value.length && isSpace(value[first])) {
            first++;
        }
        if (first == value.length) {
            throw new DecodeException("empty", "blank record");
        }
        // new String(..., UTF_8) replaces malformed input with U+FFFD exactly like a CharsetDecoder set to
        // CodingErrorAction.REPLACE, is thread-safe and has the JDK's ASCII fast path.
        if (value[first] != '{') {
            final int len = Math.min(value.length, MAX_RAW_BYTES);
            return raw(stripEol(new String(value, 0, len, StandardCharsets.UTF_8)), len < value.length);
        }
        final int len = Math.min(value.length, MAX_JSON_BYTES);
        return decodeText(new String(value, 0, len, StandardCharsets.UTF_8), len < value.length);
    }

    /** Decodes one line of text (a file line in replay, or an already decoded value). */
    public Envelope decodeLine(final String line) throws DecodeException {
        if (line == null) {
            throw new DecodeException("empty", "null line");
        }
        return decodeText(line, false);
    }

    private Envelope decodeText(final String input, final boolean cut) throws DecodeException {
        final String text = stripEol(input);
        int first = 0;
        while (first < text.length() && Character.isWhitespace(text.charAt(first))) {
            first++;
        }
        if (first == text.length()) {
            throw new DecodeException("empty", "blank record");
        }
        if (text.charAt(first) == '{' && !cut) {
            final Envelope e = json(text);
            if (e != null) {
                return e;
            }
        }
        return raw(text, cut);
    }

    private static Envelope raw(final String text, final boolean cut) {
        return rawWithHint(text, cut, null);
    }

    private static Envelope rawWithHint(final String text, final boolean cut, final Source hint) {
        final String t = truncate(text);
        return new Envelope(t, Envelope.Kind.RAW, LogEvent.NO_TIME, null, null, null, null, null, null, hint,
            cut || t.length() != text.length());
    }

    private static Envelope json(final String text) throws DecodeException {
        final JsonNode root;
        try {
            root = MAPPER.readTree(text);
        } catch (final JacksonException | RuntimeException e) {
            return null;
        }
        if (root == null || !root.isObject()) {
            return null;
        }
        if (root.has("error_severity")) {
            return rawWithHint(text, false, Source.POSTGRES);
        }
        final JsonNode record = root.get("record");
        if (record != null && record.isObject()
            && ("postgres".equals(str(root.get("logger"))) || "record".equals(str(root.get("msg"))))) {
            return rawWithHint(text, false, Source.POSTGRES);
        }
        if (root.has("__REALTIME_TIMESTAMP") || root.has("__CURSOR") || root.has("MESSAGE")) {
            return journald(root);
        }
        final JsonNode message = root.get("message");
        final boolean hasMessage = message != null && message.isTextual();
        if (hasMessage && root.has("source_type")) {
            return vector(root, message.textValue());
        }
        if (hasMessage && isBeats(root)) {
            return filebeat(root, message.textValue());
        }
        final JsonNode log = root.get("log");
        if (log != null && log.isTextual()) {
            return fluentBit(root, log.textValue());
        }
        String msg = hasMessage ? message.textValue() : null;
        if (msg == null) {
            msg = textual(root.get("msg"));
        }
        if (msg == null) {
            msg = textual(root.get("textPayload"));
        }
        if (msg == null) {
            return null;
        }
        final Source hint = "postgres".equals(str(root.get("logger"))) ? Source.POSTGRES : null;
        return envelope(msg, Envelope.Kind.JSON, firstTime(root, "timestamp", "@timestamp", "time", "ts", "date"),
            host(root), null, null, str(root.get("file")), null, null, hint);
    }

    private static Envelope journald(final JsonNode root) {
        String msg = journalValue(root.get("MESSAGE"));
        if (msg == null) {
            msg = "";
        }
        long time = micros(journalValue(root.get("__REALTIME_TIMESTAMP")));
        if (time == LogEvent.NO_TIME) {
            time = micros(journalValue(root.get("_SOURCE_REALTIME_TIMESTAMP")));
        }
        if (time == LogEvent.NO_TIME) {
            time = firstTime(root, "@timestamp", "timestamp", "date");
        }
        String host = journalValue(root.get("_HOSTNAME"));
        if (host == null) {
            host = host(root);
        }
        String ident = journalValue(root.get("SYSLOG_IDENTIFIER"));
        if (ident == null) {
            ident = journalValue(root.get("_COMM"));
        }
        Integer pid = integer(journalValue(root.get("_PID")));
        if (pid == null) {
            pid = integer(journalValue(root.get("SYSLOG_PID")));
        }
        final String cleaned = stripEol(msg);
        final String t = truncate(cleaned);
        return new Envelope(t, Envelope.Kind.JOURNALD, time, host, journalValue(root.get("_SYSTEMD_UNIT")), ident,
            null, pid, priority(journalValue(root.get("PRIORITY"))), null, t.length() != cleaned.length());
    }

    private static Envelope vector(final JsonNode root, final String message) throws DecodeException {
        String host = host(root);
        if (host == null) {
            host = journalValue(root.get("_HOSTNAME"));
        }
        String ident = journalValue(root.get("SYSLOG_IDENTIFIER"));
        if (ident == null && root.has("_SYSTEMD_UNIT")) {
            ident = journalValue(root.get("_COMM"));
        }
        return envelope(message, Envelope.Kind.VECTOR, firstTime(root, "timestamp", "@timestamp"), host,
            journalValue(root.get("_SYSTEMD_UNIT")), ident, str(root.get("file")),
            integer(journalValue(root.get("_PID"))), priority(journalValue(root.get("PRIORITY"))), null);
    }

    private static boolean isBeats(final JsonNode root) {
        final JsonNode meta = root.get("@metadata");
        if (meta != null && meta.has("beat")) {
            return true;
        }
        final JsonNode agent = root.get("agent");
        if (agent != null && agent.isObject() && agent.has("type")) {
            return true;
        }
        final JsonNode ecs = root.get("ecs");
        if (ecs != null && ecs.isObject()) {
            return true;
        }
        final JsonNode log = root.get("log");
        return log != null && log.isObject() && log.has("file");
    }

    private static Envelope filebeat(final JsonNode root, final String message) throws DecodeException {
        String host = str(at(root, "host", "name"));
        if (host == null) {
            host = str(at(root, "host", "hostname"));
        }
        String ident = str(at(root, "syslog", "identifier"));
        if (ident == null) {
            ident = str(at(root, "log", "syslog", "appname"));
        }
        String prio = str(at(root, "syslog", "priority"));
        if (prio == null) {
            prio = str(at(root, "log", "syslog", "priority"));
        }
        String module = str(at(root, "event", "module"));
        if (module == null) {
            module = str(at(root, "fileset", "module"));
        }
        Source hint = null;
        if ("nginx".equals(module)) {
            hint = Source.NGINX;
        } else if ("postgresql".equals(module)) {
            hint = Source.POSTGRES;
        }
        return envelope(message, Envelope.Kind.FILEBEAT, firstTime(root, "@timestamp", "timestamp"), host,
            str(at(root, "systemd", "unit")), ident, str(at(root, "log", "file", "path")),
            integer(str(at(root, "process", "pid"))), priority(prio), hint);
    }

    private static Envelope fluentBit(final JsonNode root, final String log) throws DecodeException {
        String host = host(root);
        if (host == null) {
            host = str(at(root, "kubernetes", "host"));
        }
        String file = str(root.get("file"));
        if (file == null) {
            file = str(root.get("path"));
        }
        return envelope(log, Envelope.Kind.FLUENTBIT, firstTime(root, "@timestamp", "date", "time", "timestamp"),
            host, null, null, file, null, null, null);
    }

    private static Envelope envelope(final String message, final Envelope.Kind kind, final long time,
                                     final String host, final String unit, final String ident, final String file,
                                     final Integer pid, final Integer priority, final Source hint)
        throws DecodeException {
        final String cleaned = stripEol(message);
        if (cleaned.isBlank()) {
            throw new DecodeException("empty", "empty " + kind.name().toLowerCase(Locale.ROOT) + " message");
        }
        final String t = truncate(cleaned);
        return new Envelope(t, kind, time, host, unit, ident, file, pid, priority, hint,
            t.length() != cleaned.length());
    }

    // --- helpers -------------------------------------------------------------------------------------------

    private static boolean isSpace(final byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == '\f' || b == 0x0B;
    }

    static String stripEol(final String s) {
        int end = s.length();
        while (end > 0 && (s.charAt(end - 1) == '\n' || s.charAt(end - 1) == '\r')) {
            end--;
        }
        return end == s.length() ? s : s.substring(0, end);
    }

    static String truncate(final String s) {
        if (s.length() <= MAX_CHARS) {
            return s;
        }
        int end = MAX_CHARS;
        if (Character.isHighSurrogate(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(0, end);
    }

    private static JsonNode at(final JsonNode root, final String... path) {
        JsonNode n = root;
        for (final String p : path) {
            if (n == null || !n.isObject()) {
                return null;
            }
            n = n.get(p);
        }
        return n;
    }

    /** A scalar as text; objects and arrays as their JSON; null for JSON null or absence. */
    private static String str(final JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            return null;
        }
        if (n.isTextual()) {
            return n.textValue();
        }
        return n.isValueNode() ? n.asText() : n.toString();
    }

    private static String textual(final JsonNode n) {
        return n != null && n.isTextual() ? n.textValue() : null;
    }

    private static String host(final JsonNode root) {
        final JsonNode h = root.get("host");
        if (h != null && h.isTextual()) {
            return h.textValue();
        }
        if (h != null && h.isObject()) {
            final String name = str(h.get("name"));
            return name != null ? name : str(h.get("hostname"));
        }
        return textual(root.get("hostname"));
    }

    /**
     * A journald field value: a string, a byte array (array of numbers, decoded as UTF-8 with replacement), or a
     * repeated field (array of those), of which the first value is taken.
     */
    static String journalValue(final JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            return null;
        }
        if (n.isTextual()) {
            return n.textValue();
        }
        if (n.isArray()) {
            if (n.isEmpty()) {
                return null;
            }
            boolean bytes = true;
            for (final JsonNode e : n) {
                if (!e.isIntegralNumber()) {
                    bytes = false;
                    break;
                }
            }
            if (bytes) {
                final byte[] b = new byte[n.size()];
                for (int i = 0; i < b.length; i++) {
                    b[i] = (byte) n.get(i).intValue();
                }
                return new String(b, StandardCharsets.UTF_8);
            }
            for (final JsonNode e : n) {
                final String v = journalValue(e);
                if (v != null) {
                    return v;
                }
            }
            return null;
        }
        return str(n);
    }

    private static long micros(final String s) {
        if (s == null || s.isEmpty() || s.length() > 19) {
            return LogEvent.NO_TIME;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return LogEvent.NO_TIME;
            }
        }
        return Long.parseLong(s) / 1000L;
    }

    private static long firstTime(final JsonNode root, final String... names) {
        for (final String name : names) {
            final JsonNode n = root.get(name);
            if (n == null || n.isNull()) {
                continue;
            }
            final long t = n.isNumber() ? Timestamps.fromEpochNumber(n.asDouble()) : Timestamps.parseFlexible(str(n));
            if (t != LogEvent.NO_TIME) {
                return t;
            }
        }
        return LogEvent.NO_TIME;
    }

    private static Integer integer(final String s) {
        if (s == null || s.isEmpty() || s.length() > 9) {
            return null;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return null;
            }
        }
        return Integer.valueOf(s);
    }

    private static Integer priority(final String s) {
        final Integer p = integer(s == null ? null : s.trim());
        return p != null && p <= 7 ? p : null;
    }
}
