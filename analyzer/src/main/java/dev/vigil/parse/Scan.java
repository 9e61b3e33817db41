package dev.vigil.parse;

import java.util.Map;

/** Small scanning helpers shared by the parsers (no regex, no allocation unless a value is returned). */
public final class Scan {
    private Scan() {
    }

    /**
     * Whether {@code s} contains {@code lower} (already lower case), ignoring ASCII case: no lower-case copy of
     * {@code s} (rule conditions' literal prefilter, syslog identifiers).
     */
    public static boolean containsIgnoreCase(final String s, final String lower) {
        final int n = lower.length();
        final char first = lower.charAt(0);
        for (int i = 0, last = s.length() - n; i <= last; i++) {
            final char c = s.charAt(i);
            if ((c == first || c + 32 == first && c >= 'A' && c <= 'Z') && s.regionMatches(true, i, lower, 0, n)) {
                return true;
            }
        }
        return false;
    }

    /** Boxed whole numbers below 1024 (HTTP statuses), made once: the parsers box a status on every line. */
    private static final Long[] SMALL = new Long[1024];

    static {
        for (int i = 0; i < SMALL.length; i++) {
            SMALL[i] = (long) i;
        }
    }

    /** {@code v} boxed, shared for values in 0..1023. */
    static Long boxed(final long v) {
        return v >= 0 && v < SMALL.length ? SMALL[(int) v] : Long.valueOf(v);
    }

    /** Non-negative decimal in [from, to), or -1. */
    static long parseLong(final String s, final int from, final int to) {
        if (to <= from || to - from > 18) {
            return -1;
        }
        long v = 0;
        for (int i = from; i < to; i++) {
            final char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    /**
     * The last decimal number of a list in [from, to) ({@code 0.1}, {@code 0.1,}, {@code 0.1, 0.2},
     * {@code 0.1 : 0.2}); NaN when the range holds anything else or only dashes.
     */
    static double lastNumber(final String s, final int from, final int to) {
        double last = Double.NaN;
        int p = from;
        boolean any = false;
        while (p < to) {
            final char c = s.charAt(p);
            if (c == ' ' || c == ',' || c == ':') {
                p++;
                continue;
            }
            if (c == '-') {
                p++;
                any = true;
                last = Double.NaN;
                continue;
            }
            if (c < '0' || c > '9') {
                return Double.NaN;
            }
            long whole = 0;
            while (p < to && s.charAt(p) >= '0' && s.charAt(p) <= '9') {
                whole = whole * 10 + (s.charAt(p) - '0');
                p++;
            }
            double v = whole;
            if (p < to && s.charAt(p) == '.') {
                p++;
                double scale = 0.1;
                while (p < to && s.charAt(p) >= '0' && s.charAt(p) <= '9') {
                    v += (s.charAt(p) - '0') * scale;
                    scale /= 10;
                    p++;
                }
            }
            if (p < to && s.charAt(p) != ' ' && s.charAt(p) != ',' && s.charAt(p) != ':') {
                return Double.NaN;
            }
            last = roundMicros(v);
            any = true;
        }
        return any ? last : Double.NaN;
    }

    private static double roundMicros(final double v) {
        return Math.round(v * 1_000_000.0) / 1_000_000.0;
    }

    /** Index of the closing quote of the string opened at {@code open}; backslash escapes are skipped. */
    static int quoteEnd(final String s, final int open) {
        for (int i = open + 1; i < s.length(); i++) {
            final char c = s.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '"') {
                return i;
            }
        }
        return -1;
    }

    /** The methods and protocols nearly every request has: taken as constants instead of copied out per line. */
    private static final String[] METHODS = {"GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "PATCH"};
    private static final String[] PROTOCOLS = {"HTTP/1.1", "HTTP/2.0", "HTTP/1.0", "HTTP/2", "HTTP/3", "HTTP/3.0"};

    /** {@code s[from, to)}: one of {@code common} when it is that text, else a copy. */
    private static String known(final String[] common, final String s, final int from, final int to) {
        final int len = to - from;
        for (final String c : common) {
            if (c.length() == len && s.startsWith(c, from)) {
                return c;
            }
        }
        return s.substring(from, to);
    }

    /** Splits {@code METHOD URI [PROTOCOL]} into method, path, query, protocol; leaves them out if malformed. */
    static void putRequestParts(final Map<String, Object> f, final String request) {
        final int sp1 = request.indexOf(' ');
        if (sp1 <= 0 || sp1 > 32) {
            return;
        }
        for (int i = 0; i < sp1; i++) {
            final char c = request.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c == '_' || c == '-')) {
                return;
            }
        }
        final int sp2 = request.lastIndexOf(' ');
        final int uriEnd;
        String protocol = null;
        if (sp2 > sp1 && request.startsWith("HTTP/", sp2 + 1)) {
            uriEnd = sp2;
            protocol = known(PROTOCOLS, request, sp2 + 1, request.length());
        } else if (sp2 > sp1) {
            return;
        } else {
            uriEnd = request.length();
        }
        if (uriEnd <= sp1 + 1) {
            return;
        }
        f.put("method", known(METHODS, request, 0, sp1));
        final int q = request.indexOf('?', sp1 + 1);
        if (q >= 0 && q < uriEnd) {
            f.put("path", request.substring(sp1 + 1, q));
            if (q + 1 < uriEnd) {
                f.put("query", request.substring(q + 1, uriEnd));
            }
        } else {
            f.put("path", request.substring(sp1 + 1, uriEnd));
        }
        if (protocol != null) {
            f.put("protocol", protocol);
        }
    }

    /** Drops trailing empty (or blank) lines; trailing spaces of the last real line are kept. */
    static String trimTrailingBlankLines(final String s) {
        int end = s.length();
        while (end > 0) {
            final char c = s.charAt(end - 1);
            if (c == '\n' || c == '\r' || c == ' ' || c == '\t') {
                end--;
            } else {
                break;
            }
        }
        if (end == s.length()) {
            return s;
        }
        final int nl = s.indexOf('\n', end);
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** The text cut to 200 chars for exception messages. */
    static String abbreviate(final String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }
}
