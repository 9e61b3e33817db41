package dev.vigil.bridge;

import java.time.Clock;
import org.slf4j.Logger;

/** At most {@code perMinute} lines a minute; then one line saying how many were left out. */
final class LogLimiter {
    private final Logger log;
    private final Clock clock;
    private final int perMinute;
    private long windowStart = Long.MIN_VALUE;
    private int used;
    private int suppressed;

    LogLimiter(final Logger log, final Clock clock, final int perMinute) {
        this.log = log;
        this.clock = clock;
        this.perMinute = perMinute;
    }

    void warn(final String format, final Object... args) {
        final long now = clock.millis();
        if (now - windowStart >= 60_000) {
            if (suppressed > 0) {
                log.warn("{} similar messages left out in the last minute", suppressed);
            }
            windowStart = now;
            used = 0;
            suppressed = 0;
        }
        if (used < perMinute) {
            used++;
            log.warn(format, args);
        } else {
            suppressed++;
        }
    }
}
