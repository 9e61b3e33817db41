package dev.vigil.bridge;

import java.util.Locale;

/**
 * Escaping for Slack. Slack reads {@code <...>} as control sequences: {@code <!channel>}, {@code <!here>},
 * {@code <@U123>} mention people and {@code <https://evil|click>} shows a link whose target is hidden. Slack's rule
 * is to escape exactly {@code &}, {@code <} and {@code >} as HTML entities; Slack decodes those three for display.
 * On top of that this class
 * <ul>
 *   <li>replaces every backtick with U+02CB (ˋ), so nothing from a log line can open or close a code span or
 *       break out of the evidence code block;</li>
 *   <li>puts a word joiner after the {@code @} of {@code @channel}, {@code @here} and {@code @everyone}, in case a
 *       workspace or a relay turns plain {@code @here} into a mention (messages are also sent with
 *       {@code link_names} off);</li>
 *   <li>removes terminal escapes and control characters ({@link LogText}) and caps the length without cutting an
 *       entity in half.</li>
 * </ul>
 */
final class SlackText {
    /** Lookalike of the backtick that mrkdwn does not treat as code. */
    static final char BACKTICK_LOOKALIKE = '\u02CB';
    private static final char WORD_JOINER = '\u2060';
    private static final String ELLIPSIS = "…";

    private SlackText() {
    }

    /** Escaped mrkdwn text from a log line on one line, at most {@code max} chars. */
    static String escape(final String raw, final int max) {
        return escapeClean(LogText.line(raw, max), max);
    }

    /** Escaped mrkdwn text that may span lines (evidence), at most {@code max} chars. */
    static String escapeMultiline(final String raw, final int max) {
        return escapeClean(LogText.multiline(raw, max), max);
    }

    /**
     * Text for a {@code plain_text} object (header, button): Slack does not parse markup there, and whether it
     * decodes entities is not specified, so {@code < > &} become lookalikes instead of entities.
     */
    static String plain(final String raw, final int max) {
        final String s = LogText.line(raw, max);
        final StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            final char c = s.charAt(i);
            switch (c) {
                case '<': sb.append('\u2039'); break;
                case '>': sb.append('\u203A'); break;
                case '&': sb.append('\uFF06'); break;
                case '`': sb.append(BACKTICK_LOOKALIKE); break;
                default: sb.append(c);
            }
        }
        return sb.length() <= max ? sb.toString() : sb.substring(0, max - 1) + ELLIPSIS;
    }

    private static String escapeClean(final String s, final int max) {
        final StringBuilder sb = new StringBuilder(Math.min(s.length() + 16, max + 8));
        for (int i = 0; i < s.length(); i++) {
            final String unit = unit(s, i);
            // keep room for the ellipsis when more follows
            final int room = i + 1 < s.length() ? max - 1 : max;
            if (sb.length() + unit.length() > room) {
                return sb.append(ELLIPSIS).toString();
            }
            sb.append(unit);
        }
        return sb.toString();
    }

    private static String unit(final String s, final int i) {
        final char c = s.charAt(i);
        switch (c) {
            case '&': return "&amp;";
            case '<': return "&lt;";
            case '>': return "&gt;";
            case '`': return String.valueOf(BACKTICK_LOOKALIKE);
            case '@': return broadcastFollows(s, i + 1) ? "@" + WORD_JOINER : "@";
            default:
                if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    return ""; // emitted with its low half below, so a cap never splits the pair
                }
                if (Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(s.charAt(i - 1))) {
                    return new String(new char[] {s.charAt(i - 1), c});
                }
                return String.valueOf(c);
        }
    }

    private static boolean broadcastFollows(final String s, final int from) {
        final String rest = s.substring(from, Math.min(s.length(), from + 8)).toLowerCase(Locale.ROOT);
        return rest.startsWith("channel") || rest.startsWith("here") || rest.startsWith("everyone");
    }
}
