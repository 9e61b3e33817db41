package dev.vigil.engine;

import dev.vigil.ingest.DecodeException;
import dev.vigil.ingest.Envelope;
import dev.vigil.ingest.EnvelopeDecoder;
import dev.vigil.ingest.SourceDetector;
import dev.vigil.parse.LogEvent;
import dev.vigil.parse.NginxParser;
import dev.vigil.parse.PostgresParser;
import dev.vigil.parse.SynapseParser;
import dev.vigil.parse.SyslogLine;
import dev.vigil.parse.ParseException;
import dev.vigil.parse.Parser;
import dev.vigil.parse.Parsers;
import dev.vigil.parse.Source;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Decode → route → fold → parse, for one input record at a time. Multi-line entries (PostgreSQL DETAIL/
 * STATEMENT lines, csvlog records with quoted newlines, Python tracebacks) are assembled per input stream in a
 * {@link PendingStore}; an entry is emitted when a line arrives that does not continue it, or on
 * {@link #flush}. Every record that cannot be decoded, routed or parsed becomes a {@link DeadLetter} with its
 * original bytes and a bounded reason — nothing is dropped silently.
 */
public final class Ingest {

    /** Longest entry assembled from continuation lines before it is closed. */
    static final int MAX_ENTRY_LINES = 2_000;
    /** Longest entry text assembled before it is closed (1 MiB). */
    static final int MAX_ENTRY_CHARS = 1 << 20;
    private static final int MAX_DETAIL = 300;

    private final Parsers parsers;
    private final EnvelopeDecoder decoder = new EnvelopeDecoder();
    private final Stats stats;
    /** The key {@link #memory} was last asked for, and its memory. */
    private String lastKey;
    private Memory lastMemory;
    /**
     * What each stream last said: its source, for lines whose shape alone does not tell (a syslog line without a
     * host name), and its event time, for entries without a timestamp. Bounded: the least recently used streams
     * are forgotten first. Kept in memory only: after a restart a stream's first such line falls back to the
     * record timestamp or is dead-lettered, which is the same as at the start of a replay.
     */
    private final Map<String, Memory> memories = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(final Map.Entry<String, Memory> eldest) {
            if (size() > MAX_REMEMBERED_STREAMS) {
                stats.evicted("stream_memory");
                return true;
            }
            return false;
        }
    };

    /** A stream's last source and event time. */
    private static final class Memory {
        Source source;
        long time = LogEvent.NO_TIME;
    }

    /**
     * Whether a line its pending entry's parser would take as a continuation is in fact the first line of another
     * source's entry (a PostgreSQL line after a Python traceback when both arrive in one partition).
     */
    private static boolean startsOther(final String line, final Source pendingSource) {
        final Source s = SourceDetector.fromLine(line);
        return s != null && s != pendingSource;
    }

    /**
     * Fast path of source detection: most lines of a stream have the shape of its previous line's source, so
     * test that one first. Only for shapes no other source shares (syslog-framed lines take the full path).
     */
    private static boolean sameShape(final Source last, final String line) {
        if (last == null || line.isEmpty() || SyslogLine.startsWithTimestamp(line)) {
            return false;
        }
        switch (last) {
            case NGINX: return NginxParser.looksLikeAccess(line) || NginxParser.looksLikeError(line);
            case SYNAPSE: return SynapseParser.looksLikeSynapse(line);
            case POSTGRES: return line.charAt(0) != '{' && PostgresParser.looksLikePostgres(line);
            default: return false;
        }
    }

    private Memory memory(final String key) {
        // a file or partition sends line after line under the same key: the one just used is the most recent
        if (key == lastKey && lastMemory != null) {
            return lastMemory;
        }
        Memory m = memories.get(key);
        if (m == null) {
            m = new Memory();
            memories.put(key, m);
        }
        lastKey = key;
        lastMemory = m;
        return m;
    }
    static final int MAX_REMEMBERED_STREAMS = 10_000;

    public Ingest(final Parsers parsers, final Stats stats) {
        this.parsers = parsers;
        this.stats = stats;
    }

    /**
     * Handles one record value.
     *
     * @param value          the record's bytes
     * @param streamKey      identifies the input stream for multi-line folding
     * @param forced         source forced by a topic mapping or {@code --source}, or null
     * @param fallbackTime   event time for an entry that carries none when its stream has no earlier event
     *                       either (the record timestamp), or NO_TIME
     */
    public void accept(final byte[] value, final String streamKey, final Source forced,
                       final long fallbackTime, final PendingStore pending, final EventSink out) {
        final Envelope env;
        try {
            env = decoder.decode(value);
        } catch (final DecodeException e) {
            stats.read("unknown");
            dead(out, value, "decode_" + e.reason(), e.getMessage(), null);
            return;
        }
        acceptEnvelope(env, value, streamKey, forced, fallbackTime, pending, out);
    }

    /** Like {@link #accept} for a line already decoded to text (file replay's fast path). */
    public void acceptLine(final String line, final String streamKey, final Source forced,
                           final long fallbackTime, final PendingStore pending,
                           final EventSink out) {
        if (mayBeJson(line)) {
            accept(line.getBytes(StandardCharsets.UTF_8), streamKey, forced, fallbackTime, pending,
                out);
            return;
        }
        if (line.isBlank()) {
            final String key = streamKey(streamKey, Envelope.raw(line));
            final Pending p = pending.get(key);
            if (p != null && parsers.get(p.source()).continues(p.envelope().text(), line)) {
                appendTo(p, line, key, pending);
                stats.read(p.source());
            }
            // a blank line between entries carries nothing; it is not counted as read
            return;
        }
        if (line.length() > MAX_ENTRY_CHARS) {
            stats.truncated();
            acceptEnvelope(new Envelope(line.substring(0, MAX_ENTRY_CHARS), Envelope.Kind.RAW, LogEvent.NO_TIME,
                null, null, null, null, null, null, null, true), null, streamKey, forced, fallbackTime,
                pending, out);
            return;
        }
        acceptEnvelope(Envelope.raw(line), null, streamKey, forced, fallbackTime, pending, out);
    }

    private static boolean mayBeJson(final String line) {
        for (int i = 0; i < line.length(); i++) {
            final char c = line.charAt(i);
            if (c != ' ' && c != '\t') {
                return c == '{';
            }
        }
        return false;
    }

    /**
     * @param original the record's bytes, for dead letters of an entry made of this record alone (a JSON
     *                 envelope, or bytes that are not valid UTF-8, must go out as they came), or null when the
     *                 text is the original (file replay)
     */
    private void acceptEnvelope(final Envelope env, final byte[] original, final String streamKey,
                                final Source forced, final long fallbackTime, final PendingStore pending,
                                final EventSink out) {
        if (env.truncated()) {
            stats.truncated();
        }
        final String key = streamKey(streamKey, env);
        final Pending p = pending.get(key);
        if (p != null) {
            final Parser parser = parsers.get(p.source());
            if (p.lines() < MAX_ENTRY_LINES && p.envelope().text().length() + env.text().length() < MAX_ENTRY_CHARS
                && parser.continues(p.envelope().text(), env.text()) && !startsOther(env.text(), p.source())) {
                appendTo(p, env.text(), key, pending);
                stats.read(p.source());
                return;
            }
            pending.delete(key);
            parseAndEmit(p.envelope(), null, p.source(), p.fallbackTime(), key, out);
        }
        Source src = forced != null ? forced : env.sourceHint();
        if (src == null) {
            src = SourceDetector.fromEnvelope(env);
        }
        final Memory memory = memory(key);
        if (src == null) {
            src = sameShape(memory.source, env.text()) ? memory.source : SourceDetector.fromLine(env.text());
        }
        if (src == null) {
            src = memory.source;
        } else {
            memory.source = src;
        }
        if (src == null) {
            stats.read("unknown");
            dead(out, bytes(original, env), "unknown_source",
                "no source matches this line's shape and no topic mapping or envelope hint names one", null);
            return;
        }
        stats.read(src);
        if (parsers.get(src).mayContinue(env.text())) {
            pending.put(key, new Pending(env, src, 1, fallbackTime));
        } else {
            parseAndEmit(env, original, src, fallbackTime, key, out);
        }
    }

    private static void appendTo(final Pending p, final String text, final String streamKey,
                                 final PendingStore pending) {
        pending.put(streamKey, new Pending(p.envelope().withText(p.envelope().text() + "\n" + text), p.source(),
            p.lines() + 1, p.fallbackTime()));
    }

    /**
     * The key multi-line folding uses: the caller's stream (a file, a topic-partition) refined by the envelope's
     * origin, so that interleaved entries of several hosts or units in one partition fold separately.
     */
    static String streamKey(final String prefix, final Envelope env) {
        if (env.host() == null && env.unit() == null && env.identifier() == null && env.file() == null) {
            return prefix;
        }
        return prefix + '\u0000' + env.host() + '\u0000' + (env.unit() != null ? env.unit()
            : env.identifier() != null ? env.identifier() : env.file());
    }

    /** Emits the pending entry stored under the full key {@code key}, if any (end of file; idle input). */
    public void flush(final String key, final PendingStore pending, final EventSink out) {
        final Pending p = pending.get(key);
        if (p != null) {
            pending.delete(key);
            parseAndEmit(p.envelope(), null, p.source(), p.fallbackTime(), key, out);
        }
    }

    private void parseAndEmit(final Envelope env, final byte[] original, final Source src, final long fallbackTime,
                              final String key, final EventSink out) {
        final LogEvent parsed;
        try {
            parsed = parsers.get(src).parse(env);
        } catch (final ParseException e) {
            dead(out, bytes(original, env), e.reason(), e.getMessage(), src.id());
            return;
        } catch (final RuntimeException e) {
            // a parser bug must not stop the stream: keep the line, name the failure
            dead(out, bytes(original, env), src.id() + "_parser_error",
                e.getClass().getSimpleName() + ": " + e.getMessage(), src.id());
            return;
        }
        LogEvent e = parsed;
        final Memory memory = memory(key);
        if (e.time() == LogEvent.NO_TIME) {
            final long t = env.time() != LogEvent.NO_TIME ? env.time()
                : memory.time != LogEvent.NO_TIME ? memory.time : fallbackTime;
            if (t == LogEvent.NO_TIME) {
                dead(out, bytes(original, env), "no_timestamp",
                    "the entry has no timestamp and nothing before it supplies one", src.id());
                return;
            }
            e = e.withTime(t);
        }
        e = e.withHostIfAbsent(env.host());
        memory.time = e.time();
        stats.parsed(src);
        out.event(e);
    }

    private static byte[] bytes(final byte[] original, final Envelope env) {
        return original != null ? original : env.text().getBytes(StandardCharsets.UTF_8);
    }

    private void dead(final EventSink out, final byte[] original, final String reason, final String detail,
                      final String source) {
        stats.deadLettered(source, reason);
        final String d = detail == null ? "" : detail;
        out.deadLetter(new DeadLetter(original, reason, d.length() > MAX_DETAIL ? d.substring(0, MAX_DETAIL) : d,
            source));
    }
}
