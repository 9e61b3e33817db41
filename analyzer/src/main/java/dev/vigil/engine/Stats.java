package dev.vigil.engine;

import java.util.Map;
import java.util.TreeMap;

/**
 * Counters of one engine instance: what came in, what was parsed, what was dead-lettered and why, what matched,
 * what alerted. Single-threaded (one per runner thread or stream task); {@link #add} merges them. Keys are
 * bounded: sources, reason codes, signature ids.
 */
public final class Stats {
    private final Map<String, long[]> read = new TreeMap<>();
    private final Map<String, long[]> parsed = new TreeMap<>();
    private final Map<String, long[]> deadLettered = new TreeMap<>();
    private final Map<String, long[]> matches = new TreeMap<>();
    private final Map<String, long[]> alerts = new TreeMap<>();
    private final Map<String, long[]> late = new TreeMap<>();
    private final Map<String, long[]> evicted = new TreeMap<>();
    private long truncated;

    private static void inc(final Map<String, long[]> m, final String key, final long n) {
        m.computeIfAbsent(key, k -> new long[1])[0] += n;
    }

    /** A record or line was read for this source ("unknown" before routing). */
    public void read(final String source) {
        inc(read, source, 1);
    }

    /** An entry was parsed. */
    public void parsed(final String source) {
        inc(parsed, source, 1);
    }

    /** A record went to the dead-letter output. */
    public void deadLettered(final String reason) {
        inc(deadLettered, reason, 1);
    }

    /** A signature matched. */
    public void matched(final String signature) {
        inc(matches, signature, 1);
    }

    /** An alert was emitted. */
    public void alerted(final String status) {
        inc(alerts, status, 1);
    }

    /** A line arrived later than a rule's grace and was left out of it. */
    public void late(final String rule) {
        inc(late, rule, 1);
    }

    /** A rule dropped a group to stay within its cardinality cap. */
    public void evicted(final String rule) {
        inc(evicted, rule, 1);
    }

    public Map<String, Long> lateByRule() {
        return view(late);
    }

    public Map<String, Long> evictedByRule() {
        return view(evicted);
    }

    /** A line was cut at the maximum length. */
    public void truncated() {
        truncated++;
    }

    private static Map<String, Long> view(final Map<String, long[]> m) {
        final Map<String, Long> out = new TreeMap<>();
        m.forEach((k, v) -> out.put(k, v[0]));
        return out;
    }

    private static long sum(final Map<String, long[]> m) {
        long s = 0;
        for (final long[] v : m.values()) {
            s += v[0];
        }
        return s;
    }

    public Map<String, Long> readBySource() {
        return view(read);
    }

    public Map<String, Long> parsedBySource() {
        return view(parsed);
    }

    public Map<String, Long> deadLetteredByReason() {
        return view(deadLettered);
    }

    public Map<String, Long> matchesBySignature() {
        return view(matches);
    }

    public Map<String, Long> alertsByStatus() {
        return view(alerts);
    }

    public long totalRead() {
        return sum(read);
    }

    public long totalParsed() {
        return sum(parsed);
    }

    public long totalDeadLettered() {
        return sum(deadLettered);
    }

    public long totalMatches() {
        return sum(matches);
    }

    public long totalAlerts() {
        return sum(alerts);
    }

    public long truncatedLines() {
        return truncated;
    }

    /** Adds another instance's counts into this one. */
    public void add(final Stats o) {
        o.read.forEach((k, v) -> inc(read, k, v[0]));
        o.parsed.forEach((k, v) -> inc(parsed, k, v[0]));
        o.deadLettered.forEach((k, v) -> inc(deadLettered, k, v[0]));
        o.matches.forEach((k, v) -> inc(matches, k, v[0]));
        o.alerts.forEach((k, v) -> inc(alerts, k, v[0]));
        o.late.forEach((k, v) -> inc(late, k, v[0]));
        o.evicted.forEach((k, v) -> inc(evicted, k, v[0]));
        truncated += o.truncated;
    }
}
