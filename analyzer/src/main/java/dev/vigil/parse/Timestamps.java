package dev.vigil.parse;

import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Allocation-light timestamp arithmetic shared by the envelope decoder and the parsers: calendar fields to epoch
 * milliseconds without {@code java.time} objects on the fast path, ISO-8601 and epoch-number parsing, and the
 * small table of time-zone abbreviations that PostgreSQL and others print ({@code UTC}, {@code CEST}, {@code PDT}).
 *
 * <p>All methods return {@link LogEvent#NO_TIME} instead of throwing when the input is not a timestamp.
 */
public final class Timestamps {

    /** Returned by {@link #zoneOffsetSeconds} for a zone it does not know. */
    public static final int UNKNOWN_ZONE = Integer.MIN_VALUE;

    private static final long MS_PER_DAY = 86_400_000L;

    /**
     * Abbreviations as PostgreSQL's "Default" timezone_abbreviations set resolves them (so CST is US Central,
     * IST is Israel). Anything else is unknown and callers fall back to UTC and say so.
     */
    private static final Map<String, Integer> ABBREVIATIONS = new HashMap<>();

    static {
        final Object[][] table = {
            {"UTC", 0}, {"GMT", 0}, {"UT", 0}, {"Z", 0}, {"WET", 0}, {"WEST", 60}, {"BST", 60},
            {"CET", 60}, {"CEST", 120}, {"MET", 60}, {"MEST", 120}, {"EET", 120}, {"EEST", 180},
            {"MSK", 180}, {"IST", 120}, {"IDT", 180},
            {"EST", -300}, {"EDT", -240}, {"CST", -360}, {"CDT", -300}, {"MST", -420}, {"MDT", -360},
            {"PST", -480}, {"PDT", -420}, {"AKST", -540}, {"AKDT", -480}, {"HST", -600}, {"NST", -210},
            {"NDT", -150}, {"AST", -240}, {"ADT", -180},
            {"JST", 540}, {"KST", 540}, {"HKT", 480}, {"SGT", 480}, {"AWST", 480}, {"ACST", 570},
            {"ACDT", 630}, {"AEST", 600}, {"AEDT", 660}, {"NZST", 720}, {"NZDT", 780},
        };
        for (final Object[] row : table) {
            ABBREVIATIONS.put((String) row[0], ((Integer) row[1]) * 60);
        }
    }

    private Timestamps() {
    }

    /**
     * Epoch milliseconds of a UTC calendar time, or {@link LogEvent#NO_TIME} when a field is out of range.
     * Uses the proleptic Gregorian calendar (days-from-civil), no allocation.
     */
    public static long utcMillis(final int year, final int month, final int day, final int hour, final int minute,
                                 final int second, final int millis) {
        if (month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0 || minute > 59
            || second < 0 || second > 60 || millis < 0 || millis > 999 || year < 1 || year > 9999) {
            return LogEvent.NO_TIME;
        }
        return daysFromCivil(year, month, day) * MS_PER_DAY
            + ((hour * 60L + minute) * 60L + second) * 1000L + millis;
    }

    static long daysFromCivil(final int year, final int month, final int day) {
        final int y = month <= 2 ? year - 1 : year;
        final long era = (y >= 0 ? y : y - 399) / 400;
        final long yoe = y - era * 400;
        final long doy = (153L * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
        final long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146_097 + doe - 719_468;
    }

    /** The UTC calendar year of an epoch-millisecond instant. */
    public static int yearOf(final long epochMillis) {
        final long days = Math.floorDiv(epochMillis, MS_PER_DAY);
        final long z = days + 719_468;
        final long era = (z >= 0 ? z : z - 146_096) / 146_097;
        final long doe = z - era * 146_097;
        final long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        final long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        final long mp = (5 * doy + 2) / 153;
        final long month = mp < 10 ? mp + 3 : mp - 9;
        return (int) (yoe + era * 400 + (month <= 2 ? 1 : 0));
    }

    /**
     * Converts a wall-clock time, given as the epoch millis it would have in UTC, to a real instant in
     * {@code zone}. Fixed offsets (the default, UTC) cost nothing; region zones consult the zone rules.
     */
    public static long localToEpoch(final long localAsUtcMillis, final ZoneId zone) {
        if (localAsUtcMillis == LogEvent.NO_TIME) {
            return LogEvent.NO_TIME;
        }
        if (zone == null || zone == ZoneOffset.UTC) {
            return localAsUtcMillis;
        }
        final int offsetSeconds;
        if (zone instanceof ZoneOffset) {
            offsetSeconds = ((ZoneOffset) zone).getTotalSeconds();
        } else {
            final long secs = Math.floorDiv(localAsUtcMillis, 1000L);
            final int nanos = (int) Math.floorMod(localAsUtcMillis, 1000L) * 1_000_000;
            offsetSeconds = zone.getRules()
                .getOffset(LocalDateTime.ofEpochSecond(secs, nanos, ZoneOffset.UTC)).getTotalSeconds();
        }
        return localAsUtcMillis - offsetSeconds * 1000L;
    }

    /** Parses {@code len} ASCII digits at {@code off}; -1 when any is not a digit or the range is out of bounds. */
    public static int digits(final CharSequence s, final int off, final int len) {
        if (off < 0 || off + len > s.length()) {
            return -1;
        }
        int v = 0;
        for (int i = off; i < off + len; i++) {
            final char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    /**
     * Parses the 19 characters {@code YYYY?MM?DD?HH:MM:SS} at {@code off}, where the date separator is
     * {@code dateSep} and the date/time separator is {@code ' '} or {@code 'T'}; returns the time as epoch millis
     * in UTC (the caller applies the zone), or NO_TIME.
     */
    public static long dateTime19(final CharSequence s, final int off, final char dateSep) {
        if (off + 19 > s.length() || s.charAt(off + 4) != dateSep || s.charAt(off + 7) != dateSep
            || s.charAt(off + 13) != ':' || s.charAt(off + 16) != ':') {
            return LogEvent.NO_TIME;
        }
        final char t = s.charAt(off + 10);
        if (t != ' ' && t != 'T' && t != 't') {
            return LogEvent.NO_TIME;
        }
        final int year = digits(s, off, 4);
        final int month = digits(s, off + 5, 2);
        final int day = digits(s, off + 8, 2);
        final int hour = digits(s, off + 11, 2);
        final int minute = digits(s, off + 14, 2);
        final int second = digits(s, off + 17, 2);
        if ((year | month | day | hour | minute | second) < 0) {
            return LogEvent.NO_TIME;
        }
        return utcMillis(year, month, day, hour, minute, second, 0);
    }

    /** Index just after an optional fraction ({@code .123456} or {@code ,123}) starting at {@code off}. */
    public static int fractionEnd(final CharSequence s, final int off) {
        if (off < s.length() && (s.charAt(off) == '.' || s.charAt(off) == ',')) {
            int i = off + 1;
            while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                i++;
            }
            return i > off + 1 ? i : off;
        }
        return off;
    }

    /** Milliseconds of a fraction spanning [off, end) including its leading separator; 0 if none. */
    public static int fractionMillis(final CharSequence s, final int off, final int end) {
        int ms = 0;
        int scale = 100;
        for (int i = off + 1; i < end && scale > 0; i++) {
            ms += (s.charAt(i) - '0') * scale;
            scale /= 10;
        }
        return ms;
    }

    /**
     * Offset in seconds of a zone designator occupying [start, end): {@code Z}, {@code +02}, {@code +0530},
     * {@code +05:30} or an abbreviation from the table. Returns {@link #UNKNOWN_ZONE} for anything else
     * (including forms such as {@code UTC+2}).
     */
    public static int zoneOffsetSeconds(final CharSequence s, final int start, final int end) {
        final int len = end - start;
        if (len <= 0) {
            return UNKNOWN_ZONE;
        }
        final char c = s.charAt(start);
        if (c == '+' || c == '-') {
            final int sign = c == '-' ? -1 : 1;
            int hours;
            int minutes = 0;
            if (len == 3) {
                hours = digits(s, start + 1, 2);
            } else if (len == 5) {
                hours = digits(s, start + 1, 2);
                minutes = digits(s, start + 3, 2);
            } else if (len == 6 && s.charAt(start + 3) == ':') {
                hours = digits(s, start + 1, 2);
                minutes = digits(s, start + 4, 2);
            } else {
                return UNKNOWN_ZONE;
            }
            if (hours < 0 || minutes < 0 || hours > 18 || minutes > 59) {
                return UNKNOWN_ZONE;
            }
            return sign * (hours * 3600 + minutes * 60);
        }
        if (len == 1 && (c == 'Z' || c == 'z')) {
            return 0;
        }
        if (len > 6) {
            return UNKNOWN_ZONE;
        }
        final Integer off = ABBREVIATIONS.get(s.subSequence(start, end).toString().toUpperCase(Locale.ROOT));
        return off == null ? UNKNOWN_ZONE : off;
    }

    /**
     * Parses an ISO-8601-like timestamp: {@code YYYY-MM-DD[T ]HH:MM:SS[.fraction][zone]} where zone is
     * {@code Z}, a numeric offset or (after a space) an abbreviation. A missing or unknown zone means
     * {@code defaultZone}. Returns NO_TIME when the text is not such a timestamp.
     */
    public static long parseIso(final CharSequence s, final ZoneId defaultZone) {
        if (s == null) {
            return LogEvent.NO_TIME;
        }
        final long local = dateTime19(s, 0, '-');
        if (local == LogEvent.NO_TIME) {
            return LogEvent.NO_TIME;
        }
        final int fracEnd = fractionEnd(s, 19);
        final long withFrac = local + fractionMillis(s, 19, fracEnd);
        int zs = fracEnd;
        if (zs < s.length() && s.charAt(zs) == ' ') {
            zs++;
        }
        int ze = zs;
        while (ze < s.length() && s.charAt(ze) != ' ') {
            ze++;
        }
        if (ze == zs) {
            return localToEpoch(withFrac, defaultZone);
        }
        final int off = zoneOffsetSeconds(s, zs, ze);
        if (off == UNKNOWN_ZONE) {
            return localToEpoch(withFrac, defaultZone);
        }
        return withFrac - off * 1000L;
    }

    /**
     * Converts an epoch number to milliseconds, guessing the unit from its magnitude: seconds (with fraction)
     * below 1e11, milliseconds below 1e14, microseconds below 1e17, nanoseconds above.
     */
    public static long fromEpochNumber(final double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return LogEvent.NO_TIME;
        }
        final double a = Math.abs(v);
        if (a < 1e11) {
            return Math.round(v * 1000.0);
        }
        if (a < 1e14) {
            return Math.round(v);
        }
        if (a < 1e17) {
            return Math.round(v / 1000.0);
        }
        return Math.round(v / 1_000_000.0);
    }

    /**
     * Parses a textual timestamp as shippers write it: ISO-8601 (zone optional, UTC assumed) or an epoch
     * number in seconds, milliseconds, microseconds or nanoseconds. NO_TIME when it is neither.
     */
    public static long parseFlexible(final String s) {
        if (s == null || s.isEmpty()) {
            return LogEvent.NO_TIME;
        }
        final char c = s.charAt(0);
        if (s.length() >= 19 && c >= '0' && c <= '9' && s.charAt(4) == '-') {
            return parseIso(s, ZoneOffset.UTC);
        }
        if ((c >= '0' && c <= '9') || c == '-') {
            for (int i = 1; i < s.length(); i++) {
                final char d = s.charAt(i);
                if ((d < '0' || d > '9') && d != '.') {
                    return LogEvent.NO_TIME;
                }
            }
            try {
                return fromEpochNumber(Double.parseDouble(s));
            } catch (final NumberFormatException e) {
                return LogEvent.NO_TIME;
            }
        }
        return LogEvent.NO_TIME;
    }

    /** Month number 1-12 of a three-letter English abbreviation ({@code Jan}..{@code Dec}) at off, else -1. */
    public static int month3(final CharSequence s, final int off) {
        if (off + 3 > s.length()) {
            return -1;
        }
        final int a = s.charAt(off) | 0x20;
        final int b = s.charAt(off + 1) | 0x20;
        final int c = s.charAt(off + 2) | 0x20;
        switch (a) {
            case 'j':
                if (b == 'a' && c == 'n') {
                    return 1;
                }
                if (b == 'u' && c == 'n') {
                    return 6;
                }
                return b == 'u' && c == 'l' ? 7 : -1;
            case 'f':
                return b == 'e' && c == 'b' ? 2 : -1;
            case 'm':
                if (b == 'a' && c == 'r') {
                    return 3;
                }
                return b == 'a' && c == 'y' ? 5 : -1;
            case 'a':
                if (b == 'p' && c == 'r') {
                    return 4;
                }
                return b == 'u' && c == 'g' ? 8 : -1;
            case 's':
                return b == 'e' && c == 'p' ? 9 : -1;
            case 'o':
                return b == 'c' && c == 't' ? 10 : -1;
            case 'n':
                return b == 'o' && c == 'v' ? 11 : -1;
            case 'd':
                return b == 'e' && c == 'c' ? 12 : -1;
            default:
                return -1;
        }
    }
}
