package dev.vigil.parse;

import dev.vigil.ingest.DecodeException;
import dev.vigil.ingest.Envelope;
import dev.vigil.ingest.EnvelopeDecoder;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Test helpers: fixture files, and the decode → fold → parse path a file replay takes. */
final class Fixtures {
    /** A fixed "now" for syslog-year inference, so tests do not depend on the wall clock. */
    static final Clock CLOCK = Clock.fixed(Instant.parse("2024-06-01T00:00:00Z"), ZoneOffset.UTC);

    private Fixtures() {
    }

    static List<String> resource(final String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            final String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return Arrays.asList(text.split("\n", -1));
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> file(final Path path) {
        try {
            return Files.readAllLines(path, StandardCharsets.UTF_8);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Result of running a parser over a file: the events and a "reason: entry" line per failure. */
    static final class Outcome {
        final List<LogEvent> events = new ArrayList<>();
        final List<String> failures = new ArrayList<>();
        final List<String> failedEntries = new ArrayList<>();
        int entries;
    }

    /**
     * Decodes every line (skipping corpus annotations starting with "# " and blank lines), folds the decoded
     * texts with the parser's continues() keeping the first record's envelope, and parses each entry.
     */
    static Outcome run(final Parser parser, final List<String> lines) {
        final EnvelopeDecoder decoder = new EnvelopeDecoder();
        final List<Envelope> entries = new ArrayList<>();
        Envelope first = null;
        StringBuilder pending = null;
        for (final String line : lines) {
            if (line.startsWith("# ")) {
                continue;
            }
            final Envelope env;
            try {
                env = decoder.decodeLine(line);
            } catch (final DecodeException e) {
                continue;
            }
            if (first != null && parser.continues(pending.toString(), env.text())) {
                pending.append('\n').append(env.text());
                continue;
            }
            if (first != null) {
                entries.add(first.withText(pending.toString()));
            }
            first = env;
            pending = new StringBuilder(env.text());
        }
        if (first != null) {
            entries.add(first.withText(pending.toString()));
        }
        final Outcome out = new Outcome();
        out.entries = entries.size();
        for (final Envelope e : entries) {
            try {
                out.events.add(parser.parse(e));
            } catch (final ParseException ex) {
                out.failures.add(ex.reason() + ": " + e.text());
                out.failedEntries.add(e.text());
            }
        }
        return out;
    }

    static Outcome runResource(final Parser parser, final String name) {
        return run(parser, resource(name));
    }

    static LogEvent parse(final Parser parser, final String text) throws ParseException {
        return parser.parse(Envelope.raw(text));
    }

    static long utc(final String iso) {
        return Instant.parse(iso).toEpochMilli();
    }
}
