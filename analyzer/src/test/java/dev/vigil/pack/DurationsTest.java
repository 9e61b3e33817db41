package dev.vigil.pack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class DurationsTest {

    @Test
    void shouldParsePrometheusStyleDurations() {
        assertEquals(500, Durations.parseMillis("500ms"));
        assertEquals(30_000, Durations.parseMillis("30s"));
        assertEquals(5_400_000, Durations.parseMillis("1h30m"));
        assertEquals(2 * 86_400_000L, Durations.parseMillis("2d"));
    }

    @Test
    void shouldRejectNonsenseWithAMessage() {
        assertEquals("'5 minutes' is not a duration (use e.g. 30s, 5m, 1h30m)",
            assertThrows(IllegalArgumentException.class, () -> Durations.parseMillis("5 minutes")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> Durations.parseMillis("5y"));
        assertThrows(IllegalArgumentException.class, () -> Durations.parseMillis(""));
    }

    @Test
    void shouldFormatBack() {
        assertEquals("1h30m", Durations.format(5_400_000));
        assertEquals("0s", Durations.format(0));
    }
}
