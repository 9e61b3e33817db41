package dev.vigil.bridge;

import java.time.Duration;
import java.util.Objects;

/**
 * When to retry, when to give up, how fast to send and how to group. All times are explicit; nothing here reads a
 * clock, so the rules are tested with plain numbers.
 *
 * <h2>Retries</h2>
 * After the n-th failed attempt the next one waits {@code min(maxBackoff, initialBackoff * multiplier^(n-1))},
 * shortened by a random fraction of up to {@code jitter} of itself (jitter 0.5: between half and all of it), so that
 * bridges restarted together do not retry in lock step. A Retry-After from the server is a floor on that wait.
 *
 * <h2>Giving up</h2>
 * An alert that has not been delivered {@code maxAge} after this bridge process first read it goes to the
 * dead-letter topic: when an attempt fails at or after that time, when the next attempt (or the server's
 * Retry-After) would fall after it, or when it is still waiting for the rate limit at that time.
 *
 * <h2>Rate and grouping</h2>
 * A token bucket holds {@code burst} tokens and refills at {@code ratePerMinute}; each HTTP request takes one.
 * While the alerts waiting fit into the tokens available, each alert is its own message. When more are waiting
 * than there are tokens, the bridge groups: everything waiting goes out in one flush of grouped messages of at
 * most {@code maxBatch} alerts each (the flush needs one token to start and takes the rest on credit), and the
 * next flush waits {@code groupInterval} and a token, collecting what arrives meanwhile. A storm of a thousand alerts thus becomes a few messages per group interval.
 *
 * @param initialBackoff wait after the first failure
 * @param maxBackoff     cap on the wait
 * @param multiplier     growth per failure, at least 1
 * @param jitter         random shortening, 0 (none) to 1 (anywhere between 0 and the full wait)
 * @param maxAge         how long to try before dead-lettering
 * @param ratePerMinute  sustained requests per minute
 * @param burst          requests that may go out at once after a quiet period
 * @param groupInterval  minimum time between grouped sends
 * @param maxBatch       most alerts in one grouped message
 */
public record DeliveryPolicy(Duration initialBackoff, Duration maxBackoff, double multiplier, double jitter,
                             Duration maxAge, double ratePerMinute, int burst, Duration groupInterval,
                             int maxBatch) {

    /** Defaults: 1s→2m backoff ×2 with 50% jitter, 1h max-age, 30/min with bursts of 10, 10s groups of 200. */
    public static final DeliveryPolicy DEFAULT = new DeliveryPolicy(Duration.ofSeconds(1), Duration.ofMinutes(2),
        2.0, 0.5, Duration.ofHours(1), 30, 10, Duration.ofSeconds(10), 200);

    /** Validates; messages are meant for the person who wrote the config. */
    public DeliveryPolicy {
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        Objects.requireNonNull(maxAge, "maxAge");
        Objects.requireNonNull(groupInterval, "groupInterval");
        require(!initialBackoff.isNegative() && !initialBackoff.isZero(), "backoff_initial must be positive");
        require(maxBackoff.compareTo(initialBackoff) >= 0, "backoff_max must be at least backoff_initial");
        require(multiplier >= 1.0 && multiplier <= 100, "backoff_multiplier must be between 1 and 100");
        require(jitter >= 0 && jitter <= 1, "jitter must be between 0 and 1");
        require(!maxAge.isNegative() && !maxAge.isZero(), "max_age must be positive");
        require(ratePerMinute > 0, "rate must be positive (requests per minute)");
        require(burst >= 1, "burst must be at least 1");
        require(!groupInterval.isNegative(), "group_interval must not be negative");
        require(maxBatch >= 1 && maxBatch <= 10_000, "max_batch must be between 1 and 10000");
    }

    private static void require(final boolean ok, final String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /**
     * The wait before the next attempt.
     *
     * @param failures failed attempts so far, at least 1
     * @param random   a number in [0, 1)
     * @return milliseconds, at least 1
     */
    long backoffMillis(final int failures, final double random) {
        final double base = initialBackoff.toMillis() * Math.pow(multiplier, Math.max(0, failures - 1));
        final double capped = Math.min(base, maxBackoff.toMillis());
        return Math.max(1, Math.round(capped * (1.0 - jitter * random)));
    }

    /**
     * When the next attempt may be made after a failure at {@code now}, or -1 to give up.
     *
     * @param failures         failed attempts so far, including this one
     * @param now              time of the failure
     * @param deadline         first-read time plus max-age
     * @param retryAfterMillis the server's Retry-After, or -1
     * @param random           a number in [0, 1)
     */
    long nextAttempt(final int failures, final long now, final long deadline, final long retryAfterMillis,
                     final double random) {
        if (now >= deadline) {
            return -1;
        }
        final long backoff = Math.min(now + backoffMillis(failures, random), deadline);
        final long next = retryAfterMillis < 0 ? backoff : Math.max(backoff, now + retryAfterMillis);
        return next > deadline ? -1 : next;
    }

    DeliveryPolicy withMaxAge(final Duration d) {
        return new DeliveryPolicy(initialBackoff, maxBackoff, multiplier, jitter, d, ratePerMinute, burst,
            groupInterval, maxBatch);
    }

    DeliveryPolicy withBackoff(final Duration initial, final Duration max) {
        return new DeliveryPolicy(initial, max, multiplier, jitter, maxAge, ratePerMinute, burst, groupInterval,
            maxBatch);
    }

    DeliveryPolicy withRate(final double perMinute, final int newBurst) {
        return new DeliveryPolicy(initialBackoff, maxBackoff, multiplier, jitter, maxAge, perMinute, newBurst,
            groupInterval, maxBatch);
    }

    DeliveryPolicy withGrouping(final Duration interval, final int batch) {
        return new DeliveryPolicy(initialBackoff, maxBackoff, multiplier, jitter, maxAge, ratePerMinute, burst,
            interval, batch);
    }

    DeliveryPolicy withBackoffShape(final double newMultiplier, final double newJitter) {
        return new DeliveryPolicy(initialBackoff, maxBackoff, newMultiplier, newJitter, maxAge, ratePerMinute,
            burst, groupInterval, maxBatch);
    }
}
