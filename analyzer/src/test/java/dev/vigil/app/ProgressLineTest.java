package dev.vigil.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The replay progress line: rate, input done, ETA when the size is known; redrawn at most 4 times a second. */
class ProgressLineTest {

    @Test
    void shouldShowRateDoneAndEta() {
        assertEquals("vigil replay: 1,000,000 lines · 500,000 lines/s · 100.0 MB of 400.0 MB (25%) · ETA 0:06",
            ProgressLine.text(1_000_000, 100L << 20, 400L << 20, "bytes", 2_000_000_000L));
        assertEquals("vigil replay: 4,096 lines · 4,096 lines/s · 512 KB",
            ProgressLine.text(4096, 512 << 10, -1, "bytes", 1_000_000_000L));
        assertEquals("vigil replay: 10 lines · 10 lines/s · 10 records of 40 (25%) · ETA 0:03",
            ProgressLine.text(10, 10, 40, "records", 1_000_000_000L));
    }

    @Test
    void shouldRedrawAtMostFourTimesASecondAndClear() {
        final ByteArrayOutputStream b = new ByteArrayOutputStream();
        final ProgressLine p = new ProgressLine(new PrintStream(b, true, StandardCharsets.UTF_8));
        p.clear();
        assertEquals(0, b.size(), "nothing drawn, nothing to clear");
        p.update(1, 1, -1, "bytes", 300_000_000L);
        p.update(2, 2, -1, "bytes", 400_000_000L);
        p.update(3, 3, -1, "bytes", 600_000_000L);
        final String s = b.toString(StandardCharsets.UTF_8);
        assertEquals(2, s.split("\r", -1).length - 1, "two redraws: " + s);
        p.clear();
        assertTrue(b.toString(StandardCharsets.UTF_8).endsWith("\r\033[K"));
    }
}
