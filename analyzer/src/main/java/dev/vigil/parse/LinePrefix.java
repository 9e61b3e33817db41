package dev.vigil.parse;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A PostgreSQL {@code log_line_prefix} compiled into a small backtracking scanner. Escapes with a fixed shape
 * ({@code %t %m %s %n %p %l %x %c %e %Q %P}) are scanned by shape; free-text escapes ({@code %u %d %a %h %r %b %i
 * %v %L} and unknown ones) take the shortest text after which the rest of the prefix, and then a severity
 * ({@code LOG:  }), still match; user, database and host names ({@code %u %d %h %r}) never contain a space
 * unless padded. {@code %q} ends the prefix for non-session processes when a severity follows; {@code %%} is a
 * literal percent; padding such as {@code %-10u} or {@code %5p} is accepted (the spaces are skipped).
 */
final class LinePrefix {
    /** Free-text escapes never extend further than this from their start. */
    private static final int MAX_FREE = 256;
    private static final char LITERAL = 0;

    private final char[] codes;
    private final String[] literals;
    private final boolean[] padded;

    private LinePrefix(final char[] codes, final String[] literals, final boolean[] padded) {
        this.codes = codes;
        this.literals = literals;
        this.padded = padded;
    }

    /** Compiles a log_line_prefix value. */
    static LinePrefix compile(final String prefix) {
        final List<Character> codes = new ArrayList<>();
        final List<String> literals = new ArrayList<>();
        final List<Boolean> padded = new ArrayList<>();
        final StringBuilder lit = new StringBuilder();
        for (int i = 0; i < prefix.length(); i++) {
            final char c = prefix.charAt(i);
            if (c != '%' || i + 1 >= prefix.length()) {
                lit.append(c);
                continue;
            }
            int j = i + 1;
            if (prefix.charAt(j) == '%') {
                lit.append('%');
                i = j;
                continue;
            }
            if (prefix.charAt(j) == '-') {
                j++;
            }
            while (j < prefix.length() && Character.isDigit(prefix.charAt(j))) {
                j++;
            }
            if (j >= prefix.length()) {
                lit.append(prefix, i, prefix.length());
                break;
            }
            if (lit.length() > 0) {
                codes.add(LITERAL);
                literals.add(lit.toString());
                padded.add(false);
                lit.setLength(0);
            }
            codes.add(prefix.charAt(j));
            literals.add(null);
            padded.add(j > i + 1);
            i = j;
        }
        if (lit.length() > 0) {
            codes.add(LITERAL);
            literals.add(lit.toString());
            padded.add(false);
        }
        final char[] c = new char[codes.size()];
        final boolean[] pad = new boolean[c.length];
        for (int i = 0; i < c.length; i++) {
            c[i] = codes.get(i);
            pad[i] = padded.get(i);
        }
        return new LinePrefix(c, literals.toArray(new String[0]), pad);
    }

    /** Number of elements (each escape and each literal run is one). */
    int size() {
        return codes.length;
    }

    /** Escape code of element i, or 0 for a literal. */
    char code(final int i) {
        return codes[i];
    }

    /**
     * Matches the prefix at {@code pos}; on success returns the index where the severity word starts and fills
     * {@code cap} with [start, end) of every element (-1 when an element was skipped by {@code %q}).
     */
    int match(final String s, final int pos, final int[] cap) {
        Arrays.fill(cap, -1);
        return match(s, pos, 0, cap);
    }

    private int match(final String s, final int pos, final int el, final int[] cap) {
        if (el == codes.length) {
            return PostgresParser.severityEnd(s, pos) > 0 ? pos : -1;
        }
        final char code = codes[el];
        if (code == LITERAL) {
            final String lit = literals[el];
            if (!s.startsWith(lit, pos)) {
                return -1;
            }
            cap[2 * el] = pos;
            cap[2 * el + 1] = pos + lit.length();
            return match(s, pos + lit.length(), el + 1, cap);
        }
        if (code == 'q') {
            if (PostgresParser.severityEnd(s, pos) > 0) {
                return pos;
            }
            return match(s, pos, el + 1, cap);
        }
        int start = pos;
        if (padded[el]) {
            // left padding (%5p) puts spaces before the value
            while (start < s.length() && s.charAt(start) == ' ') {
                start++;
            }
        }
        final int fixedEnd = fixedShape(code, s, start);
        if (fixedEnd != -2) {
            if (fixedEnd < 0) {
                return -1;
            }
            cap[2 * el] = start;
            int after = fixedEnd;
            if (padded[el]) {
                // right padding (%-5p) puts spaces after it
                while (after < s.length() && s.charAt(after) == ' ' && !startsNext(s, after, el)) {
                    after++;
                }
            }
            cap[2 * el + 1] = fixedEnd;
            return match(s, after, el + 1, cap);
        }
        // free text: shortest first, bounded, never across a line break
        final int limit = Math.min(s.length(), pos + MAX_FREE);
        final String next = el + 1 < codes.length && codes[el + 1] == LITERAL ? literals[el + 1] : null;
        final boolean token = !padded[el] && (code == 'u' || code == 'd' || code == 'h' || code == 'r');
        for (int e = pos; e <= limit; e++) {
            if (e > pos && (s.charAt(e - 1) == '\n' || token && s.charAt(e - 1) == ' ')) {
                break;
            }
            if (next != null && !s.startsWith(next, e)) {
                continue;
            }
            cap[2 * el] = pos;
            cap[2 * el + 1] = e;
            final int r = match(s, e, el + 1, cap);
            if (r >= 0) {
                return r;
            }
        }
        cap[2 * el] = -1;
        cap[2 * el + 1] = -1;
        return -1;
    }

    /** Whether the literal following element el starts at pos. */
    private boolean startsNext(final String s, final int pos, final int el) {
        return el + 1 < codes.length && codes[el + 1] == LITERAL && s.startsWith(literals[el + 1], pos);
    }

    /** End of a fixed-shape escape at pos, -1 when it does not match, -2 when the escape is free text. */
    private static int fixedShape(final char code, final String s, final int pos) {
        switch (code) {
            case 't':
            case 's':
            case 'm': {
                if (Timestamps.dateTime19(s, pos, '-') == LogEvent.NO_TIME) {
                    return -1;
                }
                int p = pos + 19;
                if (code == 'm') {
                    final int fe = Timestamps.fractionEnd(s, p);
                    if (fe == p) {
                        return -1;
                    }
                    p = fe;
                }
                if (p >= s.length() || s.charAt(p) != ' ') {
                    return p;
                }
                int z = p + 1;
                while (z < s.length() && isZoneChar(s.charAt(z))) {
                    z++;
                }
                return z > p + 1 ? z : p;
            }
            case 'n': {
                int p = digitsEnd(s, pos);
                if (p == pos || p >= s.length() || s.charAt(p) != '.') {
                    return -1;
                }
                final int q = digitsEnd(s, p + 1);
                return q > p + 1 ? q : -1;
            }
            case 'p':
            case 'l':
            case 'x':
            case 'P': {
                final int p = digitsEnd(s, pos);
                return p > pos ? p : -1;
            }
            case 'Q': {
                final int start = pos < s.length() && s.charAt(pos) == '-' ? pos + 1 : pos;
                final int p = digitsEnd(s, start);
                return p > start ? p : -1;
            }
            case 'c': {
                int p = pos;
                while (p < s.length() && isHex(s.charAt(p))) {
                    p++;
                }
                if (p == pos || p >= s.length() || s.charAt(p) != '.') {
                    return -1;
                }
                final int q = p + 1;
                p = q;
                while (p < s.length() && isHex(s.charAt(p))) {
                    p++;
                }
                return p > q ? p : -1;
            }
            case 'e': {
                if (pos + 5 > s.length()) {
                    return -1;
                }
                for (int i = pos; i < pos + 5; i++) {
                    final char c = s.charAt(i);
                    if (!(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z')) {
                        return -1;
                    }
                }
                return pos + 5;
            }
            default:
                return -2;
        }
    }

    static boolean isZoneChar(final char c) {
        return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '-';
    }

    private static boolean isHex(final char c) {
        return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
    }

    private static int digitsEnd(final String s, final int from) {
        int p = from;
        while (p < s.length() && s.charAt(p) >= '0' && s.charAt(p) <= '9') {
            p++;
        }
        return p;
    }
}
