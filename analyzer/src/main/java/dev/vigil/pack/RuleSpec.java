package dev.vigil.pack;

import dev.vigil.parse.Source;
import java.util.List;
import java.util.Map;

/**
 * A windowed rule loaded from {@code patterns/rules/<id>.yml}: what to count over event-time windows, per group,
 * and when that is a problem.
 *
 * @param id            stable id ({@code <source>_<name>} or {@code all_<name>} for cross-source rules)
 * @param title         headline
 * @param kind          count, ratio, quantile or absence
 * @param source        the source it is about, null for cross-source rules
 * @param severity      alert severity
 * @param match         which events count (count, quantile, absence; the denominator of a ratio)
 * @param numerator     which of the matched events are the numerator (ratio only), else null
 * @param field         numeric field (quantile only)
 * @param quantile      0 < q < 1 (quantile only)
 * @param groupBy       fields/labels the rule groups by
 * @param windowMillis  window length
 * @param hopMillis     hop (bucket width)
 * @param graceMillis   how late a line may arrive and still count
 * @param threshold     fire at value ≥ threshold (absence: silence ≥ window fires, threshold unused)
 * @param resolveThreshold clear when value < this (hysteresis; defaults to threshold)
 * @param minCount      minimum events in the window (ratio denominator, quantile samples) to evaluate
 * @param forMillis     condition must hold this long before firing
 * @param resolveAfterMillis condition must be false this long before resolving
 * @param lookbackMillis absence: a group counts as "normally speaking" when heard within this span
 * @param maxGroups     cap on active groups; beyond it the least recently updated group is evicted (counted)
 * @param summary       summary template ({@code {label}}, {@code {value}}, {@code {threshold}})
 * @param diagnosis     likely causes
 * @param runbook       runbook reference
 * @param tests         rule tests
 * @param file          pack-relative file
 */
public record RuleSpec(String id, String title, Kind kind, Source source, Severity severity, Selector match,
                       Selector numerator, String field, double quantile, List<String> groupBy, long windowMillis,
                       long hopMillis, long graceMillis, double threshold, double resolveThreshold, long minCount,
                       long forMillis, long resolveAfterMillis, long lookbackMillis, int maxGroups, String summary,
                       String diagnosis, String runbook, List<RuleTest> tests, String file) {

    /** Rule kinds. */
    public enum Kind { COUNT, RATIO, QUANTILE, ABSENCE }

    /**
     * Which events a rule looks at: any of the listed signatures matched (or no signature list), from one of the
     * sources (or any), and every condition holds.
     *
     * @param signatures signature ids, empty = any event
     * @param sources    sources, empty = any (or the rule's source)
     * @param when       field conditions
     */
    public record Selector(List<String> signatures, List<Source> sources, List<Condition> when) {
    }

    /**
     * One rule test: input lines placed on a timeline, and the alerts the rule must (or must not) raise.
     *
     * @param name   what it checks
     * @param input  input series
     * @param expect expected alerts in order (empty = nothing fires)
     * @param line   line in the rule file
     */
    public record RuleTest(String name, List<Input> input, List<Expected> expect, int line) {
    }

    /**
     * {@code n} copies of a line, the first at offset {@code atMillis}, then every {@code everyMillis}.
     *
     * @param atMillis    offset of the first copy
     * @param n           copies
     * @param everyMillis spacing
     * @param source      the line's source
     * @param line        the line in its native format (its own timestamp is replaced)
     */
    public record Input(long atMillis, int n, long everyMillis, Source source, String line) {
    }

    /**
     * An expected alert.
     *
     * @param status   firing or resolved
     * @param atMillis offset of startsAt (firing) or endsAt (resolved)
     * @param labels   labels it must carry (subset)
     */
    public record Expected(String status, long atMillis, Map<String, String> labels) {
    }
}
