package dev.vigil.parse;

import dev.vigil.ingest.DecodeException;
import dev.vigil.ingest.Envelope;
import dev.vigil.ingest.EnvelopeDecoder;

import java.time.Clock;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;

/**
 * The catch-all source: everything from journald that is not nginx, PostgreSQL or Synapse (kernel, systemd,
 * sshd, sudo, docker, certbot, ...), and syslog text lines.
 *
 * <p>From a journald envelope ({@code journalctl -o json}, or Vector/Filebeat records carrying journald
 * fields): message = the MESSAGE text; host, unit, identifier, pid, priority and time from the envelope;
 * level from PRIORITY (INFO when absent). A raw text line that is itself {@code journalctl -o json} output is
 * decoded first.
 *
 * <p>From syslog text ({@code Mon DD HH:MM:SS host ident[pid]: message}, or the RFC 3339 form of
 * {@code journalctl -o short-iso}): message = the text after {@code ident[pid]: }; host, identifier, pid from
 * the prefix. The short form has no year and no zone: it is read in the configured zone, in the latest year
 * that does not put it more than a day after the envelope time or, without one, after the injected clock's now
 * (replaying an old file therefore needs a clock set to that period). Text with neither shape is taken
 * whole as the message ({@code host ident[pid]: } without a timestamp is still split), so this parser accepts
 * any non-null text.
 *
 * <p>Fields: {@code identifier}, {@code pid}, {@code unit}, {@code priority} when known, {@code repeated} for
 * rsyslog's {@code message repeated N times}. Service: unit, else identifier. Entries never span lines.
 */
public final class JournaldParser implements Parser {

    private static final EnvelopeDecoder DECODER = new EnvelopeDecoder();

    private final ZoneId localZone;
    private final Clock clock;

    /** Syslog times read as UTC; the year from the system clock. */
    public JournaldParser() {
        this(ZoneOffset.UTC, Clock.systemUTC());
    }

    /**
     * @param localZone zone of syslog short-form times
     * @param clock     supplies the year of syslog short-form times when the envelope has no time
     */
    public JournaldParser(final ZoneId localZone, final Clock clock) {
        this.localZone = localZone == null ? ZoneOffset.UTC : localZone;
        this.clock = clock == null ? Clock.systemUTC() : clock;
    }

    @Override
    public Source source() {
        return Source.JOURNALD;
    }

    @Override
    public boolean continues(final String pending, final String line) {
        return false;
    }

    @Override
    public boolean mayContinue(final String firstLine) {
        return false;
    }

    /** Whether the line is in syslog text form ({@code Mon DD HH:MM:SS host ident[pid]: ...} or ISO). */
    public static boolean looksLikeSyslog(final String line) {
        return line != null && SyslogLine.startsWithTimestamp(line) && SyslogLine.parse(line) != null;
    }

    @Override
    public LogEvent parse(final Envelope input) throws ParseException {
        Envelope env = input;
        final String text0 = env.text();
        if (text0 == null) {
            throw new ParseException("journald_empty", "no text");
        }
        if (env.kind() == Envelope.Kind.RAW && !text0.isEmpty() && text0.charAt(0) == '{') {
            try {
                final Envelope decoded = DECODER.decodeLine(text0);
                if (decoded.kind() == Envelope.Kind.JOURNALD) {
                    env = decoded;
                }
            } catch (final DecodeException e) {
                // not journal JSON; treat as text below
            }
        }
        final String text = env.text();
        final Map<String, Object> f = new FieldMap(8);
        if (env.kind() == Envelope.Kind.JOURNALD || env.unit() != null || env.identifier() != null) {
            putIfNotNull(f, "identifier", env.identifier());
            putIfNotNull(f, "unit", env.unit());
            if (env.pid() != null) {
                f.put("pid", env.pid().longValue());
            }
            final Level level;
            if (env.priority() != null) {
                f.put("priority", env.priority().longValue());
                level = Level.fromSyslogPriority(env.priority());
            } else {
                level = Level.INFO;
            }
            final String service = env.unit() != null ? env.unit() : env.identifier();
            return new LogEvent(env.time(), Source.JOURNALD, env.host(), service, level, text, text, f);
        }
        String host = env.host();
        String ident = null;
        Long pid = env.pid() == null ? null : env.pid().longValue();
        String message = text;
        long time = env.time();
        final SyslogLine sl = SyslogLine.parseLenient(text);
        if (sl != null) {
            message = sl.message(text);
            if (sl.host() != null) {
                host = sl.host();
            }
            ident = sl.ident();
            if (sl.pid() != null) {
                pid = sl.pid();
            }
            if (sl.hasTime()) {
                time = sl.time(localZone, env.time() != LogEvent.NO_TIME ? env.time() : clock.millis());
            }
            if (sl.repeated() > 1) {
                f.put("repeated", (long) sl.repeated());
            }
        }
        putIfNotNull(f, "identifier", ident);
        putIfNotNull(f, "unit", env.unit());
        if (pid != null && pid >= 0) {
            f.put("pid", pid);
        }
        Level level = Level.INFO;
        if (env.priority() != null) {
            f.put("priority", env.priority().longValue());
            level = Level.fromSyslogPriority(env.priority());
        }
        final String service = env.unit() != null ? env.unit() : ident;
        return new LogEvent(time, Source.JOURNALD, host, service, level, message, input.text(), f);
    }

    private static void putIfNotNull(final Map<String, Object> f, final String key, final String value) {
        if (value != null && !value.isEmpty()) {
            f.put(key, value);
        }
    }
}
