package dev.vigil.rule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.parse.LogEvent;
import dev.vigil.parse.Source;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AggregateTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static LogEvent line(final String text) {
        return new LogEvent(1_000, Source.NGINX, null, null, null, text, text, Map.of());
    }

    @Test
    void shouldKeepTheLargestValuesLineAsExampleAndAnswerQuantilesFromTheBins() {
        final Aggregate a = new Aggregate();
        final double[] values = {0.2, 3.0, 0.0, 0.2, 12.5, 0.9, 12.5};
        for (int i = 0; i < values.length; i++) {
            a.add(1_000 + i, true, values[i], line("v=" + values[i] + " #" + i), true);
        }
        assertEquals(7, a.count);
        assertEquals(7, a.samples());
        assertEquals("v=12.5 #4", a.example(), "the first line with the largest value");
        assertEquals(1_004, a.exampleTime);
        assertEquals(0.0, a.quantile(0.1), "values ≤ 0 sit in their own bin, reported as 0");
        assertEquals(0.9, a.quantile(0.5), 0.9 * 0.05, "nearest rank: the 4th of 7");
        assertEquals(12.5, a.quantile(0.99), 12.5 * 0.05);
    }

    @Test
    void shouldKeepTheFirstNumeratorLineForCountsAndCleanItOnlyWhenRead() {
        final Aggregate a = new Aggregate();
        a.add(5, false, Double.NaN, line("denominator only"), false);
        a.add(6, true, Double.NaN, line("first\u001b[31m hit"), false);
        a.add(7, true, Double.NaN, line("second hit"), false);
        assertEquals(3, a.count);
        assertEquals(2, a.numerator);
        assertEquals("first\uFFFD[31m hit", a.example(), "terminal escapes of a log line are neutralised");
        assertEquals(6, a.exampleTime);

        final Aggregate longLine = new Aggregate();
        longLine.add(9, true, Double.NaN, line("x".repeat(2_000_000)), false);
        assertEquals("x".repeat(512) + "…", longLine.example(), "an evidence line is cut at 512 characters");
    }

    @Test
    void shouldMergeBinsAndPreferTheLargerExample() {
        final Aggregate a = new Aggregate();
        a.add(1, true, 2.0, line("a 2.0"), true);
        final Aggregate b = new Aggregate();
        b.add(2, true, 8.0, line("b 8.0"), true);
        b.add(3, true, 0.5, line("b 0.5"), true);
        final Aggregate w = new Aggregate();
        w.merge(a);
        w.merge(b);
        assertEquals(3, w.samples());
        assertEquals("b 8.0", w.example());
        assertEquals(8.0, w.quantile(1.0), 8.0 * 0.05);
        assertEquals(0.5, w.quantile(0.1), 0.5 * 0.05);
    }

    @Test
    void shouldStoreTheHistogramAsABinToSamplesObjectAndReadBackStateWrittenBeforeArrays() throws Exception {
        final Aggregate a = new Aggregate();
        a.add(10, true, 0.0, line("zero"), true);
        a.add(11, true, 1.05, line("one"), true);
        a.add(12, true, 1.05, line("one again"), true);
        final JsonNode json = JSON.readTree(JSON.writeValueAsBytes(a));
        assertEquals(1, json.get("histogram").get(String.valueOf(Integer.MIN_VALUE)).asLong());
        assertEquals(2, json.get("histogram").get(String.valueOf(Aggregate.bin(1.05))).asLong());
        assertEquals("one", json.get("example").asText());
        assertTrue(json.has("exampleValue") && json.has("maxTime") && json.has("count"));
        assertEquals(7, json.size(), "no internal fields leak into the stored state: " + json);

        // the shape a TreeMap-backed Aggregate wrote (state in changelogs of an earlier release)
        final String stored = "{\"count\":3,\"numerator\":3,\"histogram\":{\"-2147483648\":1,\"1\":2},"
            + "\"maxTime\":12,\"exampleTime\":11,\"example\":\"one\",\"exampleValue\":1.05}";
        final Aggregate back = JSON.readValue(stored, Aggregate.class);
        assertEquals(3, back.samples());
        assertEquals("one", back.example());
        assertEquals(Aggregate.binValue(1), back.quantile(1.0));
        assertEquals(JSON.readTree(stored), JSON.readTree(JSON.writeValueAsBytes(back)));

        final Aggregate empty = JSON.readValue(JSON.writeValueAsBytes(new Aggregate()), Aggregate.class);
        assertEquals(0, empty.samples());
        assertNull(empty.example());
    }
}
