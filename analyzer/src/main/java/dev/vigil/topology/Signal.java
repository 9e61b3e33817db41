package dev.vigil.topology;

import dev.vigil.engine.Hit;
import dev.vigil.rule.Partial;

/**
 * What crosses the repartition topic: a hit or a rule partial (keyed by alert id), or a tick (sent to every
 * partition) saying how far the event time of one input task got.
 *
 * @param hit     the hit, or null
 * @param partial the rule partial, or null
 * @param time    event time
 * @param origin  the task a tick comes from, null otherwise
 */
record Signal(Hit hit, Partial partial, long time, String origin) {
    static final String TICK_KEY = "~tick";

    static Signal tick(final String origin, final long time) {
        return new Signal(null, null, time, origin);
    }

    static Signal of(final Hit hit) {
        return new Signal(hit, null, hit.time(), null);
    }

    static Signal of(final Partial partial) {
        return new Signal(null, partial, partial.bucketStart(), null);
    }

    boolean isTick() {
        return hit == null && partial == null;
    }
}
