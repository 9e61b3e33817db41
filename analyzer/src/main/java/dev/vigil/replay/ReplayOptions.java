package dev.vigil.replay;

import dev.vigil.parse.Source;

/**
 * Options of a file replay.
 *
 * @param forcedSource parse every file as this source (null = detect per file)
 * @param since        skip events before this epoch ms (inclusive bound), or null
 * @param until        skip events at or after this epoch ms, or null
 * @param tickMillis   event-time tick interval of the front end
 * @param resolveAtEnd resolve every open episode at the end of the input (postmortems want closed episodes; the
 *                     runner-equivalence test turns it off to compare with a live run that has not ended)
 * @param threads      reader threads for several files (1 = sequential); the result is the same either way
 */
public record ReplayOptions(Source forcedSource, Long since, Long until, long tickMillis, boolean resolveAtEnd,
                            int threads) {

    /** Detect sources, no time range, default tick, resolve at end, one reader thread per core. */
    public static ReplayOptions defaults() {
        return new ReplayOptions(null, null, null, dev.vigil.engine.FrontEnd.DEFAULT_TICK_MILLIS, true,
            Runtime.getRuntime().availableProcessors());
    }

    /** Same options with another forced source. */
    public ReplayOptions withSource(final Source source) {
        return new ReplayOptions(source, since, until, tickMillis, resolveAtEnd, threads);
    }

    /** Same options, without the end-of-input resolve. */
    public ReplayOptions withoutResolveAtEnd() {
        return new ReplayOptions(forcedSource, since, until, tickMillis, false, threads);
    }

    /** Same options with another number of reader threads. */
    public ReplayOptions withThreads(final int n) {
        return new ReplayOptions(forcedSource, since, until, tickMillis, resolveAtEnd, Math.max(1, n));
    }
}
