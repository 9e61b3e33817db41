package dev.vigil.alert;

/**
 * Neutralises text that came from a log line before it goes anywhere a person or a program reads it: control
 * characters (C0 except tab, DEL, C1 — which carry terminal escape sequences) and unpaired surrogates become
 * U+FFFD, and the result is capped. Channel-specific escaping (Slack mentions, Markdown) is the bridges' job.
 */
public final class SafeText {
    private SafeText() {
    }

    /** Cleans and caps {@code s} at {@code max} chars (appending "…" when cut); null stays null. */
    public static String clean(final String s, final int max) {
        if (s == null) {
            return null;
        }
        final int len = Math.min(s.length(), max);
        StringBuilder sb = null;
        for (int i = 0; i < len; i++) {
            final char c = s.charAt(i);
            final boolean bad = c < 0x20 && c != '\t' || c >= 0x7f && c <= 0x9f
                || Character.isSurrogate(c) && !validSurrogate(s, i);
            if (bad && sb == null) {
                sb = new StringBuilder(len + 1).append(s, 0, i);
            }
            if (sb != null) {
                sb.append(bad ? '\uFFFD' : c);
            }
        }
        if (sb == null) {
            return s.length() <= max ? s : s.substring(0, cutPoint(s, max)) + "…";
        }
        if (s.length() > max) {
            sb.setLength(cutPoint(sb, Math.min(sb.length(), max)));
            sb.append('…');
        }
        return sb.toString();
    }

    /** Like {@link #clean} but keeps newlines (multi-line evidence). */
    public static String cleanMultiline(final String s, final int max) {
        if (s == null || s.indexOf('\n') < 0) {
            return clean(s, max);
        }
        final String[] parts = s.split("\n", -1);
        final StringBuilder sb = new StringBuilder();
        for (final String p : parts) {
            if (sb.length() > 0) {
                sb.append('\n');
            }
            sb.append(clean(p, max));
            if (sb.length() >= max) {
                break;
            }
        }
        return sb.length() <= max ? sb.toString() : sb.substring(0, cutPoint(sb, max)) + "…";
    }

    private static boolean validSurrogate(final String s, final int i) {
        final char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }

    private static int cutPoint(final CharSequence s, final int max) {
        return max > 0 && Character.isHighSurrogate(s.charAt(max - 1)) ? max - 1 : max;
    }
}
