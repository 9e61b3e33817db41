package dev.vigil.engine;

import dev.vigil.match.SignatureMatcher;
import dev.vigil.pack.PatternPack;
import dev.vigil.parse.LogEvent;

/**
 * The per-input half of the engine: matches each parsed event against the pack and emits hits, adds it to the
 * rules' partial aggregates, and each time its stream time enters a new tick interval sends the partials on and
 * then a tick, so that the back end evaluates rules and resolves quiet episodes while traffic continues. Used
 * unchanged by the Kafka Streams runner (one per task) and by replay.
 */
public final class FrontEnd {

    /** Default event-time distance between ticks. */
    public static final long DEFAULT_TICK_MILLIS = 10_000;

    private final SignatureMatcher matcher;
    private final dev.vigil.rule.RuleSampler sampler;
    private final long tickMillis;
    private final Stats stats;
    private final java.util.List<dev.vigil.match.Match> matches = new java.util.ArrayList<>(4);
    private long streamTime = Long.MIN_VALUE;
    private long lastTickBucket = Long.MIN_VALUE;

    public FrontEnd(final PatternPack pack, final long tickMillis, final Stats stats) {
        this.matcher = new SignatureMatcher(pack);
        this.sampler = new dev.vigil.rule.RuleSampler(pack, stats);
        this.tickMillis = tickMillis;
        this.stats = stats;
    }

    /** Current stream time (max event time seen), or Long.MIN_VALUE before the first event. */
    public long streamTime() {
        return streamTime;
    }

    /**
     * Processes one event: when stream time entered a new interval, first the pending partials and a tick; then
     * the event's hits, and its samples into {@code partials}.
     */
    public void onEvent(final LogEvent e, final SignalSink sink, final dev.vigil.rule.PartialStore partials) {
        matches.clear();
        matcher.match(e, matches::add);
        onMatched(e, matches, sink, partials);
    }

    /**
     * Like {@link #onEvent} for an event whose matches were computed already (by a parallel reader with its own
     * {@link SignatureMatcher}): the result is the same as if this front end had matched it.
     */
    public void onMatched(final LogEvent e, final java.util.List<dev.vigil.match.Match> matched,
                          final SignalSink sink, final dev.vigil.rule.PartialStore partials) {
        if (e.time() > streamTime) {
            streamTime = e.time();
            final long bucket = Math.floorDiv(streamTime, tickMillis);
            if (bucket != lastTickBucket) {
                lastTickBucket = bucket;
                partials.drain(sink::partial);
                sampler.drained();
                sink.tick(streamTime);
            }
        }
        for (int i = 0; i < matched.size(); i++) {
            final dev.vigil.match.Match m = matched.get(i);
            stats.matched(m.signature().id());
            sink.hit(Hit.of(m));
        }
        if (sampler.active() && sampler.sample(e, matched, streamTime, partials)) {
            sink.late(e);
        }
    }

    /** The pending partials were sent on by someone else (a live runner's punctuation). */
    public void partialsDrained() {
        sampler.drained();
    }

    /**
     * Sends the pending partials and a tick at the current stream time: at the end of a replay, and in live mode
     * when the input has gone idle, so that the last seconds of input are evaluated too.
     */
    public void flush(final SignalSink sink, final dev.vigil.rule.PartialStore partials) {
        if (streamTime != Long.MIN_VALUE) {
            partials.drain(sink::partial);
            sampler.drained();
            sink.tick(streamTime);
        }
    }
}
