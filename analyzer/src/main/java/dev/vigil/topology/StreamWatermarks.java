package dev.vigil.topology;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The event time of one input task: the minimum over the sources in its partition (one per record key: a file as
 * {@code vigil ship} keys it, a host as shippers can be told to key; records without a key are one source, like the
 * lines of one file in a replay) that sent something within {@code sourceIdleMillis} of wall-clock time, each at the
 * latest event time it reached. One partition carries many sources and they need not keep pace: a shipper catching
 * up on a host's backlog shares its partition with hosts that are current. Were the task's time the maximum over its
 * events, the lagging source's matches would be judged against the others' time, and each of its episodes would
 * resolve right after every match and page again. The time may go down when a lagging source appears. When every
 * source has gone quiet the task's time is the latest of them: nothing is catching up any more.
 *
 * <p>The source idle time is short (seconds) on purpose: a shipper catching up sends without pause, while a file
 * written once in a while (an error log) is quiet, not behind, and must not stop the clock of its partition for
 * long after each of its lines.
 */
final class StreamWatermarks {

    /** Sources remembered per task; past this, the least recently active are forgotten. */
    static final int MAX_SOURCES = 256;

    private final long sourceIdleMillis;
    private final long activeMillis;
    /** Source → {latest event time, wall-clock time of its latest event}, least recently active first. */
    private final LinkedHashMap<String, long[]> sources = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(final Map.Entry<String, long[]> eldest) {
            return size() > MAX_SOURCES;
        }
    };
    private String lastId;
    private long[] last;
    private long current = Long.MIN_VALUE;
    private long lastEvent = Long.MIN_VALUE;

    /**
     * @param sourceIdleMillis wall-clock time after which a silent source no longer holds the task's time back
     * @param activeMillis     wall-clock time after its last event during which the task counts as {@link #active}
     */
    StreamWatermarks(final long sourceIdleMillis, final long activeMillis) {
        this.sourceIdleMillis = sourceIdleMillis;
        this.activeMillis = activeMillis;
    }

    /** The task's time, or Long.MIN_VALUE before any event. */
    long current() {
        return current;
    }

    /** Whether the task had an event within {@code activeMillis} before wall-clock {@code now}. */
    boolean active(final long now) {
        return lastEvent != Long.MIN_VALUE && now - lastEvent < activeMillis;
    }

    /** An event of source {@code id} at event time {@code time}, seen at wall-clock {@code now}. */
    void onEvent(final String id, final long time, final long now) {
        final long[] s;
        if (id.equals(lastId)) {
            s = last;
        } else {
            long[] found = sources.get(id);
            if (found == null) {
                found = new long[] {Long.MIN_VALUE, now};
                sources.put(id, found);
            }
            s = found;
            lastId = id;
            last = s;
        }
        s[1] = now;
        lastEvent = now;
        if (time <= s[0]) {
            return; // this source did not move: neither did the minimum
        }
        // only the slowest source (or a new one) moves the minimum; silence is the wall clock's business
        final boolean lowest = s[0] <= current;
        s[0] = time;
        if (lowest || current == Long.MIN_VALUE) {
            recompute(now);
        }
    }

    /** Wall-clock time passed: sources that went silent stop holding the task's time back. */
    void onWallClock(final long now) {
        recompute(now);
    }

    private void recompute(final long now) {
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (final long[] s : sources.values()) {
            if (now - s[1] < sourceIdleMillis && s[0] < min) {
                min = s[0];
            }
            max = Math.max(max, s[0]);
        }
        final long time = min != Long.MAX_VALUE ? min : max;
        if (time != Long.MIN_VALUE) {
            current = time;
        }
    }
}
