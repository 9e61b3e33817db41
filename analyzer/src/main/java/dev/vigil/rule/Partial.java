package dev.vigil.rule;

import java.util.SortedMap;

/**
 * A pre-aggregated slice of a rule's input: one rule, one group, one hop. The front end sends these instead of
 * one record per log line, which keeps the repartition topic small.
 *
 * @param rule        rule id
 * @param labels      group labels
 * @param bucketStart start of the hop, epoch ms
 * @param aggregate   what was seen
 */
public record Partial(String rule, SortedMap<String, String> labels, long bucketStart, Aggregate aggregate) {
}
