package dev.vigil.topology;

import dev.vigil.engine.Hit;

/**
 * What crosses the repartition topic: a hit (keyed by alert id) or a tick (sent to every partition) saying how
 * far the event time of one input task got.
 *
 * @param hit    the hit, or null for a tick
 * @param time   event time
 * @param origin the task a tick comes from, null for hits
 */
record Signal(Hit hit, long time, String origin) {
    static final String TICK_KEY = "~tick";

    static Signal tick(final String origin, final long time) {
        return new Signal(null, time, origin);
    }

    boolean isTick() {
        return hit == null;
    }
}
