package dev.vigil.pack;

import com.google.re2j.Pattern;
import dev.vigil.parse.Source;
import java.util.List;

/**
 * An immutable signature loaded from {@code patterns/signatures/<source>/<id>.yml}: what one log entry that
 * means trouble looks like, and what to tell the person who is paged for it.
 *
 * @param id           stable identifier, {@code <source>_<name>}
 * @param title        headline
 * @param status       maturity ({@code experimental|test|stable|deprecated})
 * @param source       the log source it applies to
 * @param severity     alert severity
 * @param regex        re2j pattern searched in the event message, or null for a field-only signature
 * @param groupNames   named groups of the regex, in pattern order
 * @param conditions   field conditions, all must hold
 * @param labelFields  event fields copied into labels
 * @param literals     prefilter literals (lower-case; the message must contain one), empty = no prefilter
 * @param summary      summary template with {@code {label}} placeholders
 * @param diagnosis    likely causes
 * @param runbook      runbook reference {@code file.md#anchor}
 * @param resolveAfterMillis quiet period before an episode resolves
 * @param falsePositives known benign causes
 * @param tags         free tags
 * @param examples     inline examples
 * @param file         pack-relative file it came from
 */
public record Signature(String id, String title, String status, Source source, Severity severity, Pattern regex,
                        List<String> groupNames, List<Condition> conditions, List<String> labelFields,
                        List<String> literals, String summary, String diagnosis, String runbook,
                        long resolveAfterMillis, List<String> falsePositives, List<String> tags,
                        List<Example> examples, String file) {

    /** Whether the regex has {@code _}-prefixed groups (captures for rules, not labels). */
    public boolean hasCaptures() {
        for (final String g : groupNames) {
            if (g.startsWith("_")) {
                return true;
            }
        }
        return false;
    }
}
