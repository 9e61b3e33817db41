package dev.vigil.topology;

import dev.vigil.engine.DeadLetter;
import dev.vigil.engine.EventSink;
import dev.vigil.engine.FrontEnd;
import dev.vigil.engine.Hit;
import dev.vigil.engine.Ingest;
import dev.vigil.engine.Pending;
import dev.vigil.engine.PendingStore;
import dev.vigil.engine.SignalSink;
import dev.vigil.engine.Stats;
import dev.vigil.pack.PatternPack;
import dev.vigil.parse.LogEvent;
import dev.vigil.parse.Parsers;
import dev.vigil.parse.Source;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Decode, fold, parse and match, per input partition: the engine's {@link Ingest} and {@link FrontEnd} wired to
 * a pending-entries state store. Emits hits keyed by alert id, ticks, and dead letters with reason headers.
 * Output records carry the input record's timestamp (publish time), never an old event time that retention
 * would delete; the event time travels in the value.
 */
final class ParseMatchProcessor implements Processor<byte[], byte[], String, Routed>, EventSink, SignalSink {

    private final PatternPack pack;
    private final Parsers parsers;
    private final EngineConfig cfg;
    private final Stats stats;
    private ProcessorContext<String, Routed> context;
    /**
     * Rule partials not yet sent on. Kept in memory, not in a state store: a store would serialise the aggregate
     * on every line. They are sent on at every tick and every punctuation (about once a second), so a crash can
     * lose at most that much input for the rules' counts (signature alerts are unaffected).
     */
    private dev.vigil.rule.PartialStore partials;
    /** Wall-clock time of the last record, to flush rule partials once the input goes idle. */
    private long lastRecordWall;
    private boolean flushedSinceRecord = true;
    private Ingest ingest;
    private FrontEnd front;
    private long currentTimestamp;
    private RecordMetadata currentOrigin;
    private PendingStore pendingStore;
    private String origin;
    /** Wall-clock time each pending entry was last extended (not persisted: a restart flushes at once). */
    private final Map<String, Long> pendingSince = new HashMap<>();
    /** The pending entries, as objects in front of their changelogged store. */
    private StreamsKeyedStore<Pending> pending;
    /** The source (record key) of each pending entry (not persisted: after a restart, that of the record ending it). */
    private final Map<String, String> pendingSource = new HashMap<>();
    /** This task's event time: the slowest of the sources in its partition. */
    private StreamWatermarks watermarks;
    /** Whether a tick went out since the last punctuation. */
    private boolean tickedSincePunctuation;
    /** The source (record key) of the record being processed, or null for a record without a key. */
    private String currentSource;
    /** The source of the pending entry being emitted, or null. */
    private String flushedSource;
    private byte[] lastKey;
    private String lastSource;

    /**
     * Wall-clock silence after which a source (record key) no longer holds its partition's event time back. A
     * shipper catching up on a backlog sends continuously; a file written now and then is quiet, not behind.
     */
    static final long SOURCE_IDLE_MILLIS = 10_000;

    ParseMatchProcessor(final PatternPack pack, final Parsers parsers, final EngineConfig cfg, final Stats stats) {
        this.pack = pack;
        this.parsers = parsers;
        this.cfg = cfg;
        this.stats = stats;
    }

    @Override
    public void init(final ProcessorContext<String, Routed> ctx) {
        this.context = ctx;
        this.partials = new dev.vigil.rule.MapPartialStore();
        this.ingest = new Ingest(parsers, stats);
        this.front = new FrontEnd(pack, cfg.tickMillis(), stats);
        this.pendingStore = newPendingStore();
        this.origin = origin(ctx.taskId().partition());
        this.watermarks = new StreamWatermarks(Math.min(cfg.idleMillis(), SOURCE_IDLE_MILLIS), cfg.idleMillis());
        ctx.schedule(Duration.ofMillis(Math.max(100, cfg.idleFlushMillis() / 2)), PunctuationType.WALL_CLOCK_TIME,
            this::flushIdle);
    }

    /** The source a record belongs to for event time: its key (records of one key stay in order), or null. */
    private String sourceOf(final byte[] key) {
        if (key == null || key.length == 0) {
            return null;
        }
        if (!java.util.Arrays.equals(key, lastKey)) {
            lastKey = key;
            lastSource = new String(key, StandardCharsets.ISO_8859_1);
        }
        return lastSource;
    }

    /** How the input task of input partition {@code partition} names itself in its ticks. */
    static String origin(final int partition) {
        return "in-" + partition;
    }

    @Override
    public void process(final Record<byte[], byte[]> record) {
        currentTimestamp = record.timestamp();
        currentOrigin = context.recordMetadata().orElse(null);
        lastRecordWall = context.currentSystemTimeMs();
        flushedSinceRecord = false;
        final String topic = currentOrigin == null ? "" : currentOrigin.topic();
        final String prefix = topic + "/" + (currentOrigin == null ? 0 : currentOrigin.partition());
        final Source forced = cfg.topicSources().get(topic);
        final byte[] value = record.value() == null ? new byte[0] : record.value();
        currentSource = sourceOf(record.key());
        flushedSource = null;
        ingest.accept(value, prefix, forced, record.timestamp(), pendingStore, this);
    }

    /** The pending store over {@link #pending}, noting when each entry was extended and by which source. */
    private PendingStore newPendingStore() {
        pending = context.<StreamsKeyedStore<Pending>>getStateStore(Names.PENDING_STORE);
        pendingSource.clear();
        return new PendingStore() {
            @Override
            public Pending get(final String key) {
                return pending.get(key);
            }

            @Override
            public void put(final String key, final Pending p) {
                pending.put(key, p);
                pendingSince.put(key, context.currentSystemTimeMs());
                if (currentSource != null) {
                    pendingSource.put(key, currentSource);
                }
            }

            @Override
            public void delete(final String key) {
                pending.delete(key);
                pendingSince.remove(key);
                // the entry is emitted next, and belongs to the source whose record started it
                flushedSource = pendingSource.remove(key);
            }
        };
    }

    private void flushIdle(final long now) {
        final List<String> idle = new ArrayList<>();
        for (final String key : pending.keys()) {
            final Long since = pendingSince.get(key);
            if (since == null || now - since >= cfg.idleFlushMillis()) {
                idle.add(key);
            }
        }
        currentOrigin = null;
        currentSource = null;
        for (final String key : idle) {
            final Pending p = pending.get(key);
            currentTimestamp = p == null ? now : Math.max(0, p.fallbackTime());
            ingest.flush(key, pendingStore, this);
        }
        // sources that went silent stop holding the task's time back
        watermarks.onWallClock(now);
        front.moveTo(watermarks.current(), this, partials);
        if (!flushedSinceRecord && now - lastRecordWall >= cfg.idleFlushMillis()) {
            // the input went quiet: evaluate the last seconds of it too, as a replay does at its end
            flushedSinceRecord = true;
            front.flush(this, partials);
        } else {
            // only merged by the back end; it evaluates them at the next tick, as replay does
            partials.drain(this::partial);
            front.partialsDrained();
            if (!tickedSincePunctuation && watermarks.active(now) && watermarks.current() != Long.MIN_VALUE) {
                // say the time again while there is input, even unchanged: a lifecycle that starts after a restart
                // or a rebalance waits to hear from every input task, which would otherwise stay silent until the
                // idle timeout whenever its time sits inside one tick interval
                tick(front.streamTime());
            }
        }
        tickedSincePunctuation = false;
    }

    @Override
    public void event(final LogEvent event) {
        String source = flushedSource != null ? flushedSource : currentSource;
        flushedSource = null;
        if (source == null) {
            source = ""; // records without a key are one stream, as the lines of one file are in a replay
        }
        if (event.time() != LogEvent.NO_TIME) {
            watermarks.onEvent(source, event.time(), context.currentSystemTimeMs());
        }
        front.onEvent(event, watermarks.current(), this, partials);
    }

    @Override
    public void deadLetter(final DeadLetter d) {
        flushedSource = null;
        final RecordHeaders h = new RecordHeaders();
        h.add(Topics.HEADER_REASON, d.reason().getBytes(StandardCharsets.UTF_8));
        h.add(Topics.HEADER_DETAIL, d.detail().getBytes(StandardCharsets.UTF_8));
        if (d.source() != null) {
            h.add(Topics.HEADER_SOURCE, d.source().getBytes(StandardCharsets.UTF_8));
        }
        if (currentOrigin != null) {
            h.add(Topics.HEADER_ORIGIN, (currentOrigin.topic() + "/" + currentOrigin.partition() + "@"
                + currentOrigin.offset()).getBytes(StandardCharsets.UTF_8));
        }
        context.forward(new Record<>(d.reason(), new Routed(null, d), currentTimestamp, h));
    }

    @Override
    public void hit(final Hit hit) {
        final String id = dev.vigil.alert.Fingerprint.of(hit.signature(), hit.labels());
        context.forward(new Record<>(id, new Routed(Signal.of(hit), null), currentTimestamp));
    }

    @Override
    public void partial(final dev.vigil.rule.Partial p) {
        final String id = dev.vigil.alert.Fingerprint.of(p.rule(), p.labels());
        context.forward(new Record<>(id, new Routed(Signal.of(p), null), currentTimestamp));
    }

    @Override
    public void late(final LogEvent event) {
        deadLetter(new DeadLetter(event.line().getBytes(StandardCharsets.UTF_8), "late",
            "later than a rule's grace period behind this input's event time", event.source().id()));
    }

    @Override
    public void tick(final long time) {
        tickedSincePunctuation = true;
        context.forward(new Record<>(Signal.TICK_KEY, new Routed(Signal.tick(origin, time), null),
            currentTimestamp));
    }
}
