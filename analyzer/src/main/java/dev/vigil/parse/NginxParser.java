package dev.vigil.parse;

import dev.vigil.ingest.Envelope;

import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;

/**
 * nginx access and error logs, parsed by hand-written scanners (no regex on this hot path).
 *
 * <p><b>Access</b>: {@code combined}
 * ({@code $remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer"
 * "$http_user_agent"}), {@code common} (no referer/agent), an optional leading virtual host, and anything
 * appended after: quoted fields (the first one that looks like an address list becomes {@code forwarded_for}),
 * bare numbers ({@code $request_time} then {@code $upstream_response_time}; {@code -} keeps its place; lists
 * such as {@code 0.001, 0.002} or {@code 0.1 : 0.2} yield their last value) and {@code key=value} pairs
 * ({@code rt}/{@code request_time}, {@code urt}/{@code upstream_response_time}/{@code upstream_time}, quoted or
 * not). A request line that is not {@code METHOD URI [PROTOCOL]} (TLS handshakes, scanners) keeps only
 * {@code request}. Fields: {@code kind=access}, {@code client}, {@code user} (absent for {@code -}),
 * {@code vhost}, {@code request}, {@code method}, {@code path} (without query), {@code query},
 * {@code protocol}, {@code status}, {@code bytes}, {@code referer}, {@code user_agent} (absent for {@code -}),
 * {@code request_time}, {@code upstream_time}, {@code forwarded_for}. Level: status 5xx ERROR, 4xx WARNING,
 * else INFO. Message: the whole access line.
 *
 * <p><b>Error</b>: {@code YYYY/MM/DD HH:MM:SS [level] pid#tid: *cid text, client: X, server: Y, request: "...",
 * upstream: "...", host: "...", referrer: "..."} (the {@code *cid} part optional; a line that starts at
 * {@code [level]} is accepted without time). The time has no zone and is read in the zone given to the
 * constructor (UTC by default). Fields: {@code kind=error}, {@code level}, {@code pid}, {@code tid},
 * {@code cid}, {@code client}, {@code server}, {@code request} and the {@code method}/{@code path}/{@code query}/
 * {@code protocol} parsed from it, {@code upstream}, {@code vhost} (the {@code host:} value), {@code referer}.
 * Message: the text after {@code "*cid "} (or {@code "pid#tid: "}), trailing context included. Lines that do not
 * start a new nginx entry (FastCGI stderr spills such as {@code PHP message: ...}) continue an error entry.
 *
 * <p>Either kind may carry a syslog prefix ({@code Mon DD HH:MM:SS host nginx[pid]: }), which is stripped.
 */
public final class NginxParser implements Parser {

    private final ZoneId errorLogZone;

    /** Error-log times read as UTC. */
    public NginxParser() {
        this(ZoneOffset.UTC);
    }

    /** Error-log times (local time without zone) read in {@code errorLogZone}. */
    public NginxParser(final ZoneId errorLogZone) {
        this.errorLogZone = errorLogZone == null ? ZoneOffset.UTC : errorLogZone;
    }

    @Override
    public Source source() {
        return Source.NGINX;
    }

    @Override
    public boolean continues(final String pending, final String line) {
        if (pending == null || line == null) {
            return false;
        }
        if (!isError(pending) && !isError(syslogBody(pending))) {
            return false;
        }
        return !startsEntry(line);
    }

    /** Only error-log entries can carry continuation lines (FastCGI stderr); access lines are parsed at once. */
    @Override
    public boolean mayContinue(final String firstLine) {
        // an access line (most of the volume) is neither and has no syslog time to parse
        return firstLine != null && (isError(firstLine)
            || SyslogLine.startsWithTimestamp(firstLine) && isError(syslogBody(firstLine)));
    }

    private static boolean startsEntry(final String line) {
        return isError(line) || looksLikeAccess(line) || SyslogLine.startsWithTimestamp(line);
    }

    private static String syslogBody(final String s) {
        final SyslogLine sl = SyslogLine.parse(firstLine(s));
        return sl == null ? "" : sl.message(firstLine(s));
    }

    private static String firstLine(final String s) {
        final int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** Whether the line starts like an nginx error-log entry ({@code YYYY/MM/DD HH:MM:SS [} or {@code [level] }). */
    public static boolean looksLikeError(final String line) {
        return isError(line);
    }

    /** Whether the line has the shape of an access-log line (address tokens, then {@code [dd/Mon/yyyy:...]}). */
    public static boolean looksLikeAccess(final String line) {
        return line != null && accessTimeStart(line) >= 0;
    }

    @Override
    public LogEvent parse(final Envelope env) throws ParseException {
        final String text = env.text();
        if (text == null || text.isEmpty()) {
            throw new ParseException("nginx_empty", "empty entry");
        }
        String body = text;
        String host = env.host();
        String service = env.unit() != null ? env.unit() : env.identifier();
        // each shape test once: an access line is most of the volume
        boolean error = isError(text);
        int ts = error ? -1 : accessTimeStart(text);
        if (!error && ts < 0) {
            final String first = firstLine(text);
            final SyslogLine sl = SyslogLine.parseLenient(first);
            if (sl != null) {
                body = sl.message(first) + text.substring(first.length());
                if (sl.host() != null) {
                    host = sl.host();
                }
                if (service == null) {
                    service = sl.ident();
                }
                error = isError(body);
                ts = error ? -1 : accessTimeStart(body);
            }
        }
        if (error) {
            return parseError(env, text, body, host, service);
        }
        if (ts >= 0) {
            return parseAccess(env, text, body, ts, host, service);
        }
        throw new ParseException("nginx_unrecognized_line", "neither access nor error log: " + Scan.abbreviate(text));
    }

    // --- access log --------------------------------------------------------------------------------------------

    /**
     * Index of the '[' that opens the time of an access line, after 3 tokens (client ident user) or 4 (vhost
     * client ident user); -1 when the line does not have that shape.
     */
    private static int accessTimeStart(final String s) {
        int p = 0;
        final int n = Math.min(s.length(), 512);
        int tokens = 0;
        while (p < n && s.charAt(p) != '[') {
            final int start = p;
            while (p < n && s.charAt(p) != ' ') {
                p++;
            }
            if (p == start || p >= n) {
                return -1;
            }
            tokens++;
            if (tokens > 4) {
                return -1;
            }
            p++;
        }
        if (tokens < 3 || p + 28 > s.length()) {
            return -1;
        }
        // [10/Oct/2000:13:55:36 -0700]
        if (s.charAt(p + 3) != '/' || s.charAt(p + 7) != '/' || s.charAt(p + 12) != ':'
            || Timestamps.digits(s, p + 1, 2) < 0 || Timestamps.month3(s, p + 4) < 0) {
            return -1;
        }
        return p;
    }

    private LogEvent parseAccess(final Envelope env, final String text, final String s, final int ts,
                                 final String host, final String service) throws ParseException {
        final Map<String, Object> f = new FieldMap(16);
        f.put("kind", "access");
        // tokens before the time
        final int t1 = s.indexOf(' ');
        final int t2 = s.indexOf(' ', t1 + 1);
        final int t3 = s.indexOf(' ', t2 + 1);
        final int userStart;
        if (t3 + 1 < ts) {
            f.put("vhost", s.substring(0, t1));
            f.put("client", s.substring(t1 + 1, t2));
            userStart = t3 + 1;
        } else {
            f.put("client", s.substring(0, t1));
            userStart = t2 + 1;
        }
        if (ts - 1 > userStart && !(ts - 1 - userStart == 1 && s.charAt(userStart) == '-')) {
            f.put("user", s.substring(userStart, ts - 1));
        }
        // time
        final int close = s.indexOf(']', ts);
        if (close < 0) {
            throw new ParseException("nginx_bad_access_line", "unterminated time: " + Scan.abbreviate(text));
        }
        final long time = accessTime(s, ts, close);
        if (time == LogEvent.NO_TIME) {
            throw new ParseException("nginx_bad_access_line", "bad time: " + Scan.abbreviate(text));
        }
        // request
        int p = close + 1;
        if (p + 1 >= s.length() || s.charAt(p) != ' ' || s.charAt(p + 1) != '"') {
            throw new ParseException("nginx_bad_access_line", "no request: " + Scan.abbreviate(text));
        }
        final int reqEnd = Scan.quoteEnd(s, p + 1);
        if (reqEnd < 0) {
            throw new ParseException("nginx_bad_access_line", "unterminated request: " + Scan.abbreviate(text));
        }
        final String request = s.substring(p + 2, reqEnd);
        f.put("request", request);
        Scan.putRequestParts(f, request);
        // status and bytes
        p = reqEnd + 1;
        if (p >= s.length() || s.charAt(p) != ' ') {
            throw new ParseException("nginx_bad_access_line", "no status: " + Scan.abbreviate(text));
        }
        p++;
        final int statusEnd = tokenEnd(s, p);
        final long status = Scan.parseLong(s, p, statusEnd);
        if (status < 0) {
            throw new ParseException("nginx_bad_access_line", "bad status: " + Scan.abbreviate(text));
        }
        f.put("status", Scan.boxed(status));
        p = statusEnd;
        if (p < s.length()) {
            p++;
            final int bytesEnd = tokenEnd(s, p);
            final long bytes = Scan.parseLong(s, p, bytesEnd);
            if (bytes >= 0) {
                f.put("bytes", bytes);
            } else if (!(bytesEnd - p == 1 && s.charAt(p) == '-')) {
                throw new ParseException("nginx_bad_access_line", "bad byte count: " + Scan.abbreviate(text));
            }
            p = bytesEnd;
        }
        p = skipSpaces(s, p);
        // combined: referer and user agent (an unterminated last quote, as in cut lines, runs to the end)
        if (p < s.length() && s.charAt(p) == '"') {
            final int e = quoteEndOrLength(s, p);
            putUnlessDash(f, "referer", s, p + 1, e);
            p = skipSpaces(s, e + 1);
            if (p < s.length() && s.charAt(p) == '"') {
                final int e2 = quoteEndOrLength(s, p);
                putUnlessDash(f, "user_agent", s, p + 1, e2);
                p = e2 + 1;
            }
        }
        parseExtras(f, s, p);
        final Level level = status >= 500 ? Level.ERROR : status >= 400 ? Level.WARNING : Level.INFO;
        return new LogEvent(time, Source.NGINX, host, service, level, s, text, f);
    }

    /** The last access-log time read and its text: consecutive lines mostly share their second. */
    private record LastTime(String text, long millis) {
    }

    /** Shared by the threads using this parser: each compares the text before taking the value (records are safe). */
    private LastTime lastAccessTime;

    private long accessTime(final String s, final int open, final int close) {
        final LastTime last = lastAccessTime;
        final int len = close - open;
        if (last != null && last.text.length() == len && s.regionMatches(open, last.text, 0, len)) {
            return last.millis;
        }
        final long t = readAccessTime(s, open, close);
        if (t != LogEvent.NO_TIME) {
            lastAccessTime = new LastTime(s.substring(open, close), t);
        }
        return t;
    }

    private static long readAccessTime(final String s, final int open, final int close) {
        // [dd/Mon/yyyy:HH:MM:SS +zzzz]
        final int day = Timestamps.digits(s, open + 1, 2);
        final int month = Timestamps.month3(s, open + 4);
        final int year = Timestamps.digits(s, open + 8, 4);
        final int hour = Timestamps.digits(s, open + 13, 2);
        final int minute = Timestamps.digits(s, open + 16, 2);
        final int second = Timestamps.digits(s, open + 19, 2);
        if ((day | month | year | hour | minute | second) < 0 || s.charAt(open + 15) != ':'
            || s.charAt(open + 18) != ':') {
            return LogEvent.NO_TIME;
        }
        final long local = Timestamps.utcMillis(year, month, day, hour, minute, second, 0);
        if (local == LogEvent.NO_TIME) {
            return LogEvent.NO_TIME;
        }
        int zs = open + 21;
        if (zs < close && s.charAt(zs) == ' ') {
            zs++;
        }
        if (zs >= close) {
            return local;
        }
        final int off = Timestamps.zoneOffsetSeconds(s, zs, close);
        return off == Timestamps.UNKNOWN_ZONE ? local : local - off * 1000L;
    }

    /** Appended fields after the fixed ones: quoted strings, bare numbers (lists), key=value pairs. */
    private static void parseExtras(final Map<String, Object> f, final String s, final int from) {
        int p = from;
        final int n = s.length();
        int numericGroups = 0;
        boolean quotedSeen = false;
        while (true) {
            p = skipSpaces(s, p);
            if (p >= n) {
                return;
            }
            final char c = s.charAt(p);
            if (c == '"') {
                final int e = Scan.quoteEnd(s, p);
                if (e < 0) {
                    return;
                }
                // a quoted number is a timing; a quoted "-" is an empty header field ($http_x_forwarded_for)
                final double v = Scan.lastNumber(s, p + 1, e);
                if (!Double.isNaN(v)) {
                    numericGroups = putNumericGroup(f, numericGroups, v);
                } else if (!quotedSeen) {
                    quotedSeen = true;
                    if (looksLikeAddressList(s, p + 1, e)) {
                        f.put("forwarded_for", s.substring(p + 1, e));
                    }
                }
                p = e + 1;
                continue;
            }
            int e = tokenEnd(s, p);
            final int eq = indexOf(s, '=', p, e);
            if (eq > p) {
                // key=value, the value possibly quoted (and then possibly containing spaces)
                int vs = eq + 1;
                int ve = e;
                if (vs < n && s.charAt(vs) == '"') {
                    final int q = Scan.quoteEnd(s, vs);
                    if (q < 0) {
                        return;
                    }
                    vs++;
                    ve = q;
                    e = q + 1;
                }
                putKeyValue(f, s, p, eq, vs, ve);
                p = e;
                continue;
            }
            // a bare token: a number, '-' or a list continued by trailing commas or ':' tokens
            double v = Scan.lastNumber(s, p, e);
            final boolean numeric = !Double.isNaN(v) || isDash(s, p, e);
            if (!numeric) {
                p = e;
                continue;
            }
            boolean more = s.charAt(e - 1) == ',';
            p = e;
            while (true) {
                final int q = skipSpaces(s, p);
                if (q >= n) {
                    break;
                }
                if (!more && s.charAt(q) == ':' && (q + 1 == n || s.charAt(q + 1) == ' ')) {
                    more = true;
                    p = q + 1;
                    continue;
                }
                if (!more) {
                    break;
                }
                final int qe = tokenEnd(s, q);
                final double next = Scan.lastNumber(s, q, qe);
                if (Double.isNaN(next) && !isDash(s, q, qe)) {
                    break;
                }
                v = next;
                more = s.charAt(qe - 1) == ',';
                p = qe;
            }
            numericGroups = putNumericGroup(f, numericGroups, v);
        }
    }

    private static int putNumericGroup(final Map<String, Object> f, final int groups, final double v) {
        if (!Double.isNaN(v)) {
            if (groups == 0) {
                f.putIfAbsent("request_time", v);
            } else if (groups == 1) {
                f.putIfAbsent("upstream_time", v);
            }
        }
        return groups + 1;
    }

    private static void putKeyValue(final Map<String, Object> f, final String s, final int ks, final int ke,
                                    final int vs, final int ve) {
        final String key = s.substring(ks, ke);
        switch (key) {
            case "rt":
            case "request_time": {
                final double v = Scan.lastNumber(s, vs, ve);
                if (!Double.isNaN(v)) {
                    f.put("request_time", v);
                }
                break;
            }
            case "urt":
            case "upstream_response_time":
            case "upstream_time":
            case "ups_rt": {
                final double v = Scan.lastNumber(s, vs, ve);
                if (!Double.isNaN(v)) {
                    f.put("upstream_time", v);
                }
                break;
            }
            default:
                break;
        }
    }

    private static boolean isDash(final String s, final int from, final int to) {
        return to - from == 1 && s.charAt(from) == '-';
    }

    private static boolean looksLikeAddressList(final String s, final int from, final int to) {
        if (to <= from) {
            return false;
        }
        boolean digit = false;
        for (int i = from; i < to; i++) {
            final char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                digit = true;
            } else if (!(c == '.' || c == ':' || c == ',' || c == ' ' || c >= 'a' && c <= 'f'
                || c >= 'A' && c <= 'F')) {
                return false;
            }
        }
        return digit;
    }

    // --- error log ---------------------------------------------------------------------------------------------

    private static boolean isError(final String s) {
        if (s == null) {
            return false;
        }
        if (s.length() > 21 && s.charAt(19) == ' ' && s.charAt(20) == '['
            && Timestamps.dateTime19(s, 0, '/') != LogEvent.NO_TIME) {
            return true;
        }
        return s.length() > 3 && s.charAt(0) == '[' && levelEnd(s, 1) > 0;
    }

    /** Index of the ']' closing a known nginx level word that starts at {@code from}, else -1. */
    private static int levelEnd(final String s, final int from) {
        final int close = s.indexOf(']', from);
        if (close < 0 || close - from > 6 || close + 1 >= s.length() || s.charAt(close + 1) != ' ') {
            return -1;
        }
        switch (s.substring(from, close)) {
            case "debug":
            case "info":
            case "notice":
            case "warn":
            case "error":
            case "crit":
            case "alert":
            case "emerg":
                return close;
            default:
                return -1;
        }
    }

    private LogEvent parseError(final Envelope env, final String text, final String s, final String host,
                                final String service) throws ParseException {
        long time = env.time();
        int p = 0;
        if (s.charAt(0) != '[') {
            time = Timestamps.localToEpoch(Timestamps.dateTime19(s, 0, '/'), errorLogZone);
            p = 20;
        }
        final int close = levelEnd(s, p + 1);
        if (close < 0) {
            throw new ParseException("nginx_bad_error_line", "unknown level: " + Scan.abbreviate(text));
        }
        final Map<String, Object> f = new FieldMap(16);
        f.put("kind", "error");
        final String word = s.substring(p + 1, close);
        f.put("level", word);
        p = close + 2;
        // pid#tid:
        final int hash = s.indexOf('#', p);
        final int pidEnd = hash < 0 ? -1 : hash;
        if (pidEnd > p) {
            final long pid = Scan.parseLong(s, p, pidEnd);
            int te = pidEnd + 1;
            while (te < s.length() && s.charAt(te) >= '0' && s.charAt(te) <= '9') {
                te++;
            }
            if (pid >= 0 && te > pidEnd + 1 && te + 1 < s.length() && s.charAt(te) == ':'
                && s.charAt(te + 1) == ' ') {
                f.put("pid", pid);
                f.put("tid", Scan.parseLong(s, pidEnd + 1, te));
                p = te + 2;
                if (p < s.length() && s.charAt(p) == '*') {
                    int ce = p + 1;
                    while (ce < s.length() && s.charAt(ce) >= '0' && s.charAt(ce) <= '9') {
                        ce++;
                    }
                    if (ce > p + 1 && ce < s.length() && s.charAt(ce) == ' ') {
                        f.put("cid", Scan.parseLong(s, p + 1, ce));
                        p = ce + 1;
                    }
                }
            }
        }
        final String message = Scan.trimTrailingBlankLines(s.substring(Math.min(p, s.length())));
        putContext(f, message);
        final Object request = f.get("request");
        if (request != null) {
            Scan.putRequestParts(f, (String) request);
        }
        return new LogEvent(time, Source.NGINX, host, service, Level.fromWord(word), message, text, f);
    }

    /** Parses the {@code , client: X, server: Y, request: "..."} context nginx appends to error messages. */
    private static void putContext(final Map<String, Object> f, final String m) {
        int p = m.indexOf(", client: ");
        if (p < 0) {
            p = m.indexOf(", server: ");
            if (p < 0) {
                return;
            }
        }
        p += 2;
        final int n = m.length();
        while (p < n) {
            final int colon = m.indexOf(": ", p);
            if (colon < 0 || !isKey(m, p, colon)) {
                return;
            }
            final String key = m.substring(p, colon);
            int vs = colon + 2;
            int ve;
            int next;
            if (vs < n && m.charAt(vs) == '"') {
                vs++;
                ve = -1;
                for (int i = vs; i < n; i++) {
                    if (m.charAt(i) == '"' && (i + 1 == n || nextKeyAt(m, i + 1))) {
                        ve = i;
                        break;
                    }
                }
                if (ve < 0) {
                    ve = n;
                    next = n;
                } else {
                    next = ve + 3;
                }
            } else {
                ve = n;
                for (int i = vs; i < n; i++) {
                    if (m.charAt(i) == ',' && nextKeyAt(m, i)) {
                        ve = i;
                        break;
                    }
                }
                next = ve + 2;
            }
            if (ve > vs) {
                final String value = m.substring(vs, ve);
                switch (key) {
                    case "host":
                        f.put("vhost", value);
                        break;
                    case "referrer":
                        f.put("referer", value);
                        break;
                    case "client":
                    case "server":
                    case "request":
                    case "upstream":
                    case "subrequest":
                        f.put(key, value);
                        break;
                    default:
                        break;
                }
            }
            p = next;
        }
    }

    /** Whether {@code ", key: "} starts at i (i at the comma). */
    private static boolean nextKeyAt(final String m, final int i) {
        if (i + 2 >= m.length() || m.charAt(i) != ',' || m.charAt(i + 1) != ' ') {
            return false;
        }
        int j = i + 2;
        final int start = j;
        while (j < m.length() && (m.charAt(j) >= 'a' && m.charAt(j) <= 'z' || m.charAt(j) == '_')) {
            j++;
        }
        return j > start && j + 1 < m.length() && m.charAt(j) == ':' && m.charAt(j + 1) == ' ';
    }

    private static boolean isKey(final String m, final int from, final int to) {
        if (to <= from || to - from > 20) {
            return false;
        }
        for (int i = from; i < to; i++) {
            final char c = m.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c == '_')) {
                return false;
            }
        }
        return true;
    }

    // --- shared helpers ----------------------------------------------------------------------------------------

    private static int quoteEndOrLength(final String s, final int open) {
        final int e = Scan.quoteEnd(s, open);
        return e < 0 ? s.length() : e;
    }

    private static int tokenEnd(final String s, final int from) {
        int i = from;
        while (i < s.length() && s.charAt(i) != ' ') {
            i++;
        }
        return i;
    }

    private static int skipSpaces(final String s, final int from) {
        int i = from;
        while (i < s.length() && s.charAt(i) == ' ') {
            i++;
        }
        return i;
    }

    private static int indexOf(final String s, final char c, final int from, final int to) {
        for (int i = from; i < to; i++) {
            if (s.charAt(i) == c) {
                return i;
            }
        }
        return -1;
    }

    private static void putUnlessDash(final Map<String, Object> f, final String key, final String s,
                                      final int from, final int to) {
        if (to > from && !isDash(s, from, to)) {
            f.put(key, s.substring(from, to));
        }
    }
}
