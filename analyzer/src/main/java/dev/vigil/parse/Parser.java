package dev.vigil.parse;

import dev.vigil.ingest.Envelope;

/**
 * Turns one complete entry of a source into a {@link LogEvent}. Implementations are stateless and thread-safe;
 * multi-line folding is driven by the caller through {@link #continues(String, String)} so that the pending
 * entry can live in a state store.
 */
public interface Parser {

    /** The source this parser handles. */
    Source source();

    /**
     * Whether {@code line} belongs to the entry collected so far ({@code pending}, lines joined by '\n').
     * Returns false when {@code pending} is null. Examples: PostgreSQL DETAIL/HINT/STATEMENT/CONTEXT and
     * tab-indented continuation lines, a csvlog record with an open quote, Python traceback lines.
     */
    boolean continues(String pending, String line);

    /**
     * Whether an entry starting with {@code firstLine} can have continuation lines at all. When false the entry
     * is parsed at once instead of waiting for the next line (nginx access lines, journald records): no latency
     * and no pending state on the hot path.
     */
    default boolean mayContinue(final String firstLine) {
        return true;
    }

    /**
     * Parses a complete entry. {@code env.text()} is the entry text (possibly multi-line); other envelope
     * fields (journald host, unit, pid, priority, time) fill what the text does not say.
     *
     * @throws ParseException when the entry is not a line of this source
     */
    LogEvent parse(Envelope env) throws ParseException;
}
