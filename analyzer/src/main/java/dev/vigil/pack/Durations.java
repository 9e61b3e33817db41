package dev.vigil.pack;

import java.util.Locale;

/** Parses Prometheus-style durations: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h30m}, {@code 2d}. */
public final class Durations {
    private Durations() {
    }

    /**
     * Duration in milliseconds.
     *
     * @throws IllegalArgumentException with a user-facing message when the text is not a duration
     */
    public static long parseMillis(final String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty duration");
        }
        final String s = text.trim().toLowerCase(Locale.ROOT);
        long total = 0;
        int i = 0;
        boolean any = false;
        while (i < s.length()) {
            final int start = i;
            while (i < s.length() && Character.isDigit(s.charAt(i))) {
                i++;
            }
            if (i == start || i - start > 12) {
                throw new IllegalArgumentException("'" + text + "' is not a duration (use e.g. 30s, 5m, 1h30m)");
            }
            final long n = Long.parseLong(s.substring(start, i));
            final int unitStart = i;
            while (i < s.length() && Character.isLetter(s.charAt(i))) {
                i++;
            }
            final String unit = s.substring(unitStart, i);
            if (unit.isEmpty()) {
                throw new IllegalArgumentException("'" + text + "' is not a duration (use e.g. 30s, 5m, 1h30m)");
            }
            final long factor;
            switch (unit) {
                case "ms": factor = 1; break;
                case "s": factor = 1_000; break;
                case "m": factor = 60_000; break;
                case "h": factor = 3_600_000; break;
                case "d": factor = 86_400_000; break;
                case "w": factor = 7 * 86_400_000L; break;
                default:
                    throw new IllegalArgumentException("'" + text + "' has unknown unit '" + unit
                        + "' (use ms, s, m, h, d or w)");
            }
            total = Math.addExact(total, Math.multiplyExact(n, factor));
            any = true;
        }
        if (!any) {
            throw new IllegalArgumentException("'" + text + "' is not a duration");
        }
        return total;
    }

    /** Formats milliseconds back to the shortest Prometheus-style text ({@code 90000} → {@code 1m30s}). */
    public static String format(final long millis) {
        if (millis == 0) {
            return "0s";
        }
        final StringBuilder sb = new StringBuilder();
        long rest = millis;
        final long[] f = {86_400_000L, 3_600_000L, 60_000L, 1_000L, 1L};
        final String[] u = {"d", "h", "m", "s", "ms"};
        for (int k = 0; k < f.length; k++) {
            if (rest >= f[k]) {
                sb.append(rest / f[k]).append(u[k]);
                rest %= f[k];
            }
        }
        return sb.toString();
    }
}
