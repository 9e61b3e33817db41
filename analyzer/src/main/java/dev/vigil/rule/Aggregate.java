package dev.vigil.rule;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import dev.vigil.alert.SafeText;
import dev.vigil.parse.LogEvent;
import java.util.Map;
import java.util.TreeMap;

/**
 * A mergeable summary of the events one rule saw for one group in one hop: how many matched, how many of those
 * were the ratio's numerator, a log-scale histogram of the quantile field (5 % relative error, memory bounded by
 * the value range, not the event count; quantiles are reported at a bin's geometric middle), the latest event
 * time, and one example line for the evidence.
 */
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY,
    getterVisibility = JsonAutoDetect.Visibility.NONE, isGetterVisibility = JsonAutoDetect.Visibility.NONE)
public final class Aggregate {
    /** Histogram growth factor between bins. */
    static final double GAMMA = 1.1;
    private static final double LOG_GAMMA = Math.log(GAMMA);

    /** Events matched. */
    public long count;
    /** Events in the ratio's numerator (every event for the other kinds). */
    public long numerator;
    /** Histogram bin → samples; bin 0 holds values ≤ 0. */
    public TreeMap<Integer, Long> histogram;
    /** Latest event time seen. */
    public long maxTime = Long.MIN_VALUE;
    /** Event time of the example line. */
    public long exampleTime;
    /** One line that counted (a numerator line for ratios, the largest value for quantiles). */
    public String example;
    /** Value of the example (quantile rules). */
    public double exampleValue = Double.NEGATIVE_INFINITY;

    /** Adds one event. */
    void add(final long time, final boolean inNumerator, final Double value, final LogEvent e,
             final boolean wantValue) {
        count++;
        maxTime = Math.max(maxTime, time);
        if (inNumerator) {
            numerator++;
        }
        if (wantValue && value != null) {
            if (histogram == null) {
                histogram = new TreeMap<>();
            }
            histogram.merge(bin(value), 1L, Long::sum);
            if (value > exampleValue) {
                exampleValue = value;
                example = evidence(e);
                exampleTime = time;
            }
        } else if (example == null && inNumerator) {
            example = evidence(e);
            exampleTime = time;
        }
    }

    private static String evidence(final LogEvent e) {
        return e == null ? null : SafeText.cleanMultiline(e.line(), 512);
    }

    /** Merges another aggregate into this one. */
    void merge(final Aggregate o) {
        count += o.count;
        numerator += o.numerator;
        maxTime = Math.max(maxTime, o.maxTime);
        if (o.histogram != null) {
            if (histogram == null) {
                histogram = new TreeMap<>();
            }
            for (final Map.Entry<Integer, Long> e : o.histogram.entrySet()) {
                histogram.merge(e.getKey(), e.getValue(), Long::sum);
            }
        }
        if (o.example != null && (example == null || o.exampleValue > exampleValue)) {
            example = o.example;
            exampleTime = o.exampleTime;
            exampleValue = o.exampleValue;
        }
    }

    static int bin(final double v) {
        if (!(v > 0)) {
            return Integer.MIN_VALUE;
        }
        return (int) Math.ceil(Math.log(v) / LOG_GAMMA);
    }

    /** Geometric middle of a bin: the value a quantile reports, within about 5 % of the true one. */
    static double binValue(final int bin) {
        return bin == Integer.MIN_VALUE ? 0 : Math.pow(GAMMA, bin - 0.5);
    }

    /** Samples in the histogram. */
    long samples() {
        long n = 0;
        if (histogram != null) {
            for (final long c : histogram.values()) {
                n += c;
            }
        }
        return n;
    }

    /** The q-quantile of the histogram (nearest rank), or NaN when empty. */
    double quantile(final double q) {
        final long n = samples();
        if (n == 0) {
            return Double.NaN;
        }
        final long rank = Math.max(1, (long) Math.ceil(q * n));
        long seen = 0;
        for (final Map.Entry<Integer, Long> e : histogram.entrySet()) {
            seen += e.getValue();
            if (seen >= rank) {
                return binValue(e.getKey());
            }
        }
        return binValue(histogram.lastKey());
    }
}
