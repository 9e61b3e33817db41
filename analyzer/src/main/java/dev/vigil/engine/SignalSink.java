package dev.vigil.engine;

/** Receives the front end's output: signature hits and event-time ticks, in stream order. */
public interface SignalSink {

    /** A signature matched. */
    void hit(Hit hit);

    /** Stream time advanced to {@code time}; lets the back end resolve quiet episodes without new hits. */
    void tick(long time);

    /** A pre-aggregated slice of a rule's input. */
    void partial(dev.vigil.rule.Partial partial);

    /** An event came later than some rule's grace and was left out of it (to be counted and dead-lettered). */
    void late(dev.vigil.parse.LogEvent event);
}
