package dev.vigil.engine;

import dev.vigil.parse.LogEvent;

/** Receives what ingest produces: parsed events and dead letters. */
public interface EventSink {

    /** A parsed event. */
    void event(LogEvent event);

    /** A record that could not be decoded or parsed. */
    void deadLetter(DeadLetter deadLetter);

    /** A sink that hands events and dead letters to two consumers. */
    static EventSink of(final java.util.function.Consumer<LogEvent> events,
                        final java.util.function.Consumer<DeadLetter> deadLetters) {
        return new EventSink() {
            @Override
            public void event(final LogEvent event) {
                events.accept(event);
            }

            @Override
            public void deadLetter(final DeadLetter deadLetter) {
                deadLetters.accept(deadLetter);
            }
        };
    }
}
