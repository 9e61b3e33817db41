package dev.vigil.parse;

import java.time.ZoneId;

/**
 * The prefix of a syslog text line as {@code journalctl -o short} / {@code short-iso}, rsyslog and
 * {@code /var/log/messages} write it: {@code Mon DD HH:MM:SS host ident[pid]: message} or
 * {@code 2024-11-22T05:34:01.123456+00:00 host ident[pid]: message}. The host may be missing (some posts and
 * containers omit it); the pid may be missing ({@code kernel: ...}). rsyslog's
 * {@code message repeated N times: [ text]} is unwrapped into {@link #repeated()} and the inner text.
 *
 * <p>The short form has no year: {@link #time(ZoneId, long)} takes the most recent year that does not put the
 * entry more than a day after a reference instant (the envelope time, or the parser's clock).
 */
public final class SyslogLine {
    private static final long DAY_MS = 86_400_000L;

    private final long isoMillis;
    private final int month;
    private final int day;
    private final int hour;
    private final int minute;
    private final int second;
    private final int millis;
    private final String host;
    private final String ident;
    private final Long pid;
    private final int messageStart;
    private final int messageEnd;
    private final int repeated;

    private SyslogLine(final long isoMillis, final int[] t, final String host, final String ident, final Long pid,
                       final int messageStart, final int messageEnd, final int repeated) {
        this.isoMillis = isoMillis;
        this.month = t[0];
        this.day = t[1];
        this.hour = t[2];
        this.minute = t[3];
        this.second = t[4];
        this.millis = t[5];
        this.host = host;
        this.ident = ident;
        this.pid = pid;
        this.messageStart = messageStart;
        this.messageEnd = messageEnd;
        this.repeated = repeated;
    }

    /** Host name, or null when the line names none. */
    public String host() {
        return host;
    }

    /** Syslog identifier ({@code sshd}, {@code kernel}, {@code postgres}). */
    public String ident() {
        return ident;
    }

    /** Process id, or null. */
    public Long pid() {
        return pid;
    }

    /** Index in the line where the message starts. */
    public int messageStart() {
        return messageStart;
    }

    /** How many times rsyslog said the message repeated (1 for an ordinary line). */
    public int repeated() {
        return repeated;
    }

    /** The message text of {@code line} (the line this prefix was parsed from). */
    public String message(final String line) {
        return line.substring(messageStart, messageEnd);
    }

    /** Whether the prefix carried a timestamp ({@link #parseLenient} accepts lines without one). */
    public boolean hasTime() {
        return isoMillis != LogEvent.NO_TIME || month > 0;
    }

    /**
     * The entry's epoch millis (NO_TIME when the line had no timestamp). ISO lines carry their own offset.
     * Short lines are read in {@code zone}, in the latest year that does not put them more than one day after
     * {@code referenceMillis}.
     */
    public long time(final ZoneId zone, final long referenceMillis) {
        if (isoMillis != LogEvent.NO_TIME) {
            return isoMillis;
        }
        if (month == 0) {
            return LogEvent.NO_TIME;
        }
        final int year = Timestamps.yearOf(referenceMillis);
        long t = Timestamps.localToEpoch(Timestamps.utcMillis(year, month, day, hour, minute, second, millis), zone);
        if (t != LogEvent.NO_TIME && t > referenceMillis + DAY_MS) {
            t = Timestamps.localToEpoch(Timestamps.utcMillis(year - 1, month, day, hour, minute, second, millis),
                zone);
        }
        return t;
    }

    /** Whether the line starts with a syslog timestamp (short or ISO form); cheap pre-check. */
    public static boolean startsWithTimestamp(final String line) {
        return shortTimeEnd(line) > 0 || isoTimeEnd(line) > 0;
    }

    /** Parses the prefix, or returns null when the line is not in syslog form. */
    public static SyslogLine parse(final String line) {
        if (line == null || line.length() < 16) {
            return null;
        }
        long iso = LogEvent.NO_TIME;
        int pos = shortTimeEnd(line);
        final boolean shortForm = pos > 0;
        if (!shortForm) {
            pos = isoTimeEnd(line);
            if (pos < 0) {
                return null; // other shapes (most of what is asked) allocate nothing
            }
        }
        final int[] t = new int[6]; // an ISO time leaves them zero
        if (shortForm) {
            final int ts = shortTimeStart(line);
            t[0] = Timestamps.month3(line, 0);
            t[1] = line.charAt(4) == ' ' || ts == 6 ? line.charAt(ts - 2) - '0' : Timestamps.digits(line, 4, 2);
            t[2] = Timestamps.digits(line, ts, 2);
            t[3] = Timestamps.digits(line, ts + 3, 2);
            t[4] = Timestamps.digits(line, ts + 6, 2);
            t[5] = Timestamps.fractionMillis(line, ts + 8, pos);
        } else {
            final long local = Timestamps.dateTime19(line, 0, '-');
            final int fe = Timestamps.fractionEnd(line, 19);
            final int off = Timestamps.zoneOffsetSeconds(line, fe, pos);
            iso = local + Timestamps.fractionMillis(line, 19, fe) - off * 1000L;
        }
        // pos is at the space after the timestamp
        if (pos >= line.length() || line.charAt(pos) != ' ') {
            return null;
        }
        int p = pos + 1;
        while (p < line.length() && line.charAt(p) == ' ') {
            p++;
        }
        final int tok1End = tokenEnd(line, p);
        if (tok1End == p) {
            return null;
        }
        String host = null;
        int identStart = p;
        if (line.charAt(tok1End - 1) != ':') {
            host = line.substring(p, tok1End);
            identStart = tok1End + 1;
            if (identStart >= line.length()) {
                return null;
            }
        }
        // ident runs to the first ':' that ends a token (followed by space or end of line); Heroku's logplex
        // (ISO form) writes "app[postgres.5925] " without the colon
        int colon = -1;
        for (int i = identStart; i < line.length(); i++) {
            final char c = line.charAt(i);
            if (c == ' ') {
                if (iso != LogEvent.NO_TIME && i > identStart + 2 && line.charAt(i - 1) == ']') {
                    colon = i;
                }
                break;
            }
            if (c == ':' && (i + 1 == line.length() || line.charAt(i + 1) == ' ')) {
                colon = i;
                break;
            }
        }
        if (colon <= identStart) {
            return null;
        }
        String ident = line.substring(identStart, colon);
        Long pid = null;
        final int lb = ident.lastIndexOf('[');
        if (lb > 0 && ident.charAt(ident.length() - 1) == ']') {
            final String inner = ident.substring(lb + 1, ident.length() - 1);
            if (!inner.isEmpty() && inner.length() <= 10 && Timestamps.digits(inner, 0, inner.length()) >= 0) {
                pid = Long.valueOf(inner);
            }
            ident = ident.substring(0, lb);
        }
        int msgStart = Math.min(line.charAt(colon) == ':' ? colon + 2 : colon + 1, line.length());
        int msgEnd = line.length();
        int repeated = 1;
        if (line.startsWith("message repeated ", msgStart) && line.charAt(msgEnd - 1) == ']') {
            int i = msgStart + "message repeated ".length();
            final int ds = i;
            while (i < msgEnd && line.charAt(i) >= '0' && line.charAt(i) <= '9') {
                i++;
            }
            if (i > ds && i - ds < 10 && line.startsWith(" times: [", i)) {
                repeated = Integer.parseInt(line.substring(ds, i));
                msgStart = i + " times: [".length();
                if (msgStart < msgEnd && line.charAt(msgStart) == ' ') {
                    msgStart++;
                }
                msgEnd--;
            }
        }
        return new SyslogLine(iso, t, host, ident, pid, msgStart, Math.max(msgStart, msgEnd), repeated);
    }

    /**
     * Like {@link #parse}, but also accepts the prefix without a timestamp, {@code [host ]ident[pid]: message}
     * (journalctl output with timestamps cut, as often pasted); the pid is then required.
     */
    public static SyslogLine parseLenient(final String line) {
        final SyslogLine full = parse(line);
        if (full != null || line == null) {
            return full;
        }
        final int sp = line.indexOf(' ');
        if (sp <= 0) {
            return null;
        }
        SyslogLine r = bare(line, 0, sp);
        if (r == null) {
            final int sp2 = line.indexOf(' ', sp + 1);
            if (sp2 > sp + 1) {
                r = bare(line, sp + 1, sp2);
            }
        }
        return r;
    }

    /** A token {@code ident[digits]:} in [from, to) (followed by a space or the end); null otherwise. */
    private static SyslogLine bare(final String s, final int from, final int to) {
        if (to - from < 5 || s.charAt(to - 1) != ':' || s.charAt(to - 2) != ']') {
            return null;
        }
        final int lb = s.lastIndexOf('[', to - 2);
        if (lb <= from || to - 2 - lb - 1 > 10 || to - 2 == lb + 1
            || Timestamps.digits(s, lb + 1, to - 2 - lb - 1) < 0) {
            return null;
        }
        final String host = from > 0 ? s.substring(0, from - 1) : null;
        final int msgStart = Math.min(to + 1, s.length());
        return new SyslogLine(LogEvent.NO_TIME, new int[6], host, s.substring(from, lb),
            Long.valueOf(s.substring(lb + 1, to - 2)), msgStart, s.length(), 1);
    }

    private static int tokenEnd(final String s, final int from) {
        int i = from;
        while (i < s.length() && s.charAt(i) != ' ') {
            i++;
        }
        return i;
    }

    /** Start index of the HH:MM:SS after {@code Mon DD } (day space- or zero-padded, or one digit), else -1. */
    static int shortTimeStart(final String s) {
        if (s.length() < 15 || s.charAt(3) != ' ' || Timestamps.month3(s, 0) < 0) {
            return -1;
        }
        if (s.charAt(4) == ' ' && isDigit(s.charAt(5)) && s.charAt(6) == ' ') {
            return 7;
        }
        if (isDigit(s.charAt(4)) && isDigit(s.charAt(5)) && s.charAt(6) == ' ') {
            return 7;
        }
        if (isDigit(s.charAt(4)) && s.charAt(5) == ' ') {
            return 6;
        }
        return -1;
    }

    /** End index of {@code Mon DD HH:MM:SS[.frac]}, else -1. */
    static int shortTimeEnd(final String s) {
        final int ts = shortTimeStart(s);
        if (ts < 0 || ts + 8 > s.length() || s.charAt(ts + 2) != ':' || s.charAt(ts + 5) != ':'
            || Timestamps.digits(s, ts, 2) < 0 || Timestamps.digits(s, ts + 3, 2) < 0
            || Timestamps.digits(s, ts + 6, 2) < 0) {
            return -1;
        }
        return Timestamps.fractionEnd(s, ts + 8);
    }

    /** End index of {@code YYYY-MM-DDTHH:MM:SS[.frac](Z|+hh:mm|+hhmm)}, else -1 (a zone is required). */
    static int isoTimeEnd(final String s) {
        if (s.length() < 20 || s.charAt(10) != 'T' || Timestamps.dateTime19(s, 0, '-') == LogEvent.NO_TIME) {
            return -1;
        }
        final int fe = Timestamps.fractionEnd(s, 19);
        final int sp = s.indexOf(' ', fe);
        if (sp < 0 || Timestamps.zoneOffsetSeconds(s, fe, sp) == Timestamps.UNKNOWN_ZONE
            || Character.isLetter(s.charAt(fe)) && s.charAt(fe) != 'Z') {
            return -1;
        }
        return sp;
    }

    private static boolean isDigit(final char c) {
        return c >= '0' && c <= '9';
    }
}
