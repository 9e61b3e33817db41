package dev.vigil.pack;

import java.util.ArrayList;
import java.util.List;

/**
 * Derives a required literal from a regex for the matcher's prefilter: the longest run of plain characters that
 * every match must contain. Conservative by construction: it only reads the top level of the pattern (text
 * inside groups, classes and alternations is skipped; a character made optional by {@code ?}, {@code *} or
 * {@code {0,…}} is dropped), and a top-level alternation yields nothing. The loader also checks that every
 * matching example contains the literal, so a mistake here cannot hide a match silently.
 */
final class Literals {

    static final int MIN_LENGTH = 3;

    private Literals() {
    }

    /** The longest required literal (lower-cased), or null when none of at least {@link #MIN_LENGTH} chars. */
    static String derive(final String regex) {
        final List<String> runs = new ArrayList<>();
        StringBuilder run = new StringBuilder();
        int depth = 0;
        boolean inClass = false;
        int i = 0;
        final int n = regex.length();
        while (i < n) {
            final char c = regex.charAt(i);
            if (inClass) {
                if (c == '\\') {
                    i += 2;
                    continue;
                }
                if (c == ']') {
                    inClass = false;
                }
                i++;
                continue;
            }
            if (c == '[') {
                inClass = true;
                run = flush(runs, run);
                i++;
                // a ']' right after '[' or '[^' is a literal member
                if (i < n && regex.charAt(i) == '^') {
                    i++;
                }
                if (i < n && regex.charAt(i) == ']') {
                    i++;
                }
                continue;
            }
            if (c == '(') {
                depth++;
                run = flush(runs, run);
                i++;
                continue;
            }
            if (c == ')') {
                depth = Math.max(0, depth - 1);
                run = flush(runs, run);
                i = skipQuantifier(regex, i + 1);
                continue;
            }
            if (depth > 0) {
                if (c == '\\') {
                    i += 2;
                } else {
                    i++;
                }
                continue;
            }
            if (c == '|') {
                return null;
            }
            final char literal;
            int next;
            if (c == '\\') {
                if (i + 1 >= n) {
                    break;
                }
                final char e = regex.charAt(i + 1);
                if (Character.isLetterOrDigit(e)) {
                    // \d \s \w \b \Q … : not a plain character
                    run = flush(runs, run);
                    i = skipQuantifier(regex, i + 2);
                    continue;
                }
                literal = e;
                next = i + 2;
            } else if (".^$*+?{}".indexOf(c) >= 0) {
                run = flush(runs, run);
                i++;
                continue;
            } else {
                literal = c;
                next = i + 1;
            }
            final char q = next < n ? regex.charAt(next) : 0;
            if (q == '?' || q == '*' || q == '{' && next + 1 < n && regex.charAt(next + 1) == '0') {
                run = flush(runs, run);
                i = skipQuantifier(regex, next);
                continue;
            }
            run.append(Character.toLowerCase(literal));
            if (q == '+' || q == '{') {
                run = flush(runs, run);
                i = skipQuantifier(regex, next);
                continue;
            }
            i = next;
        }
        flush(runs, run);
        String best = null;
        for (final String r : runs) {
            if (r.length() >= MIN_LENGTH && (best == null || r.length() > best.length())) {
                best = r;
            }
        }
        return best;
    }

    private static StringBuilder flush(final List<String> runs, final StringBuilder run) {
        if (run.length() > 0) {
            runs.add(run.toString());
            return new StringBuilder();
        }
        return run;
    }

    private static int skipQuantifier(final String regex, final int from) {
        int i = from;
        if (i < regex.length()) {
            final char q = regex.charAt(i);
            if (q == '?' || q == '*' || q == '+') {
                i++;
            } else if (q == '{') {
                final int close = regex.indexOf('}', i);
                i = close < 0 ? regex.length() : close + 1;
            }
            if (i < regex.length() && (regex.charAt(i) == '?' || regex.charAt(i) == '+') && i > from) {
                i++;
            }
        }
        return i;
    }
}
