package dev.vigil.alert;

import java.util.List;
import java.util.SortedMap;

/**
 * One alert in the {@code vigil.alert/v1} contract (see DESIGN.md). Times are epoch milliseconds of event time;
 * {@link AlertJson} renders them as ISO-8601 UTC.
 *
 * @param id        stable fingerprint of name + labels
 * @param status    firing or resolved
 * @param name      signature or rule id
 * @param kind      signature or rule
 * @param severity  critical, error, warning or info
 * @param source    log source
 * @param summary   one line a person reads first
 * @param diagnosis likely causes
 * @param runbook   runbook URL
 * @param labels    labels, sorted
 * @param value     observed value (rules), or null
 * @param threshold threshold (rules), or null
 * @param windowStart window start (rules), or null
 * @param windowEnd   window end (rules), or null
 * @param startsAt  when the episode started
 * @param endsAt    when it ended, or null while firing
 * @param count     matches (signatures) or evaluations over threshold (rules) in the episode so far
 * @param evidence  a few example lines
 */
public record Alert(String id, Status status, String name, Kind kind, String severity, String source,
                   String summary, String diagnosis, String runbook, SortedMap<String, String> labels, Double value,
                   Double threshold, Long windowStart, Long windowEnd, long startsAt, Long endsAt, long count,
                   List<Evidence> evidence) {

    /** The schema identifier written into every alert. */
    public static final String SCHEMA = "vigil.alert/v1";

    /** Alert status. */
    public enum Status {
        FIRING, RESOLVED;

        /** Lower-case JSON name. */
        public String id() {
            return this == FIRING ? "firing" : "resolved";
        }
    }

    /** What raised the alert. */
    public enum Kind {
        SIGNATURE, RULE;

        /** Lower-case JSON name. */
        public String id() {
            return this == SIGNATURE ? "signature" : "rule";
        }
    }

    /**
     * One evidence line.
     *
     * @param time event time, epoch ms
     * @param line the line, cleaned and capped at 512 chars
     */
    public record Evidence(long time, String line) {
    }
}
