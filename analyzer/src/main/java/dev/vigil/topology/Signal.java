package dev.vigil.topology;

import dev.vigil.engine.Hit;

/**
 * What crosses the repartition topic: a hit (keyed by alert id) or a tick (sent to every partition).
 *
 * @param hit  the hit, or null for a tick
 * @param time event time
 */
record Signal(Hit hit, long time) {
    static final String TICK_KEY = "~tick";

    static Signal tick(final long time) {
        return new Signal(null, time);
    }

    boolean isTick() {
        return hit == null;
    }
}
