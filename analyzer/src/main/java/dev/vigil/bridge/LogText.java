package dev.vigil.bridge;

import dev.vigil.alert.SafeText;
import java.util.regex.Pattern;

/**
 * Text that came from a log line, made fit for any target: terminal escape sequences removed whole (so
 * {@code ESC[31m} does not leave {@code [31m} behind), remaining control characters replaced by
 * {@link SafeText#clean}, and the length capped. Target-specific escaping (Slack) comes on top.
 */
final class LogText {
    /** CSI ({@code ESC [ ... final}), OSC ({@code ESC ] ... BEL|ST}) and two-character escapes. */
    private static final Pattern ANSI =
        Pattern.compile("\u001B(?:\\[[0-?]*[ -/]*[@-~]?|\\][^\u0007\u001B]*(?:\u0007|\u001B\\\\)?|[ -~]?)");

    private LogText() {
    }

    /**
     * One line: escapes stripped, control characters replaced, capped at {@code max} chars including the "…" that
     * marks a cut; null becomes "".
     */
    static String line(final String s, final int max) {
        if (s == null) {
            return "";
        }
        final String t = stripAnsi(s, max);
        // SafeText appends "…" after max chars; leave room for it so the result is never longer than max
        return SafeText.clean(t, t.length() <= max ? max : max - 1);
    }

    /** Like {@link #line} but keeps newlines. */
    static String multiline(final String s, final int max) {
        if (s == null) {
            return "";
        }
        final String t = stripAnsi(s, max);
        return SafeText.cleanMultiline(t, t.length() <= max ? max : max - 1);
    }

    /** Cuts {@code s} to at most {@code max} chars, ending in "…" when cut, never inside a surrogate pair. */
    static String cap(final String s, final int max) {
        if (s.length() <= max) {
            return s;
        }
        int cut = max - 1;
        if (cut > 0 && Character.isHighSurrogate(s.charAt(cut - 1))) {
            cut--;
        }
        return s.substring(0, cut) + "…";
    }

    private static String stripAnsi(final String s, final int max) {
        // Work on a bounded prefix: stripping only shortens, so 4x the cap leaves room for escape-heavy lines
        // while a 100 kB line costs no more than a short one.
        final String head = s.length() > 4L * max + 16 ? s.substring(0, 4 * max + 16) : s;
        return head.indexOf('\u001B') < 0 ? head : ANSI.matcher(head).replaceAll("");
    }
}
