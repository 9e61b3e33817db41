package dev.vigil.ingest;

import dev.vigil.parse.NginxParser;
import dev.vigil.parse.PostgresParser;
import dev.vigil.parse.Scan;
import dev.vigil.parse.Source;
import dev.vigil.parse.SynapseParser;
import dev.vigil.parse.SyslogLine;

import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Decides which parser applies to a record when no topic mapping says so: first the envelope's hints (systemd
 * unit, syslog identifier, file path), then the line's own shape. Stateless.
 *
 * <p>Envelope hints: unit {@code nginx*.service}, identifier {@code nginx} or a path containing
 * {@code /nginx/} mean nginx; unit {@code postgresql*} (e.g. {@code postgresql@15-main.service}), identifier
 * {@code postgres}/{@code postgresql} or a path containing {@code /postgresql/} mean PostgreSQL; a unit or
 * identifier containing {@code synapse} or a path naming {@code homeserver.log} or {@code synapse} mean
 * Synapse. Any other record carrying journald metadata (kind JOURNALD, or a unit or identifier from Vector or
 * Filebeat) is the journald source.
 */
public final class SourceDetector {
    /** How many non-blank, non-continuation lines {@link #detectFile} looks at. */
    public static final int SAMPLE_LINES = 50;

    private static final EnvelopeDecoder DECODER = new EnvelopeDecoder();

    private SourceDetector() {
    }

    /** The envelope's explicit hint, else its metadata hints, else the shape of its text; null if unknown. */
    public static Source detect(final Envelope e) {
        if (e.sourceHint() != null) {
            return e.sourceHint();
        }
        final Source s = fromEnvelope(e);
        return s != null ? s : fromLine(e.text());
    }

    /** Source named by the envelope's unit, identifier or file; JOURNALD for other journald records. */
    public static Source fromEnvelope(final Envelope e) {
        if (e == null) {
            return null;
        }
        final String unit = lower(e.unit());
        final String ident = lower(e.identifier());
        final String file = lower(e.file());
        if (unit != null) {
            if (unit.startsWith("nginx")) {
                return Source.NGINX;
            }
            if (unit.startsWith("postgresql")) {
                return Source.POSTGRES;
            }
            if (unit.contains("synapse")) {
                return Source.SYNAPSE;
            }
        }
        if (ident != null) {
            if (ident.equals("nginx")) {
                return Source.NGINX;
            }
            if (ident.equals("postgres") || ident.equals("postgresql") || ident.startsWith("postgresql-")) {
                return Source.POSTGRES;
            }
            if (ident.contains("synapse")) {
                return Source.SYNAPSE;
            }
        }
        if (file != null) {
            if (file.contains("/nginx/")) {
                return Source.NGINX;
            }
            if (file.contains("/postgresql/")) {
                return Source.POSTGRES;
            }
            if (file.contains("homeserver.log") || file.contains("synapse")) {
                return Source.SYNAPSE;
            }
        }
        if (e.kind() == Envelope.Kind.JOURNALD || unit != null || ident != null) {
            return Source.JOURNALD;
        }
        return null;
    }

    /** Source by the line's own shape, or null when it has none we know. */
    public static Source fromLine(final String line) {
        return fromLine(line, true);
    }

    private static Source fromLine(final String line, final boolean unwrapSyslog) {
        if (line == null || line.isEmpty()) {
            return null;
        }
        final char c = line.charAt(0);
        if (c == '{') {
            if (PostgresParser.looksLikePostgres(line)) {
                return Source.POSTGRES;
            }
            if (line.contains("\"__REALTIME_TIMESTAMP\"") || line.contains("\"MESSAGE\"")) {
                return Source.JOURNALD;
            }
            return null;
        }
        if (NginxParser.looksLikeError(line)) {
            return Source.NGINX;
        }
        if (SynapseParser.looksLikeSynapse(line)) {
            return Source.SYNAPSE;
        }
        if (unwrapSyslog && SyslogLine.startsWithTimestamp(line)) {
            final SyslogLine sl = SyslogLine.parse(line);
            if (sl != null) {
                final String ident = sl.ident();
                if (ident.equalsIgnoreCase("nginx")) {
                    return Source.NGINX;
                }
                if (ident.regionMatches(true, 0, "postgres", 0, 8)) {
                    return Source.POSTGRES;
                }
                if (Scan.containsIgnoreCase(ident, "synapse")) {
                    return Source.SYNAPSE;
                }
                final Source inner = fromLine(sl.message(line), false);
                if (inner == Source.NGINX || inner == Source.SYNAPSE) {
                    return inner;
                }
                // the cheap test first: most syslog lines are neither (sshd, kernel, cron)
                if ((inner == Source.POSTGRES || ident.equalsIgnoreCase("app"))
                    && PostgresParser.looksLikePostgres(line)) {
                    return Source.POSTGRES;
                }
                return Source.JOURNALD;
            }
        }
        if (PostgresParser.looksLikePostgres(line)) {
            return Source.POSTGRES;
        }
        if (NginxParser.looksLikeAccess(line)) {
            return Source.NGINX;
        }
        return null;
    }

    /**
     * Majority vote over the first {@value #SAMPLE_LINES} non-blank lines of a file that do not look like
     * continuation lines (leading whitespace, {@code Traceback}); each line is decoded first, so files of shipper
     * JSON vote by their envelope hints and message text ({@link #detect}). Lines of unknown shape do not vote.
     * Ties go to the source seen first. Null when no line is recognised.
     */
    public static Source detectFile(final List<String> firstLines) {
        if (firstLines == null) {
            return null;
        }
        final Map<Source, Integer> votes = new EnumMap<>(Source.class);
        final Map<Source, Integer> firstSeen = new EnumMap<>(Source.class);
        int looked = 0;
        for (final String line : firstLines) {
            if (looked >= SAMPLE_LINES) {
                break;
            }
            if (line == null || line.isBlank() || Character.isWhitespace(line.charAt(0))
                || line.startsWith("Traceback ")) {
                continue;
            }
            looked++;
            final Source s = detectLine(line);
            if (s != null) {
                votes.merge(s, 1, Integer::sum);
                firstSeen.putIfAbsent(s, looked);
            }
        }
        Source best = null;
        for (final Map.Entry<Source, Integer> v : votes.entrySet()) {
            if (best == null || v.getValue() > votes.get(best)
                || v.getValue().equals(votes.get(best)) && firstSeen.get(v.getKey()) < firstSeen.get(best)) {
                best = v.getKey();
            }
        }
        return best;
    }

    private static Source detectLine(final String line) {
        if (line.charAt(0) != '{') {
            return fromLine(line);
        }
        try {
            return detect(DECODER.decodeLine(line));
        } catch (final DecodeException e) {
            return null;
        }
    }

    private static String lower(final String s) {
        return s == null ? null : s.toLowerCase(Locale.ROOT);
    }
}
