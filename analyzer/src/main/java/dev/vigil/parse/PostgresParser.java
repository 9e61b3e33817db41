package dev.vigil.parse;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.ingest.Envelope;

import java.time.Clock;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * PostgreSQL server logs in all three destinations: stderr (and its syslog form), csvlog and jsonlog
 * (including the CloudNativePG wrapper).
 *
 * <p><b>stderr</b>: each configured {@code log_line_prefix} is compiled into a scanner (see the escapes in
 * the class {@code LinePrefix}); out of the box Debian's {@code %m [%p] %q%u@%d } and upstream's
 * {@code %m [%p] }. When no configured prefix matches, a tolerant fallback takes any line that starts with a
 * timestamp, a {@code [} or the severity itself and has {@code SEVERITY:  } in its first 400 characters; it
 * picks the time, the first bracketed pid, {@code user=/db=/app=/client=/host=} pairs, {@code user@db} and
 * {@code sql_error_code = X} from the prefix (a framing syslog prefix or part marker lifts the start rule).
 * DETAIL, HINT, STATEMENT, CONTEXT, QUERY and LOCATION lines and lines starting with a tab or space continue the
 * entry before them; any other line starts a new entry (text that is not PostgreSQL's, such as {@code pg_ctl}
 * output, then fails to parse on its own rather than being glued to a real entry). The syslog form
 * ({@code Mon DD HH:MM:SS host postgres[pid]: [N-k] ...}) is accepted; parts {@code k > 1} continue entry N
 * and {@code #011} is decoded to a tab. A line starting with {@code [N-k] } (syslog destination delivered
 * through journald without its prefix) is read the same way.
 *
 * <p><b>csvlog</b>: 22 to 26 columns (PG 9.0-12: 23, PG 13: 24 with backend_type, PG 14+: 26 with leader_pid
 * and query_id); quoted fields may hold commas, doubled quotes and newlines, so a record continues while its
 * quotes are unbalanced. <b>jsonlog</b> (PG 15+) keys and the CloudNativePG {@code record} object (csv column
 * names) are read with Jackson.
 *
 * <p>Message, whatever the format: {@code "SEVERITY:  text"} followed by {@code "\nDETAIL:  ..."},
 * {@code "\nHINT:  ..."} etc. and raw continuation lines, so one signature regex serves all formats.
 * Fields: {@code severity}, {@code pid}, {@code user}, {@code database}, {@code application}, {@code client},
 * {@code sqlstate}, {@code session_id}, {@code backend_type}, {@code query_id}, {@code command_tag},
 * {@code duration_ms} (from {@code duration: N ms}), {@code statement} (from {@code statement:},
 * {@code execute|bind|parse name:} or a STATEMENT line), {@code detail}, {@code hint}, {@code context},
 * {@code internal_query}, {@code repeated} (rsyslog), and {@code tz_assumed="true"} when a zone abbreviation
 * was unknown and UTC was used. Values {@code [unknown]} and empty ones are left out.
 *
 * <p>Times without a zone (the syslog form) are read in the configured local zone; the syslog year comes
 * from the envelope time, else from the clock (see {@link SyslogLine#time}).
 */
public final class PostgresParser implements Parser {

    /** Debian/Ubuntu's default prefix first, then upstream's. */
    public static final List<String> DEFAULT_PREFIXES = List.of("%m [%p] %q%u@%d ", "%m [%p] ");

    private static final String[] MAIN_SEVERITIES = {
        "LOG", "ERROR", "FATAL", "WARNING", "INFO", "NOTICE", "PANIC", "DEBUG", "DEBUG1", "DEBUG2", "DEBUG3",
        "DEBUG4", "DEBUG5",
    };
    private static final String[] CONTINUATION_SEVERITIES = {
        "DETAIL", "HINT", "STATEMENT", "CONTEXT", "QUERY", "LOCATION",
    };
    private static final int LOOSE_WINDOW = 400;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** The defaults compiled once: parsers with the default prefixes share them, and so their analyses. */
    private static final LinePrefix[] DEFAULT_COMPILED = compile(DEFAULT_PREFIXES);
    /**
     * The latest analyses on this thread: a line is analysed when it arrives (does it continue the entry before?),
     * by source detection, and when its entry is parsed two lines later.
     */
    private static final ThreadLocal<AnalysisMemo> MEMO = ThreadLocal.withInitial(AnalysisMemo::new);

    private final LinePrefix[] prefixes;
    private final ZoneId localZone;
    private final Clock clock;

    /** Default prefixes, UTC, system clock (only consulted for the year of syslog lines). */
    public PostgresParser() {
        this(DEFAULT_PREFIXES);
    }

    /** The given log_line_prefix values (tried in order), UTC, system clock. */
    public PostgresParser(final List<String> prefixes) {
        this(prefixes, ZoneOffset.UTC, Clock.systemUTC());
    }

    /**
     * @param prefixes  log_line_prefix values, tried in order (empty or null: the defaults)
     * @param localZone zone of times printed without one (syslog form)
     * @param clock     source of the year for syslog lines when the envelope carries no time
     */
    public PostgresParser(final List<String> prefixes, final ZoneId localZone, final Clock clock) {
        final List<String> p = prefixes == null || prefixes.isEmpty() ? DEFAULT_PREFIXES : prefixes;
        this.prefixes = p.equals(DEFAULT_PREFIXES) ? DEFAULT_COMPILED : compile(p);
        this.localZone = localZone == null ? ZoneOffset.UTC : localZone;
        this.clock = clock == null ? Clock.systemUTC() : clock;
    }

    @Override
    public Source source() {
        return Source.POSTGRES;
    }

    // --- folding ---------------------------------------------------------------------------------------------

    @Override
    public boolean continues(final String pending, final String line) {
        if (pending == null || line == null || pending.isEmpty()) {
            return false;
        }
        if (pending.charAt(0) == '{') {
            return false;
        }
        if (isCsvStart(pending)) {
            return quotesOpen(pending);
        }
        return isContinuationLine(line);
    }

    /**
     * Whether {@code line} continues the entry before it: PostgreSQL indents the further lines of a message
     * with a tab (syslog: {@code #011}), splits syslog messages into parts {@code [N-k]}, and writes DETAIL,
     * HINT, STATEMENT, CONTEXT, QUERY and LOCATION as lines of their own. Anything else, including text that is
     * not a PostgreSQL entry at all, starts a new entry.
     */
    boolean isContinuationLine(final String line) {
        if (line.isEmpty()) {
            return false;
        }
        final char c0 = line.charAt(0);
        if (c0 == ' ' || c0 == '\t') {
            return true;
        }
        if (c0 == '{' || isCsvStart(line)) {
            return false;
        }
        final Head h = analyze(line, false);
        if (h.part > 1) {
            return true;
        }
        if (h.sevStart >= 0) {
            return isContinuationSeverity(h.severity);
        }
        final String b = h.body;
        return h.syslog != null && h.pos < b.length() && (b.charAt(h.pos) == '\t' || b.startsWith("#011", h.pos));
    }

    /**
     * Whether the line looks like a PostgreSQL log line in any format the default parser reads (used by source
     * detection).
     */
    public static boolean looksLikePostgres(final String line) {
        if (line == null || line.isEmpty()) {
            return false;
        }
        if (line.charAt(0) == '{') {
            return line.contains("\"error_severity\"")
                || line.contains("\"logger\":\"postgres\"") && line.contains("\"record\"");
        }
        if (isCsvStart(line)) {
            return true;
        }
        final Head h = Holder.DEFAULT.analyze(line, false);
        if (h.syslog != null && h.part > 0) {
            // "[N-k] " sequence markers after a syslog prefix are PostgreSQL's (syslog_sequence_numbers)
            return true;
        }
        return h.sevStart >= 0 && (h.syslog != null || h.part > 0 || h.prefix != null
            || Character.isDigit(line.charAt(0)) || line.charAt(0) == '[');
    }

    /** Lazily built default instance for {@link #looksLikePostgres}. */
    private static final class Holder {
        static final PostgresParser DEFAULT = new PostgresParser();
    }

    // --- parsing ---------------------------------------------------------------------------------------------

    @Override
    public LogEvent parse(final Envelope env) throws ParseException {
        final String text = env.text();
        if (text == null || text.isBlank()) {
            throw new ParseException("postgres_empty", "empty entry");
        }
        if (text.charAt(0) == '{') {
            return parseJson(env, text);
        }
        if (isCsvStart(text)) {
            return parseCsv(env, text);
        }
        return parseStderr(env, text);
    }

    private LogEvent parseStderr(final Envelope env, final String text) throws ParseException {
        int nl = text.indexOf('\n');
        final String first = nl < 0 ? text : text.substring(0, nl);
        final Head h = analyze(first, true);
        if (h.sevStart < 0) {
            throw new ParseException("postgres_unrecognized_line", "no severity: " + Scan.abbreviate(text));
        }
        final Map<String, Object> f = new FieldMap(16);
        long time = headFields(h, f);
        final String sev = h.severity;
        f.put("severity", sev);
        final String firstText = h.body.substring(h.textStart);
        final StringBuilder msg = new StringBuilder(text.length() + 16).append(sev).append(":  ").append(firstText);
        String section = sev;
        final StringBuilder cur = new StringBuilder(firstText);
        String mainText = null;
        while (nl >= 0) {
            final int start = nl + 1;
            nl = text.indexOf('\n', start);
            final String line = nl < 0 ? text.substring(start) : text.substring(start, nl);
            final Head c = analyze(line, true);
            if (c.sevStart >= 0 && isContinuationSeverity(c.severity)) {
                mainText = closeSection(f, section, cur, mainText);
                section = c.severity;
                cur.setLength(0);
                final String t = c.body.substring(c.textStart);
                cur.append(t);
                msg.append('\n').append(c.severity).append(":  ").append(t);
            } else {
                final String raw = c.syslog != null ? c.body.substring(c.pos) : line;
                msg.append('\n').append(raw);
                cur.append('\n').append(raw);
            }
        }
        mainText = closeSection(f, section, cur, mainText);
        applyMainText(f, mainText);
        if (time == LogEvent.NO_TIME && h.syslog != null) {
            time = h.syslog.time(localZone, env.time() != LogEvent.NO_TIME ? env.time() : clock.millis());
        }
        if (time == LogEvent.NO_TIME) {
            time = env.time();
        }
        if (!f.containsKey("pid")) {
            if (h.syslog != null && h.syslog.pid() != null) {
                f.put("pid", h.syslog.pid());
            } else if (env.pid() != null) {
                f.put("pid", env.pid().longValue());
            }
        }
        String host = env.host();
        String service = env.unit() != null ? env.unit() : env.identifier();
        if (h.syslog != null) {
            if (h.syslog.host() != null) {
                host = h.syslog.host();
            }
            if (service == null) {
                service = h.syslog.ident();
            }
            if (h.syslog.repeated() > 1) {
                f.put("repeated", (long) h.syslog.repeated());
            }
        }
        final String message = Scan.trimTrailingBlankLines(msg.toString());
        return new LogEvent(time, Source.POSTGRES, host, service, Level.fromWord(sev), message, text, f);
    }

    /** Stores a finished section; returns the main text (the first section's) once known. */
    private static String closeSection(final Map<String, Object> f, final String section, final StringBuilder cur,
                                       final String mainText) {
        final String value = Scan.trimTrailingBlankLines(cur.toString());
        if (mainText == null) {
            return value;
        }
        if (value.isEmpty()) {
            return mainText;
        }
        switch (section) {
            case "DETAIL":
                f.putIfAbsent("detail", value);
                break;
            case "HINT":
                f.putIfAbsent("hint", value);
                break;
            case "CONTEXT":
                f.putIfAbsent("context", value);
                break;
            case "STATEMENT":
                f.putIfAbsent("statement", value);
                break;
            case "QUERY":
                f.putIfAbsent("internal_query", value);
                break;
            default:
                break;
        }
        return mainText;
    }

    /** duration_ms and statement from the main text ({@code duration: 1.2 ms  statement: ...}). */
    private static void applyMainText(final Map<String, Object> f, final String main) {
        if (main == null) {
            return;
        }
        String rest = main;
        if (main.startsWith("duration: ")) {
            final int ms = main.indexOf(" ms", 10);
            if (ms > 10) {
                final double d = Scan.lastNumber(main, 10, ms);
                if (!Double.isNaN(d)) {
                    f.put("duration_ms", d);
                }
                int p = ms + 3;
                while (p < main.length() && main.charAt(p) == ' ') {
                    p++;
                }
                rest = main.substring(p);
            }
        }
        String stmt = null;
        if (rest.startsWith("statement: ")) {
            stmt = rest.substring(11);
        } else if (rest.startsWith("execute ") || rest.startsWith("bind ") || rest.startsWith("parse ")) {
            final int c = rest.indexOf(": ");
            if (c > 0 && rest.indexOf(' ') < c && c < 200) {
                stmt = rest.substring(c + 2);
            }
        }
        if (stmt != null && !stmt.isBlank()) {
            f.put("statement", stmt);
        }
    }

    /** Parsed view of one physical line: syslog prefix, part marker, matched prefix and severity. */
    private static final class Head {
        String body;
        SyslogLine syslog;
        int part;
        int pos;
        LinePrefix prefix;
        int[] cap;
        int sevStart = -1;
        int textStart;
        String severity;
    }

    private static LinePrefix[] compile(final List<String> prefixes) {
        final LinePrefix[] out = new LinePrefix[prefixes.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = LinePrefix.compile(prefixes.get(i));
        }
        return out;
    }

    /** A few recent (line, prefixes, decode) → head results of one thread, replaced round-robin. */
    private static final class AnalysisMemo {
        private static final int SIZE = 4;
        private final String[] lines = new String[SIZE];
        private final LinePrefix[][] prefixes = new LinePrefix[SIZE][];
        private final boolean[] decoded = new boolean[SIZE];
        private final Head[] heads = new Head[SIZE];
        private int next;
    }

    /** The head of {@code line} (the same String) as these prefixes read it; decoding only matters to syslog. */
    private Head analyze(final String line, final boolean decode) {
        final AnalysisMemo m = MEMO.get();
        for (int i = 0; i < AnalysisMemo.SIZE; i++) {
            if (m.lines[i] == line && m.prefixes[i] == prefixes) {
                final Head h = m.heads[i];
                // without a syslog frame or a part marker past the first, decoding changes nothing
                if (m.decoded[i] == decode || h.syslog == null && h.part <= 1) {
                    return h;
                }
            }
        }
        final Head h = analyzeLine(line, decode);
        final int at = m.next;
        m.lines[at] = line;
        m.prefixes[at] = prefixes;
        m.decoded[at] = decode;
        m.heads[at] = h;
        m.next = (at + 1) % AnalysisMemo.SIZE;
        return h;
    }

    private Head analyzeLine(final String line, final boolean decode) {
        final Head h = new Head();
        String body = line;
        if (!line.isEmpty() && !Character.isDigit(line.charAt(0)) || line.length() > 10 && line.charAt(10) == 'T') {
            final SyslogLine sl = SyslogLine.parse(line);
            if (sl != null) {
                h.syslog = sl;
                body = sl.message(line);
            }
        }
        int p = 0;
        if (h.syslog != null) {
            p = partMarker(body, h);
            if (decode) {
                body = body.substring(0, p) + decodeOctal(body.substring(p));
            }
        } else if (!body.isEmpty() && body.charAt(0) == '[') {
            // syslog destination delivered without its prefix (journald MESSAGE): "[3-1] LOG:  ..."
            p = partMarker(body, h);
        }
        h.body = body;
        h.pos = p;
        if (h.part > 1 && !decode) {
            return h;
        }
        for (final LinePrefix prefix : prefixes) {
            final int[] cap = new int[2 * prefix.size()];
            final int sev = prefix.match(body, p, cap);
            if (sev >= 0) {
                h.prefix = prefix;
                h.cap = cap;
                setSeverity(h, sev);
                return h;
            }
        }
        final int sev = looseSeverity(body, p, h.syslog != null || h.part > 0);
        if (sev >= 0) {
            setSeverity(h, sev);
        }
        return h;
    }

    private static void setSeverity(final Head h, final int sev) {
        h.sevStart = sev;
        h.textStart = severityEnd(h.body, sev);
        h.severity = h.body.substring(sev, h.textStart - 3);
    }

    /**
     * Skips an optional {@code [WORD] } (Heroku's database colour) and a {@code [N-k] } syslog sequence marker,
     * recording k in {@code h.part}; returns the index after them and the one space that follows.
     */
    private static int partMarker(final String body, final Head h) {
        int p = 0;
        for (int round = 0; round < 2 && p < body.length() && body.charAt(p) == '['; round++) {
            final int close = body.indexOf(']', p);
            if (close < 0 || close - p > 24) {
                break;
            }
            final int dash = body.indexOf('-', p);
            if (dash > p + 1 && dash < close && Scan.parseLong(body, p + 1, dash) >= 0
                && Scan.parseLong(body, dash + 1, close) >= 0) {
                h.part = (int) Math.min(Integer.MAX_VALUE, Scan.parseLong(body, dash + 1, close));
                p = close + 1;
                return p < body.length() && body.charAt(p) == ' ' ? p + 1 : p;
            }
            if (round == 0 && isUpperWord(body, p + 1, close)) {
                int q = close + 1;
                while (q < body.length() && body.charAt(q) == ' ') {
                    q++;
                }
                if (q < body.length() && body.charAt(q) == '[') {
                    p = q;
                    continue;
                }
            }
            break;
        }
        return 0;
    }

    private static boolean isUpperWord(final String s, final int from, final int to) {
        if (to <= from) {
            return false;
        }
        for (int i = from; i < to; i++) {
            if (s.charAt(i) < 'A' || s.charAt(i) > 'Z') {
                return false;
            }
        }
        return true;
    }

    /** rsyslog escapes control characters as {@code #ooo} (octal); decode those. */
    static String decodeOctal(final String s) {
        int i = s.indexOf('#');
        if (i < 0) {
            return s;
        }
        final StringBuilder b = new StringBuilder(s.length());
        int last = 0;
        while (i >= 0 && i + 3 < s.length()) {
            final char a = s.charAt(i + 1);
            final char c = s.charAt(i + 2);
            final char d = s.charAt(i + 3);
            if (a == '0' && c >= '0' && c <= '3' && d >= '0' && d <= '7') {
                b.append(s, last, i).append((char) ((c - '0') * 8 + (d - '0')));
                last = i + 4;
                i = s.indexOf('#', last);
            } else {
                i = s.indexOf('#', i + 1);
            }
        }
        return last == 0 ? s : b.append(s, last, s.length()).toString();
    }

    /** Index after {@code SEVERITY:  } when a known severity word starts at pos; -1 otherwise. */
    static int severityEnd(final String s, final int pos) {
        final int n = s.length();
        int e = pos;
        while (e < n && e - pos < 10) {
            final char c = s.charAt(e);
            if (c >= 'A' && c <= 'Z' || c >= '1' && c <= '5') {
                e++;
            } else {
                break;
            }
        }
        if (e - pos < 3 || e + 3 > n || s.charAt(e) != ':' || s.charAt(e + 1) != ' ' || s.charAt(e + 2) != ' ') {
            return -1;
        }
        return isSeverity(s, pos, e) ? e + 3 : -1;
    }

    private static boolean isSeverity(final String s, final int from, final int to) {
        final int len = to - from;
        for (final String w : MAIN_SEVERITIES) {
            if (w.length() == len && s.startsWith(w, from)) {
                return true;
            }
        }
        for (final String w : CONTINUATION_SEVERITIES) {
            if (w.length() == len && s.startsWith(w, from)) {
                return true;
            }
        }
        return false;
    }

    static boolean isContinuationSeverity(final String sev) {
        for (final String w : CONTINUATION_SEVERITIES) {
            if (w.equals(sev)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The tolerant fallback: where a severity starts in the first {@value #LOOSE_WINDOW} chars, or -1. Unless
     * the line is framed by a syslog prefix or a part marker, what precedes the severity must start with a
     * digit or '[' (a timestamp or a pid), so that ordinary text is not mistaken for an entry.
     */
    private static int looseSeverity(final String s, final int from, final boolean framed) {
        if (from >= s.length()) {
            return -1;
        }
        final char f0 = s.charAt(from);
        final boolean prefixShape = framed || f0 >= '0' && f0 <= '9' || f0 == '[';
        final int limit = Math.min(s.length(), from + LOOSE_WINDOW);
        for (int i = from; i < limit; i++) {
            final char c = s.charAt(i);
            if (c < 'A' || c > 'Z') {
                continue;
            }
            if (i > from) {
                final char b = s.charAt(i - 1);
                if (b != ' ' && b != ':' && b != ']' && b != '\t' && b != ')') {
                    continue;
                }
            }
            if (severityEnd(s, i) > 0) {
                return i == from || prefixShape ? i : -1;
            }
        }
        return -1;
    }

    /** Fills fields from the matched prefix (configured or fallback); returns the entry time or NO_TIME. */
    private long headFields(final Head h, final Map<String, Object> f) {
        final String b = h.body;
        long time = LogEvent.NO_TIME;
        if (h.prefix != null) {
            final LinePrefix lp = h.prefix;
            for (int el = 0; el < lp.size(); el++) {
                final int s = h.cap[2 * el];
                final int e = h.cap[2 * el + 1];
                if (s < 0) {
                    continue;
                }
                switch (lp.code(el)) {
                    case 't':
                    case 'm':
                        time = pgTime(b, s, e, f);
                        break;
                    case 'n': {
                        try {
                            time = Timestamps.fromEpochNumber(Double.parseDouble(b.substring(s, e)));
                        } catch (final NumberFormatException ex) {
                            time = LogEvent.NO_TIME;
                        }
                        break;
                    }
                    case 'p':
                        f.put("pid", Scan.parseLong(b, s, e));
                        break;
                    case 'u':
                        putValue(f, "user", b, s, e);
                        break;
                    case 'd':
                        putValue(f, "database", b, s, e);
                        break;
                    case 'a':
                        putValue(f, "application", b, s, e);
                        break;
                    case 'h':
                    case 'r':
                        putClient(f, b.substring(s, e).trim());
                        break;
                    case 'b':
                        putValue(f, "backend_type", b, s, e);
                        break;
                    case 'e':
                        putValue(f, "sqlstate", b, s, e);
                        break;
                    case 'c':
                        putValue(f, "session_id", b, s, e);
                        break;
                    case 'i':
                        putValue(f, "command_tag", b, s, e);
                        break;
                    case 'Q':
                        putValue(f, "query_id", b, s, e);
                        break;
                    default:
                        break;
                }
            }
            return time;
        }
        // fallback: timestamp, [pid], key=value pairs, user@db, sql_error_code
        int p = h.pos;
        final int end = h.sevStart;
        if (Timestamps.dateTime19(b, p, '-') != LogEvent.NO_TIME) {
            int q = Timestamps.fractionEnd(b, p + 19);
            int z = q;
            if (z < end && b.charAt(z) == ' ') {
                z++;
                final int zs = z;
                while (z < end && LinePrefix.isZoneChar(b.charAt(z))) {
                    z++;
                }
                if (Timestamps.zoneOffsetSeconds(b, zs, z) != Timestamps.UNKNOWN_ZONE || isAbbreviation(b, zs, z)) {
                    q = z;
                }
            } else if (z < end && (b.charAt(z) == '+' || b.charAt(z) == '-' || b.charAt(z) == 'Z')) {
                final int zs = z;
                while (z < end && (LinePrefix.isZoneChar(b.charAt(z)) || b.charAt(z) == ':')) {
                    z++;
                }
                if (Timestamps.zoneOffsetSeconds(b, zs, z) != Timestamps.UNKNOWN_ZONE) {
                    q = z;
                }
            }
            time = pgTime(b, p, q, f);
            p = q;
        }
        boolean pidSeen = false;
        for (int i = p; i < end; i++) {
            if (b.charAt(i) != '[') {
                continue;
            }
            final int close = b.indexOf(']', i);
            if (close < 0 || close > end) {
                break;
            }
            int d = i + 1;
            while (d < close && Character.isDigit(b.charAt(d))) {
                d++;
            }
            if (!pidSeen && d > i + 1 && (d == close || b.charAt(d) == '-')) {
                f.put("pid", Scan.parseLong(b, i + 1, d));
                pidSeen = true;
            } else if (pidSeen && close - i == 6 && isSqlState(b, i + 1, close)) {
                f.putIfAbsent("sqlstate", b.substring(i + 1, close));
            }
            i = close;
        }
        final int sqlCode = b.indexOf("sql_error_code = ", p);
        if (sqlCode >= 0 && sqlCode + 22 <= end && isSqlState(b, sqlCode + 17, sqlCode + 22)) {
            f.put("sqlstate", b.substring(sqlCode + 17, sqlCode + 22));
        }
        int t = p;
        while (t < end) {
            while (t < end && (b.charAt(t) == ' ' || b.charAt(t) == ',')) {
                t++;
            }
            int te = t;
            while (te < end && b.charAt(te) != ' ' && b.charAt(te) != ',') {
                te++;
            }
            if (te > t) {
                looseToken(f, b, t, te);
            }
            t = te;
        }
        return time;
    }

    private static void looseToken(final Map<String, Object> f, final String b, final int from, final int to) {
        final boolean bracketed = to - from > 2 && b.charAt(from) == '[' && b.indexOf(']', from) == to - 1;
        final int s = bracketed ? from + 1 : from;
        final int e = bracketed ? to - 1 : to;
        final int eq = b.indexOf('=', s);
        if (eq > s && eq < e) {
            switch (b.substring(s, eq)) {
                case "user":
                    putValue(f, "user", b, eq + 1, e);
                    break;
                case "db":
                case "database":
                    putValue(f, "database", b, eq + 1, e);
                    break;
                case "app":
                case "application":
                    putValue(f, "application", b, eq + 1, e);
                    break;
                case "client":
                case "host":
                case "remote":
                    putClient(f, b.substring(eq + 1, e));
                    break;
                case "queryid":
                case "query_id":
                    putValue(f, "query_id", b, eq + 1, e);
                    break;
                default:
                    break;
            }
            return;
        }
        final int at = b.indexOf('@', s);
        if (at < 0 || at >= e) {
            // %r: host(port)
            final int paren = b.indexOf('(', s);
            if (paren > s && paren < e && b.charAt(e - 1) == ')' && Scan.parseLong(b, paren + 1, e - 1) >= 0) {
                putValue(f, "client", b, s, paren);
            }
            return;
        }
        // the ':'-separated piece around '@' (RDS: 192.168.1.201(50906):gilles@pgbench:[12796]:)
        int us = at;
        while (us > s && b.charAt(us - 1) != ':') {
            us--;
        }
        int de = at + 1;
        while (de < e && b.charAt(de) != ':') {
            de++;
        }
        if (at > us && de > at + 1 && !f.containsKey("user")) {
            putValue(f, "user", b, us, at);
            putValue(f, "database", b, at + 1, de);
        }
    }

    private static boolean isAbbreviation(final String s, final int from, final int to) {
        if (to - from < 2 || to - from > 5) {
            return false;
        }
        for (int i = from; i < to; i++) {
            if (s.charAt(i) < 'A' || s.charAt(i) > 'Z') {
                return false;
            }
        }
        return true;
    }

    private static boolean isSqlState(final String s, final int from, final int to) {
        if (to - from != 5) {
            return false;
        }
        for (int i = from; i < to; i++) {
            final char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z')) {
                return false;
            }
        }
        return true;
    }

    private static void putValue(final Map<String, Object> f, final String key, final String s, final int from,
                                 final int to) {
        putValue(f, key, s.substring(from, to).trim());
    }

    private static void putValue(final Map<String, Object> f, final String key, final String v) {
        if (v != null && !v.isEmpty() && !"[unknown]".equals(v)) {
            f.put(key, v);
        }
    }

    /** Client address without the port ({@code host(port)}, {@code host:port} is left alone). */
    private static void putClient(final Map<String, Object> f, final String v) {
        if (v == null) {
            return;
        }
        final int paren = v.indexOf('(');
        putValue(f, "client", paren > 0 && v.endsWith(")") ? v.substring(0, paren) : v);
    }

    /**
     * Parses {@code YYYY-MM-DD HH:MM:SS[.fff][ ZONE]} in [from, to). An unknown zone abbreviation means UTC and
     * sets {@code tz_assumed}; no zone at all means the configured local zone.
     */
    private long pgTime(final String s, final int from, final int to, final Map<String, Object> f) {
        final long local = Timestamps.dateTime19(s, from, '-');
        if (local == LogEvent.NO_TIME) {
            return LogEvent.NO_TIME;
        }
        final int fe = Timestamps.fractionEnd(s, from + 19);
        final long withFrac = local + Timestamps.fractionMillis(s, from + 19, fe);
        int zs = fe;
        if (zs < to && s.charAt(zs) == ' ') {
            zs++;
        }
        int ze = zs;
        while (ze < to && s.charAt(ze) != ' ') {
            ze++;
        }
        if (ze == zs) {
            return Timestamps.localToEpoch(withFrac, localZone);
        }
        final int off = Timestamps.zoneOffsetSeconds(s, zs, ze);
        if (off == Timestamps.UNKNOWN_ZONE) {
            f.put("tz_assumed", "true");
            return withFrac;
        }
        return withFrac - off * 1000L;
    }

    // --- csvlog ----------------------------------------------------------------------------------------------

    /** Whether the text starts like a csvlog record: a log_time, optionally quoted, followed by a comma. */
    static boolean isCsvStart(final String s) {
        final int p = !s.isEmpty() && s.charAt(0) == '"' ? 1 : 0;
        if (Timestamps.dateTime19(s, p, '-') == LogEvent.NO_TIME) {
            return false;
        }
        int q = Timestamps.fractionEnd(s, p + 19);
        if (q < s.length() && s.charAt(q) == ' ') {
            q++;
            while (q < s.length() && LinePrefix.isZoneChar(s.charAt(q))) {
                q++;
            }
        }
        if (p == 1) {
            return q + 1 < s.length() && s.charAt(q) == '"' && s.charAt(q + 1) == ',';
        }
        return q < s.length() && s.charAt(q) == ',';
    }

    /** Whether a csv record so far has an odd number of quote characters (an open quoted field). */
    static boolean quotesOpen(final String s) {
        boolean open = false;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == '"') {
                open = !open;
            }
        }
        return open;
    }

    /** Splits one CSV record; empty unquoted fields are null. Null when a quote is never closed. */
    static List<String> splitCsv(final String s) {
        final List<String> out = new ArrayList<>(26);
        final int n = s.length();
        int i = 0;
        final StringBuilder b = new StringBuilder();
        while (true) {
            if (i < n && s.charAt(i) == '"') {
                b.setLength(0);
                i++;
                boolean closed = false;
                while (i < n) {
                    final char c = s.charAt(i);
                    if (c == '"') {
                        if (i + 1 < n && s.charAt(i + 1) == '"') {
                            b.append('"');
                            i += 2;
                            continue;
                        }
                        i++;
                        closed = true;
                        break;
                    }
                    b.append(c);
                    i++;
                }
                if (!closed) {
                    return null;
                }
                out.add(b.toString());
                // tolerate stray text up to the next comma
                while (i < n && s.charAt(i) != ',') {
                    i++;
                }
            } else {
                final int start = i;
                while (i < n && s.charAt(i) != ',') {
                    i++;
                }
                out.add(i > start ? s.substring(start, i) : null);
            }
            if (i >= n) {
                return out;
            }
            i++; // the comma
        }
    }

    private LogEvent parseCsv(final Envelope env, final String text) throws ParseException {
        final List<String> c = splitCsv(text);
        if (c == null) {
            throw new ParseException("postgres_bad_csv", "unterminated quoted field: " + Scan.abbreviate(text));
        }
        if (c.size() < 22) {
            throw new ParseException("postgres_bad_csv", c.size() + " columns: " + Scan.abbreviate(text));
        }
        final Rec r = new Rec();
        r.time = c.get(0);
        r.user = c.get(1);
        r.database = c.get(2);
        r.pid = c.get(3);
        r.client = c.get(4);
        r.sessionId = c.get(5);
        r.commandTag = c.get(7);
        r.severity = c.get(11);
        r.sqlstate = c.get(12);
        r.message = c.get(13);
        r.detail = c.get(14);
        r.hint = c.get(15);
        r.internalQuery = c.get(16);
        r.context = c.get(18);
        r.query = c.get(19);
        r.application = c.size() > 22 ? c.get(22) : null;
        r.backendType = c.size() > 23 ? c.get(23) : null;
        r.queryId = c.size() > 25 ? c.get(25) : null;
        return fromRecord(env, text, r, LogEvent.NO_TIME);
    }

    // --- jsonlog and CloudNativePG -----------------------------------------------------------------------------

    private LogEvent parseJson(final Envelope env, final String text) throws ParseException {
        final JsonNode root;
        try {
            root = MAPPER.readTree(text);
        } catch (final JacksonException e) {
            throw new ParseException("postgres_bad_json", "invalid JSON: " + Scan.abbreviate(text));
        }
        if (root == null || !root.isObject()) {
            throw new ParseException("postgres_bad_json", "not a JSON object: " + Scan.abbreviate(text));
        }
        final Rec r = new Rec();
        if (root.has("error_severity")) {
            r.time = str(root.get("timestamp"));
            r.user = str(root.get("user"));
            r.database = str(root.get("dbname"));
            r.pid = str(root.get("pid"));
            r.client = str(root.get("remote_host"));
            r.sessionId = str(root.get("session_id"));
            r.commandTag = str(root.get("ps"));
            r.severity = str(root.get("error_severity"));
            r.sqlstate = str(root.get("state_code"));
            r.message = str(root.get("message"));
            r.detail = str(root.get("detail"));
            r.hint = str(root.get("hint"));
            r.internalQuery = str(root.get("internal_query"));
            r.context = str(root.get("context"));
            r.query = str(root.get("statement"));
            r.application = str(root.get("application_name"));
            r.backendType = str(root.get("backend_type"));
            r.queryId = str(root.get("query_id"));
            return fromRecord(env, text, r, LogEvent.NO_TIME);
        }
        final JsonNode rec = root.get("record");
        if (rec != null && rec.isObject()) {
            r.time = str(rec.get("log_time"));
            r.user = str(rec.get("user_name"));
            r.database = str(rec.get("database_name"));
            r.pid = str(rec.get("process_id"));
            r.client = str(rec.get("connection_from"));
            r.sessionId = str(rec.get("session_id"));
            r.commandTag = str(rec.get("command_tag"));
            r.severity = str(rec.get("error_severity"));
            r.sqlstate = str(rec.get("sql_state_code"));
            r.message = str(rec.get("message"));
            r.detail = str(rec.get("detail"));
            r.hint = str(rec.get("hint"));
            r.internalQuery = str(rec.get("internal_query"));
            r.context = str(rec.get("context"));
            r.query = str(rec.get("query"));
            r.application = str(rec.get("application_name"));
            r.backendType = str(rec.get("backend_type"));
            r.queryId = str(rec.get("query_id"));
            final JsonNode ts = root.get("ts");
            final long fallback = ts != null && ts.isNumber() ? Timestamps.fromEpochNumber(ts.asDouble())
                : LogEvent.NO_TIME;
            return fromRecord(env, text, r, fallback);
        }
        throw new ParseException("postgres_unrecognized_json", "neither jsonlog nor CloudNativePG: "
            + Scan.abbreviate(text));
    }

    private static String str(final JsonNode n) {
        if (n == null || n.isNull()) {
            return null;
        }
        return n.isValueNode() ? n.asText() : n.toString();
    }

    /** Columns common to csvlog, jsonlog and CloudNativePG records. */
    private static final class Rec {
        String time;
        String user;
        String database;
        String pid;
        String client;
        String sessionId;
        String commandTag;
        String severity;
        String sqlstate;
        String message;
        String detail;
        String hint;
        String internalQuery;
        String context;
        String query;
        String application;
        String backendType;
        String queryId;
    }

    private LogEvent fromRecord(final Envelope env, final String text, final Rec r, final long fallbackTime)
        throws ParseException {
        if (r.severity == null || r.severity.isEmpty()) {
            throw new ParseException("postgres_no_severity", "record without severity: "
                + Scan.abbreviate(text));
        }
        final Map<String, Object> f = new FieldMap(16);
        long time = r.time == null ? LogEvent.NO_TIME : pgTime(r.time, 0, r.time.length(), f);
        if (time == LogEvent.NO_TIME) {
            time = fallbackTime != LogEvent.NO_TIME ? fallbackTime : env.time();
        }
        f.put("severity", r.severity);
        putValue(f, "user", r.user);
        putValue(f, "database", r.database);
        if (r.pid != null) {
            final long pid = Scan.parseLong(r.pid, 0, r.pid.length());
            if (pid >= 0) {
                f.put("pid", pid);
            }
        }
        if (r.client != null && !"[local]".equals(r.client)) {
            final int colon = r.client.lastIndexOf(':');
            putValue(f, "client", colon > 0 && Scan.parseLong(r.client, colon + 1, r.client.length()) >= 0
                ? r.client.substring(0, colon) : r.client);
        } else {
            putValue(f, "client", r.client);
        }
        putValue(f, "session_id", r.sessionId);
        putValue(f, "command_tag", r.commandTag);
        putValue(f, "sqlstate", r.sqlstate);
        putValue(f, "application", r.application);
        putValue(f, "backend_type", r.backendType);
        putValue(f, "query_id", r.queryId);
        putValue(f, "detail", r.detail);
        putValue(f, "hint", r.hint);
        putValue(f, "context", r.context);
        putValue(f, "internal_query", r.internalQuery);
        putValue(f, "statement", r.query);
        final String main = r.message == null ? "" : r.message;
        applyMainText(f, main);
        final StringBuilder msg = new StringBuilder(main.length() + 32).append(r.severity).append(":  ").append(main);
        appendSection(msg, "DETAIL", r.detail);
        appendSection(msg, "HINT", r.hint);
        appendSection(msg, "QUERY", r.internalQuery);
        appendSection(msg, "CONTEXT", r.context);
        appendSection(msg, "STATEMENT", r.query);
        Long pid = (Long) f.get("pid");
        if (pid == null && env.pid() != null) {
            pid = env.pid().longValue();
            f.put("pid", pid);
        }
        final String service = env.unit() != null ? env.unit() : env.identifier();
        return new LogEvent(time, Source.POSTGRES, env.host(), service, Level.fromWord(r.severity), msg.toString(),
            text, f);
    }

    private static void appendSection(final StringBuilder msg, final String name, final String value) {
        if (value != null && !value.isEmpty()) {
            msg.append('\n').append(name).append(":  ").append(value);
        }
    }
}
