package dev.vigil.parse;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

/** Parsers with a fixed clock, so that syslog lines without a year get the same year in every test run. */
public final class TestParsers {
    /** The clock every test parser uses: 2026-11-22T00:00:00Z. */
    public static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-22T00:00:00Z"), ZoneOffset.UTC);

    private TestParsers() {
    }

    /** Default prefixes, UTC, fixed clock. */
    public static Parsers fixed() {
        return Parsers.of(null, ZoneOffset.UTC, CLOCK);
    }
}
