package dev.vigil.rule;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.vigil.alert.SafeText;
import dev.vigil.parse.LogEvent;
import java.util.Map;
import java.util.Arrays;
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
    /** Evidence lines are cut to this many characters. */
    private static final int MAX_EXAMPLE_CHARS = 512;
    private static final int[] NO_BINS = new int[0];
    private static final long[] NO_COUNTS = new long[0];

    /** Events matched. */
    public long count;
    /** Events in the ratio's numerator (every event for the other kinds). */
    public long numerator;
    /**
     * The histogram, bin → samples (bin {@link Integer#MIN_VALUE} holds values ≤ 0): bins ascending in
     * {@link #bins}, their samples in {@link #counts}, the first {@link #binCount} in use. Stored as a JSON object
     * of bin → samples (see {@link #histogramForJson}).
     */
    @JsonIgnore
    private int[] bins = NO_BINS;
    @JsonIgnore
    private long[] counts = NO_COUNTS;
    @JsonIgnore
    private int binCount;
    /** Latest event time seen. */
    public long maxTime = Long.MIN_VALUE;
    /** Event time of the example line. */
    public long exampleTime;
    /** One line that counted (a numerator line for ratios, the largest value for quantiles); see {@link #example()}. */
    private String example;
    /**
     * The example's event while nobody has read the example yet: a quantile's largest value is overtaken several
     * times in a hop, and each cleaned copy of its line would be thrown away. Cleared (made text) on first read.
     */
    @JsonIgnore
    private transient LogEvent exampleEvent;
    /** Value of the example (quantile rules). */
    public double exampleValue = Double.NEGATIVE_INFINITY;

    /** Adds one event. */
    void add(final long time, final boolean inNumerator, final double value, final LogEvent e,
             final boolean wantValue) {
        count++;
        maxTime = Math.max(maxTime, time);
        if (inNumerator) {
            numerator++;
        }
        if (wantValue) {
            addToBin(bin(value), 1);
            if (value > exampleValue) {
                exampleValue = value;
                setExample(e, time);
            }
        } else if (example == null && exampleEvent == null && inNumerator) {
            setExample(e, time);
        }
    }

    private void setExample(final LogEvent e, final long time) {
        // a short line is kept as its event until read; a long one is cut now, so that a partial never holds more
        // than about one evidence line's worth of an attacker's input
        if (e == null || e.line().length() <= MAX_EXAMPLE_CHARS) {
            exampleEvent = e;
            example = null;
        } else {
            exampleEvent = null;
            example = SafeText.cleanMultiline(e.line(), MAX_EXAMPLE_CHARS);
        }
        exampleTime = time;
    }

    /** The example line, cleaned and capped for evidence; null when none. */
    public String example() {
        if (exampleEvent != null) {
            example = SafeText.cleanMultiline(exampleEvent.line(), MAX_EXAMPLE_CHARS);
            exampleEvent = null;
        }
        return example;
    }

    @JsonProperty("example")
    private String exampleForJson() {
        return example();
    }

    @JsonProperty("example")
    private void exampleFromJson(final String text) {
        example = text;
        exampleEvent = null;
    }

    /** Merges another aggregate into this one. */
    void merge(final Aggregate o) {
        count += o.count;
        numerator += o.numerator;
        maxTime = Math.max(maxTime, o.maxTime);
        for (int i = 0; i < o.binCount; i++) {
            addToBin(o.bins[i], o.counts[i]);
        }
        final String theirs = o.example();
        if (theirs != null && (example() == null || o.exampleValue > exampleValue)) {
            example = theirs;
            exampleTime = o.exampleTime;
            exampleValue = o.exampleValue;
        }
    }

    private void addToBin(final int bin, final long samples) {
        // a handful of bins, usually hit near where the last one was: binary search over the used part
        final int at = Arrays.binarySearch(bins, 0, binCount, bin);
        if (at >= 0) {
            counts[at] += samples;
            return;
        }
        final int insert = -at - 1;
        if (binCount == bins.length) {
            final int cap = Math.max(8, binCount * 2);
            bins = Arrays.copyOf(bins, cap);
            counts = Arrays.copyOf(counts, cap);
        }
        System.arraycopy(bins, insert, bins, insert + 1, binCount - insert);
        System.arraycopy(counts, insert, counts, insert + 1, binCount - insert);
        bins[insert] = bin;
        counts[insert] = samples;
        binCount++;
    }

    @JsonProperty("histogram")
    private TreeMap<Integer, Long> histogramForJson() {
        if (binCount == 0) {
            return null;
        }
        final TreeMap<Integer, Long> out = new TreeMap<>();
        for (int i = 0; i < binCount; i++) {
            out.put(bins[i], counts[i]);
        }
        return out;
    }

    @JsonProperty("histogram")
    private void histogramFromJson(final Map<Integer, Long> histogram) {
        bins = NO_BINS;
        counts = NO_COUNTS;
        binCount = 0;
        if (histogram != null) {
            for (final Map.Entry<Integer, Long> e : histogram.entrySet()) {
                addToBin(e.getKey(), e.getValue());
            }
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
        for (int i = 0; i < binCount; i++) {
            n += counts[i];
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
        for (int i = 0; i < binCount; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return binValue(bins[i]);
            }
        }
        return binValue(bins[binCount - 1]);
    }
}
