package dev.vigil.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DeliveryPolicyTest {
    private static final DeliveryPolicy P = new DeliveryPolicy(Duration.ofSeconds(1), Duration.ofSeconds(30), 2.0,
        0.5, Duration.ofMinutes(10), 60, 5, Duration.ofSeconds(10), 100);

    @Test
    void shouldGrowExponentiallyUpToTheCap() {
        assertEquals(1000, P.backoffMillis(1, 0));
        assertEquals(2000, P.backoffMillis(2, 0));
        assertEquals(4000, P.backoffMillis(3, 0));
        assertEquals(16_000, P.backoffMillis(5, 0));
        assertEquals(30_000, P.backoffMillis(6, 0));
        assertEquals(30_000, P.backoffMillis(60, 0));
    }

    @Test
    void shouldJitterWithinTheConfiguredFraction() {
        assertEquals(500, P.backoffMillis(1, 0.999_999));
        assertEquals(750, P.backoffMillis(1, 0.5));
        assertEquals(15_000, P.backoffMillis(100, 0.999_999), 1);
        final DeliveryPolicy none = P.withBackoffShape(2.0, 0);
        assertEquals(1000, none.backoffMillis(1, 0.9));
    }

    @Test
    void shouldScheduleTheNextAttemptAndHonourRetryAfter() {
        final long now = 100_000;
        final long deadline = now + 60_000;
        assertEquals(now + 1000, P.nextAttempt(1, now, deadline, -1, 0));
        assertEquals(now + 7000, P.nextAttempt(1, now, deadline, 7000, 0), "Retry-After is a floor");
        assertEquals(now + 4000, P.nextAttempt(3, now, deadline, 1000, 0), "backoff longer than Retry-After");
    }

    @Test
    void shouldMakeALastAttemptAtTheDeadlineThenGiveUp() {
        final long now = 100_000;
        assertEquals(now + 500, P.nextAttempt(10, now, now + 500, -1, 0), "capped to the deadline");
        assertEquals(-1, P.nextAttempt(10, now + 500, now + 500, -1, 0), "failed at the deadline");
        assertEquals(-1, P.nextAttempt(1, now, now + 5000, 10_000, 0), "Retry-After beyond the deadline");
    }

    @Test
    void shouldRejectNonsenseWithTheKeyName() {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> P.withRate(0, 5));
        assertTrue(e.getMessage().startsWith("rate"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> P.withBackoff(Duration.ofSeconds(5), Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> P.withGrouping(Duration.ofSeconds(1), 0));
        assertThrows(IllegalArgumentException.class, () -> P.withBackoffShape(2.0, 1.5));
    }

    @Test
    void shouldStartWithAFullBucketAndRefillAtTheRate() {
        final TokenBucket b = new TokenBucket(3, 60, 0);
        assertEquals(3, b.available(0));
        assertTrue(b.tryAcquire(0, 1));
        assertTrue(b.tryAcquire(0, 1));
        assertTrue(b.tryAcquire(0, 1));
        assertFalse(b.tryAcquire(0, 1));
        assertEquals(1000, b.nextTokenAt(0), "60/min = one a second");
        assertEquals(0, b.available(999));
        assertEquals(1, b.available(1000));
        assertEquals(3, b.available(60_000), "never above capacity");
    }

    @Test
    void shouldLetARequestOfSeveralCallsGoIntoDebt() {
        final TokenBucket b = new TokenBucket(1, 60, 0);
        assertTrue(b.tryAcquire(0, 3));
        assertEquals(3000, b.nextTokenAt(0));
        assertEquals(0, b.available(2990));
    }

    @Test
    void shouldBlockTheBucketUntilRetryAfter() {
        final TokenBucket b = new TokenBucket(5, 600, 0);
        b.blockUntil(5000);
        assertEquals(0, b.available(4999));
        assertFalse(b.tryAcquire(4999, 1));
        assertEquals(5000, b.nextTokenAt(0));
        assertEquals(5, b.available(5000));
    }
}
