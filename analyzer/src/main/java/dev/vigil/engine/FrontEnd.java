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
    /** Collects into {@link #matches}; made once, not per event. */
    private final java.util.function.Consumer<dev.vigil.match.Match> collect = matches::add;
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
     * the event's hits, and its samples into {@code partials}. Stream time is the latest event time seen (replay:
     * one stream merged by event time).
     */
    public void onEvent(final LogEvent e, final SignalSink sink, final dev.vigil.rule.PartialStore partials) {
        onEvent(e, Math.max(streamTime, e.time()), sink, partials);
    }

    /**
     * Like {@link #onEvent(LogEvent, SignalSink, dev.vigil.rule.PartialStore)} with the stream time set by the
     * caller: a live input task, whose partition mixes sources that need not keep pace, says its time is the
     * slowest of them, and that time may go back when a lagging source appears.
     */
    public void onEvent(final LogEvent e, final long time, final SignalSink sink,
                        final dev.vigil.rule.PartialStore partials) {
        matches.clear();
        matcher.match(e, collect);
        moveTo(time, sink, partials);
        hits(matches, sink);
        if (sampler.active() && sampler.sample(e, matches, streamTime, partials)) {
            sink.late(e);
        }
    }

    /**
     * Like {@link #onEvent} for an event whose matches and rules were worked out already (by a parallel reader
     * with its own {@link SignatureMatcher} and {@link dev.vigil.rule.RuleSampler}): entries {@code from} to
     * {@code to} of {@code selected} are the rules it feeds. The result is the same as if this front end had
     * matched and selected it.
     */
    public void onMatched(final LogEvent e, final java.util.List<dev.vigil.match.Match> matched,
                          final dev.vigil.rule.RuleSampler.Selections selected, final int from, final int to,
                          final SignalSink sink, final dev.vigil.rule.PartialStore partials) {
        moveTo(Math.max(streamTime, e.time()), sink, partials);
        hits(matched, sink);
        if (sampler.active() && sampler.add(e, selected, from, to, streamTime, partials)) {
            sink.late(e);
        }
    }

    /**
     * Sets stream time; when it enters another tick interval (forwards, or backwards in live mode), the pending
     * partials go out, then a tick.
     */
    public void moveTo(final long time, final SignalSink sink, final dev.vigil.rule.PartialStore partials) {
        if (time == streamTime || time == Long.MIN_VALUE) {
            return;
        }
        streamTime = time;
        final long bucket = Math.floorDiv(time, tickMillis);
        if (bucket != lastTickBucket) {
            lastTickBucket = bucket;
            partials.drain(sink::partial);
            sampler.drained();
            sink.tick(time);
        }
    }

    private void hits(final java.util.List<dev.vigil.match.Match> matched, final SignalSink sink) {
        for (int i = 0; i < matched.size(); i++) {
            final dev.vigil.match.Match m = matched.get(i);
            stats.matched(m.signature().id());
            sink.hit(Hit.of(m));
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
