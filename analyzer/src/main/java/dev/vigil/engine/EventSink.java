package dev.vigil.engine;

import dev.vigil.parse.LogEvent;

/** Receives what ingest produces: parsed events and dead letters. */
public interface EventSink {

    /** A parsed event. */
    void event(LogEvent event);

    /** A record that could not be decoded or parsed. */
    void deadLetter(DeadLetter deadLetter);
}
