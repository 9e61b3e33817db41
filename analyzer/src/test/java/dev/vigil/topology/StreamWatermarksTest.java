package dev.vigil.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StreamWatermarksTest {

    private static final long T0 = 1_714_557_600_000L; // 2024-05-01T10:00:00Z
    private static final long MIN = 60_000;

    private final StreamWatermarks w = new StreamWatermarks(30_000, 30_000);

    @Test
    void shouldFollowTheSlowestSourceOfThePartition() {
        w.onEvent("access.log", T0, 0);
        w.onEvent("syslog", T0 + 60 * MIN, 0);
        assertEquals(T0, w.current());
        w.onEvent("access.log", T0 + MIN, 0);

        assertEquals(T0 + MIN, w.current(), "the access log is at 10:01 whatever the syslog says");
    }

    @Test
    void shouldGoBackWhenALaggingSourceJoins() {
        w.onEvent("web1", T0 + 60 * MIN, 0);
        assertEquals(T0 + 60 * MIN, w.current());
        w.onEvent("web2-backlog", T0, 0);

        assertEquals(T0, w.current(), "a shipper catching up holds the partition's time at its own");
    }

    @Test
    void shouldNotGoBackWithinOneSource() {
        w.onEvent("web1", T0 + MIN, 0);
        w.onEvent("web1", T0, 0);

        assertEquals(T0 + MIN, w.current(), "a line out of order in one source is late, not a clock going back");
    }

    @Test
    void shouldStopWaitingForASourceThatWentQuiet() {
        w.onEvent("error.log", T0, 0);
        w.onEvent("access.log", T0 + 5 * MIN, 29_000);
        assertEquals(T0, w.current());

        w.onEvent("access.log", T0 + 6 * MIN, 30_000);
        assertEquals(T0, w.current(), "wall-clock silence is noticed by the punctuation");
        w.onWallClock(30_000);

        assertEquals(T0 + 6 * MIN, w.current(), "error.log said nothing for 30 s of wall-clock time");
    }

    @Test
    void shouldTakeTheLatestSourceWhenAllWentQuiet() {
        w.onEvent("error.log", T0, 0);
        w.onEvent("access.log", T0 + 5 * MIN, 0);

        w.onWallClock(30_000);

        assertEquals(T0 + 5 * MIN, w.current(), "nothing is catching up any more");
    }

    @Test
    void shouldBeActiveWhileItHasEvents() {
        assertFalse(w.active(0), "no event yet");
        w.onEvent("access.log", T0, 1_000);
        assertTrue(w.active(30_999));
        assertFalse(w.active(31_000));
    }

    @Test
    void shouldLetAQuietSourceGoSoonerThanTheTaskCountsAsIdle() {
        final StreamWatermarks q = new StreamWatermarks(10_000, 60_000);
        q.onEvent("error.log", T0, 0);
        q.onEvent("access.log", T0 + MIN, 9_000);
        q.onWallClock(9_999);
        assertEquals(T0, q.current(), "the error log spoke 10 s ago: it may still be catching up");
        q.onWallClock(10_000);
        assertEquals(T0 + MIN, q.current(), "quiet for 10 s: the access log's time");
        assertTrue(q.active(59_999), "the task still has input");
    }

    @Test
    void shouldForgetTheLeastRecentlyActiveSourcesPastItsBound() {
        w.onEvent("old", T0, 0);
        for (int i = 0; i < StreamWatermarks.MAX_SOURCES; i++) {
            w.onEvent("s" + i, T0 + MIN, 1);
        }
        w.onWallClock(2);

        assertEquals(T0 + MIN, w.current(), "the oldest source was forgotten, not kept holding time back");
    }
}
