package dev.vigil.rule;

import dev.vigil.engine.Hit;
import dev.vigil.engine.SignalSink;
import dev.vigil.parse.LogEvent;
import java.util.HashMap;
import java.util.Map;

/**
 * The stateful half of the engine: signature episodes ({@link AlertLifecycle}) and windowed rules
 * ({@link RuleEngine}) on one event-time clock.
 *
 * <p>Time comes only from ticks: each input stream (a stream task in live mode, the merged files in replay)
 * reports how far its event time got, and the back end's time is the <em>minimum</em> over the streams heard from
 * recently, so a partition still catching up never makes another one's episodes look quiet. A stream silent for
 * {@code idleMillis} of wall-clock time stops holding time back (the idle timeout of a live run). Hits and
 * partials never move time; rules are evaluated when time moves or new partials arrived.
 */
public final class BackEnd implements SignalSink {

    private final AlertLifecycle signatures;
    private final RuleEngine rules;
    private final long idleMillis;
    /** Latest event time and wall-clock arrival of each input stream's ticks. */
    private final Map<String, long[]> watermarks = new HashMap<>();
    private long now = Long.MIN_VALUE;
    private boolean dirty;

    public BackEnd(final AlertLifecycle signatures, final RuleEngine rules, final long idleMillis) {
        this.signatures = signatures;
        this.rules = rules;
        this.idleMillis = idleMillis;
    }

    /** The back end's event time. */
    public long now() {
        return now;
    }

    @Override
    public void hit(final Hit hit) {
        signatures.onHit(hit);
    }

    @Override
    public void partial(final Partial partial) {
        rules.onPartial(partial);
        dirty = true;
    }

    /** A tick of the only input stream (replay, tests). */
    @Override
    public void tick(final long time) {
        advance(time);
    }

    @Override
    public void late(final LogEvent event) {
        // counted and dead-lettered by the front end's runner
    }

    /**
     * Says that an input stream exists before it has reported anything (live mode knows its input tasks): until it
     * reports, or for {@code idleMillis} after {@code wallNow}, it holds time back. Without this, the streams that
     * happen to be processed first after a start, restart or failover would run time ahead and resolve episodes
     * whose next matches sit unread in the streams not yet heard from, paging them again.
     */
    public void expect(final String origin, final long wallNow) {
        watermarks.putIfAbsent(origin, new long[] {Long.MIN_VALUE, wallNow});
    }

    /**
     * An input stream reports its event time, which may be behind what it said before (a live input task whose
     * partition gained a source still catching up). Time becomes the minimum over streams heard from (or
     * {@linkplain #expect expected}) within {@code idleMillis} of {@code wallNow}. Signature episodes follow it
     * even backwards (a returning stream holds back resolves); rules only move forward, their windows are built
     * from hops that already passed.
     */
    public void watermark(final String origin, final long time, final long wallNow) {
        final long[] w = watermarks.computeIfAbsent(origin, k -> new long[] {Long.MIN_VALUE, wallNow});
        w[0] = time; // a stream's latest word: a live task's time goes back when a lagging source joins it
        w[1] = wallNow;
        long min = Long.MAX_VALUE;
        for (final long[] v : watermarks.values()) {
            if (wallNow - v[1] < idleMillis && v[0] < min) {
                min = v[0];
            }
        }
        if (min != Long.MAX_VALUE && min != Long.MIN_VALUE) {
            signatures.follow(min);
            advance(min);
        }
    }

    private void advance(final long time) {
        // episodes are checked on every tick, even when time did not move: a hit may have opened one whose quiet
        // period is already over (a line older than the input's time), and both runners must resolve it alike
        signatures.advance(time);
        if (time > now) {
            now = time;
            rules.advance(time);
            dirty = false;
        } else if (dirty && now != Long.MIN_VALUE) {
            rules.advance(now);
            dirty = false;
        }
    }

    /** End of a replay: a last evaluation, then every open episode and firing rule resolves. */
    public void finish() {
        if (dirty && now != Long.MIN_VALUE) {
            rules.advance(now);
        }
        signatures.finish();
        rules.finish(now);
    }
}
