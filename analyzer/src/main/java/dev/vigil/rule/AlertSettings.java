package dev.vigil.rule;

/**
 * Settings of the alert lifecycle.
 *
 * @param runbookBase     base URL prefixed to a runbook reference ({@code <base>/nginx.md#id})
 * @param renotifyMillis  re-send a firing alert with updated counters after this much event time (0 = never)
 * @param maxEvidence     evidence lines kept per episode
 * @param maxEvidenceChars longest evidence line kept
 */
public record AlertSettings(String runbookBase, long renotifyMillis, int maxEvidence, int maxEvidenceChars) {

    /** Defaults: runbooks relative to {@code base}, renotify every 4 h, 3 evidence lines of ≤ 512 chars. */
    public static AlertSettings defaults(final String runbookBase) {
        return new AlertSettings(runbookBase, 4 * 3_600_000L, 3, 512);
    }

    /** Same settings with another renotify period. */
    public AlertSettings withRenotify(final long millis) {
        return new AlertSettings(runbookBase, millis, maxEvidence, maxEvidenceChars);
    }

    /** Runbook URL of a {@code file.md#anchor} reference. */
    public String runbookUrl(final String ref) {
        if (runbookBase == null || runbookBase.isEmpty()) {
            return ref;
        }
        return runbookBase.endsWith("/") ? runbookBase + ref : runbookBase + "/" + ref;
    }
}
