package dev.vigil.parse;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TimestampsTest {

    @ParameterizedTest
    @CsvSource({
        "2024-11-22T05:34:01Z, 2024-11-22T05:34:01Z",
        "2024-11-22T05:34:01.123456Z, 2024-11-22T05:34:01.123Z",
        "2024-11-22T05:34:01.123456789+02:00, 2024-11-22T03:34:01.123Z",
        "2024-11-22T05:34:01+0530, 2024-11-22T00:04:01Z",
        "2024-11-22T05:34:01-03, 2024-11-22T08:34:01Z",
        "2024-11-22 05:34:01, 2024-11-22T05:34:01Z",
        "2024-11-22 05:34:01.5 CEST, 2024-11-22T03:34:01.500Z",
        "2022-11-27 18:58:02.096 UTC, 2022-11-27T18:58:02.096Z",
        "2000-02-29T23:59:59Z, 2000-02-29T23:59:59Z",
    })
    void shouldParseIsoVariants(final String text, final String expected) {
        assertEquals(Instant.parse(expected).toEpochMilli(), Timestamps.parseIso(text, ZoneOffset.UTC));
    }

    @ParameterizedTest
    @CsvSource({
        "1669575482.0968924, 2022-11-27T18:58:02.097Z",
        "1669575482, 2022-11-27T18:58:02Z",
        "1669575482096, 2022-11-27T18:58:02.096Z",
        "1615280779886606, 2021-03-09T09:06:19.887Z",
        "1615280779886606000, 2021-03-09T09:06:19.887Z",
    })
    void shouldGuessEpochUnits(final String text, final String expected) {
        assertEquals(Instant.parse(expected).toEpochMilli(), Timestamps.parseFlexible(text));
    }

    @Test
    void shouldReturnNoTimeForGarbage() {
        assertEquals(LogEvent.NO_TIME, Timestamps.parseFlexible("yesterday"));
        assertEquals(LogEvent.NO_TIME, Timestamps.parseFlexible("2024-13-01T00:00:00Z"));
        assertEquals(LogEvent.NO_TIME, Timestamps.parseIso("2024-11-22", ZoneOffset.UTC));
        assertEquals(LogEvent.NO_TIME, Timestamps.parseFlexible(""));
        assertEquals(LogEvent.NO_TIME, Timestamps.parseFlexible(null));
    }

    @Test
    void shouldResolveZoneAbbreviationsAndOffsets() {
        assertEquals(0, Timestamps.zoneOffsetSeconds("UTC", 0, 3));
        assertEquals(7200, Timestamps.zoneOffsetSeconds("CEST", 0, 4));
        assertEquals(-7 * 3600, Timestamps.zoneOffsetSeconds("PDT", 0, 3));
        assertEquals(7200, Timestamps.zoneOffsetSeconds("+02", 0, 3));
        assertEquals(-(3 * 3600 + 1800), Timestamps.zoneOffsetSeconds("-03:30", 0, 6));
        assertEquals(Timestamps.UNKNOWN_ZONE, Timestamps.zoneOffsetSeconds("XYZT", 0, 4));
    }

    @Test
    void shouldApplyRegionZoneRulesIncludingDaylightSaving() {
        final long winter = Timestamps.utcMillis(2024, 1, 15, 12, 0, 0, 0);
        final long summer = Timestamps.utcMillis(2024, 7, 15, 12, 0, 0, 0);
        final ZoneId berlin = ZoneId.of("Europe/Berlin");
        assertEquals(Instant.parse("2024-01-15T11:00:00Z").toEpochMilli(), Timestamps.localToEpoch(winter, berlin));
        assertEquals(Instant.parse("2024-07-15T10:00:00Z").toEpochMilli(), Timestamps.localToEpoch(summer, berlin));
    }

    @Test
    void shouldComputeYearOfInstant() {
        assertEquals(2024, Timestamps.yearOf(Instant.parse("2024-12-31T23:59:59Z").toEpochMilli()));
        assertEquals(2025, Timestamps.yearOf(Instant.parse("2025-01-01T00:00:00Z").toEpochMilli()));
        assertEquals(1969, Timestamps.yearOf(-1L));
    }

    @Test
    void shouldReadEnglishMonthAbbreviations() {
        final String months = "JanFebMarAprMayJunJulAugSepOctNovDec";
        for (int i = 0; i < 12; i++) {
            assertEquals(i + 1, Timestamps.month3(months, i * 3));
        }
        assertEquals(-1, Timestamps.month3("Foo", 0));
    }
}
