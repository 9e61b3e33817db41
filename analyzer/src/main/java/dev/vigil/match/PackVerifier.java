package dev.vigil.match;

import dev.vigil.engine.DeadLetter;
import dev.vigil.engine.EventSink;
import dev.vigil.engine.Ingest;
import dev.vigil.engine.MapPendingStore;
import dev.vigil.engine.Stats;
import dev.vigil.pack.Example;
import dev.vigil.pack.PatternPack;
import dev.vigil.pack.Signature;
import dev.vigil.parse.LogEvent;
import dev.vigil.parse.Parsers;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs every signature example of a pack through the real parser and matcher (prefilter included) — what
 * {@code vigil check} and the test suite do. An example fails when it does not parse as one entry of its
 * signature's source, when it matches and should not (or the reverse), or when an expected label differs.
 */
public final class PackVerifier {

    private PackVerifier() {
    }

    /**
     * One example's outcome.
     *
     * @param signature signature id
     * @param file      pack-relative file
     * @param line      line of the example
     * @param problem   what went wrong, or null when it passed
     */
    public record Outcome(String signature, String file, int line, String problem) {
        /** Whether the example passed. */
        public boolean passed() {
            return problem == null;
        }

        @Override
        public String toString() {
            return file + ":" + line + ": " + (problem == null ? "ok" : problem);
        }
    }

    /** Runs every example of every signature. */
    public static List<Outcome> verify(final PatternPack pack, final Parsers parsers) {
        final List<Outcome> out = new ArrayList<>();
        final SignatureMatcher all = new SignatureMatcher(pack);
        for (final Signature s : pack.signatures()) {
            final SignatureMatcher one = new SignatureMatcher(PatternPack.of(pack.version(), List.of(s)));
            for (final Example ex : s.examples()) {
                out.add(new Outcome(s.id(), s.file(), ex.line(), check(s, ex, parsers, one, all)));
            }
        }
        return out;
    }

    /** Parses an example text as its signature's source; returns the events and dead letters it produced. */
    public static List<LogEvent> parse(final Signature s, final String text, final Parsers parsers,
                                       final List<DeadLetter> dead) {
        final List<LogEvent> events = new ArrayList<>();
        final Ingest ingest = new Ingest(parsers, new Stats());
        final MapPendingStore store = new MapPendingStore();
        final EventSink sink = EventSink.of(events::add, dead::add);
        final String trimmed = text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        final boolean json = trimmed.trim().startsWith("{");
        final String[] lines = json ? new String[] {trimmed} : trimmed.split("\n", -1);
        for (final String l : lines) {
            ingest.acceptLine(l, "example", s.source(), 0L, store, sink);
        }
        store.flushAll(ingest, sink);
        return events;
    }

    private static String check(final Signature s, final Example ex, final Parsers parsers,
                                final SignatureMatcher one, final SignatureMatcher all) {
        final List<DeadLetter> dead = new ArrayList<>();
        final List<LogEvent> events = parse(s, ex.text(), parsers, dead);
        if (!dead.isEmpty()) {
            return "example does not parse as a " + s.source().id() + " entry: " + dead.get(0).reason() + " ("
                + dead.get(0).detail() + ")";
        }
        if (events.size() != 1) {
            return "example should be one " + s.source().id() + " entry but parsed as " + events.size();
        }
        final LogEvent e = events.get(0);
        final List<Match> matches = one.matchAll(e);
        final boolean matchedByPack = all.matchAll(e).stream().anyMatch(m -> m.signature().id().equals(s.id()));
        if (!ex.shouldMatch()) {
            return matches.isEmpty() ? null : "example must not match, but it does (message: " + brief(e) + ")";
        }
        if (matches.isEmpty()) {
            return "example should match but does not (the regex sees the message: " + brief(e) + ")";
        }
        if (!matchedByPack) {
            return "example matches alone but not within the whole pack (prefilter literal problem)";
        }
        final Map<String, String> labels = matches.get(0).labels();
        for (final Map.Entry<String, String> want : ex.expect().entrySet()) {
            final String got = labels.get(want.getKey());
            if (want.getValue() == null ? got != null : !want.getValue().equals(got)) {
                return "label '" + want.getKey() + "' should be '" + want.getValue() + "' but is '" + got + "'";
            }
        }
        return null;
    }

    private static String brief(final LogEvent e) {
        final String m = e.message() == null ? "" : e.message();
        return "'" + (m.length() > 160 ? m.substring(0, 160) + "…" : m) + "'";
    }
}
