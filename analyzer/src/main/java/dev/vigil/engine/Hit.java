package dev.vigil.engine;

import dev.vigil.alert.SafeText;
import dev.vigil.match.Match;
import java.util.SortedMap;

/**
 * A signature match reduced to what the alert lifecycle needs; this is what crosses the repartition topic in
 * live mode, so it is small: the evidence line is already cleaned and capped.
 *
 * @param signature signature id
 * @param labels    sorted labels
 * @param time      event time, epoch ms
 * @param line      evidence line (≤ 512 chars, cleaned)
 */
public record Hit(String signature, SortedMap<String, String> labels, long time, String line) {

    /** Longest evidence line carried. */
    public static final int MAX_LINE = 512;

    /** The hit of a match at its event's time. */
    public static Hit of(final Match m) {
        return new Hit(m.signature().id(), m.labels(), m.event().time(),
            SafeText.cleanMultiline(m.event().line(), MAX_LINE));
    }
}
