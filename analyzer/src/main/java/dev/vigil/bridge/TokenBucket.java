package dev.vigil.bridge;

/**
 * The per-target request budget: {@code capacity} tokens, refilled continuously at {@code perMinute}. A request
 * needs one token to start and takes as many as it makes calls (the balance may go below zero, which delays the
 * next one). A server's Retry-After blocks the bucket until then. Time is passed in, never read.
 */
final class TokenBucket {
    private final double capacity;
    private final double perMilli;
    private double tokens;
    private long updated;
    private long blockedUntil = Long.MIN_VALUE;

    TokenBucket(final int capacity, final double perMinute, final long now) {
        this.capacity = capacity;
        this.perMilli = perMinute / 60_000.0;
        this.tokens = capacity;
        this.updated = now;
    }

    private void refill(final long now) {
        if (now > updated) {
            tokens = Math.min(capacity, tokens + (now - updated) * perMilli);
            updated = now;
        }
    }

    /** Whole tokens available now (0 while blocked). */
    int available(final long now) {
        refill(now);
        return now < blockedUntil ? 0 : (int) Math.floor(Math.max(0, tokens));
    }

    /** Takes {@code n} tokens if at least one is available; false (and nothing taken) otherwise. */
    boolean tryAcquire(final long now, final int n) {
        if (available(now) < 1) {
            return false;
        }
        tokens -= n;
        return true;
    }

    /** Takes {@code n} tokens whatever the balance (the rest of a grouped flush). */
    void take(final int n) {
        tokens -= n;
    }

    /** No request before {@code until} (a server's Retry-After). */
    void blockUntil(final long until) {
        blockedUntil = Math.max(blockedUntil, until);
    }

    /** The earliest time at which a token is available. */
    long nextTokenAt(final long now) {
        refill(now);
        final long refilled = tokens >= 1 ? now : now + (long) Math.ceil((1 - tokens) / perMilli);
        return Math.max(refilled, blockedUntil);
    }
}
