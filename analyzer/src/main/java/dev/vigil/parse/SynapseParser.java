package dev.vigil.parse;

import dev.vigil.ingest.Envelope;

import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Objects;

/**
 * Synapse {@code homeserver.log}: {@code YYYY-MM-DD HH:MM:SS,mmm - logger - lineno - LEVEL - request - message}.
 *
 * <p>The request part comes in the forms Synapse has used over the years: {@code GET-123 - text},
 * {@code  - text} (no request), the older {@code GET-123- text} and {@code - text}; a line without a request
 * part is accepted too. Every line that does not start with such a header (traceback lines, the final
 * {@code ExceptionType: text}, blank lines) continues the entry before it. An optional syslog/journal prefix
 * ({@code Mon DD HH:MM:SS host matrix-synapse[pid]: }) is stripped. Times have no zone and are read in the
 * constructor's zone (UTC by default).
 *
 * <p>Message: {@code "logger - LEVEL - text"} plus the folded lines. Fields: {@code logger}, {@code lineno},
 * {@code request} (when not empty), {@code level} (the word).
 *
 * <p>{@code synapse.access.*} {@code Processed request} lines additionally yield {@code kind=access},
 * {@code client} (absent for {@code -}), {@code site}, {@code user} (absent for {@code None}),
 * {@code request_time} (seconds, the first figure), {@code status} ({@code 200!} marks a client that went away:
 * the {@code !} is dropped and {@code disconnected="true"} set), {@code bytes}, {@code method}, {@code path}
 * (without query), {@code query}, {@code protocol} and {@code user_agent}; their message is the text after the
 * request name ({@code "client - site - {user} Processed request: ..."}). Synapse 1.12x writes these lines
 * without a request name; then the message starts at the client.
 */
public final class SynapseParser implements Parser {

    private static final String PROCESSED = " Processed request: ";

    private final ZoneId zone;

    /** Times read as UTC. */
    public SynapseParser() {
        this(ZoneOffset.UTC);
    }

    /** Times (local, without zone) read in {@code zone}. */
    public SynapseParser(final ZoneId zone) {
        this.zone = zone == null ? ZoneOffset.UTC : zone;
    }

    @Override
    public Source source() {
        return Source.SYNAPSE;
    }

    /**
     * A line continues the pending entry unless it starts with a log header. A syslog-prefixed line continues
     * only an entry from the same identifier and pid (journal exports of tracebacks), so that other programs'
     * lines in a mixed file are not glued to Synapse entries.
     */
    @Override
    public boolean continues(final String pending, final String line) {
        if (pending == null || line == null || isHeader(line, 0)) {
            return false;
        }
        if (line.isEmpty() || Character.isDigit(line.charAt(0)) || line.charAt(0) == ' '
            || !SyslogLine.startsWithTimestamp(line)) {
            return true;
        }
        final SyslogLine sl = SyslogLine.parse(line);
        if (sl == null) {
            return true;
        }
        if (isHeader(line, sl.messageStart())) {
            return false;
        }
        final int nl = pending.indexOf('\n');
        final SyslogLine first = SyslogLine.parse(nl < 0 ? pending : pending.substring(0, nl));
        return first != null && first.ident().equals(sl.ident()) && Objects.equals(first.pid(), sl.pid());
    }

    /** Whether the line starts with a Synapse log header ({@code YYYY-MM-DD HH:MM:SS,mmm - }). */
    public static boolean looksLikeSynapse(final String line) {
        return line != null && isHeader(line, 0);
    }

    private static boolean isHeader(final String s, final int off) {
        return s.length() >= off + 26 && s.charAt(off + 19) == ',' && s.startsWith(" - ", off + 23)
            && Timestamps.digits(s, off + 20, 3) >= 0 && Timestamps.dateTime19(s, off, '-') != LogEvent.NO_TIME;
    }

    @Override
    public LogEvent parse(final Envelope env) throws ParseException {
        final String text = env.text();
        if (text == null || text.isEmpty()) {
            throw new ParseException("synapse_empty", "empty entry");
        }
        String body = text;
        String host = env.host();
        String service = env.unit() != null ? env.unit() : env.identifier();
        if (!isHeader(text, 0)) {
            final int nl = text.indexOf('\n');
            final String first = nl < 0 ? text : text.substring(0, nl);
            final SyslogLine sl = SyslogLine.parse(first);
            if (sl == null || !isHeader(first, sl.messageStart())) {
                throw new ParseException("synapse_unrecognized_line", "no log header: "
                    + Scan.abbreviate(text));
            }
            body = nl < 0 ? sl.message(first) : sl.message(first) + stripSyslog(text.substring(nl));
            if (sl.host() != null) {
                host = sl.host();
            }
            if (service == null) {
                service = sl.ident();
            }
        }
        final long time = Timestamps.localToEpoch(Timestamps.dateTime19(body, 0, '-')
            + Timestamps.digits(body, 20, 3), zone);
        final Map<String, Object> f = new FieldMap(16);
        // logger
        int p = 26;
        final int loggerEnd = body.indexOf(" - ", p);
        if (loggerEnd <= p) {
            throw new ParseException("synapse_bad_header", "no logger: " + Scan.abbreviate(text));
        }
        final String logger = body.substring(p, loggerEnd);
        f.put("logger", logger);
        p = loggerEnd + 3;
        // lineno (optional) and LEVEL
        int tokEnd = wordEnd(body, p);
        final long lineno = Scan.parseLong(body, p, tokEnd);
        if (lineno >= 0 && body.startsWith(" - ", tokEnd)) {
            f.put("lineno", lineno);
            p = tokEnd + 3;
            tokEnd = wordEnd(body, p);
        }
        if (!isLevel(body, p, tokEnd)) {
            throw new ParseException("synapse_bad_header", "no level: " + Scan.abbreviate(text));
        }
        final String level = body.substring(p, tokEnd);
        f.put("level", level);
        // request and message
        String request = null;
        int msgStart;
        if (body.startsWith(" - ", tokEnd)) {
            final int r = tokEnd + 3;
            if (body.startsWith(" - ", r)) {
                request = "";
                msgStart = r + 3;
            } else if (r < body.length() && body.charAt(r) == '-'
                && (r + 1 == body.length() || body.charAt(r + 1) == ' ' || body.charAt(r + 1) == '\n')) {
                request = "";
                msgStart = Math.min(body.length(), r + 2);
            } else {
                final int re = wordEnd(body, r);
                if (re > r + 1 && body.charAt(re - 1) == '-' && re < body.length() && body.charAt(re) == ' ') {
                    request = body.substring(r, re - 1);
                    msgStart = re + 1;
                } else if (re > r && body.startsWith(" - ", re)) {
                    request = body.substring(r, re);
                    msgStart = re + 3;
                } else {
                    msgStart = r;
                }
            }
        } else if (tokEnd == body.length() || body.startsWith(" -", tokEnd)) {
            msgStart = Math.min(body.length(), tokEnd + 2);
        } else {
            throw new ParseException("synapse_bad_header", "no separator after level: "
                + Scan.abbreviate(text));
        }
        if (msgStart > body.length()) {
            msgStart = body.length();
        }
        String rest = Scan.trimTrailingBlankLines(body.substring(msgStart));
        if (logger.startsWith("synapse.access.")) {
            final String accessRest = access(f, rest, request);
            if (accessRest != null) {
                if (!accessRest.equals(rest)) {
                    request = null;
                }
                rest = accessRest;
            }
        }
        if (request != null && !request.isEmpty()) {
            f.put("request", request);
        }
        final String message;
        if ("access".equals(f.get("kind"))) {
            message = rest;
        } else {
            message = logger + " - " + level + " - " + rest;
        }
        if (service == null) {
            service = logger;
        }
        return new LogEvent(time, Source.SYNAPSE, host, service, Level.fromWord(level), message, text, f);
    }

    /** Removes the syslog prefix from each line of {@code rest} (which starts with a line break). */
    private static String stripSyslog(final String rest) {
        final StringBuilder b = new StringBuilder(rest.length());
        int start = 0;
        while (start < rest.length()) {
            int end = rest.indexOf('\n', start + 1);
            if (end < 0) {
                end = rest.length();
            }
            final String line = rest.substring(start + 1, end);
            final SyslogLine sl = SyslogLine.startsWithTimestamp(line) ? SyslogLine.parse(line) : null;
            b.append('\n').append(sl == null ? line : sl.message(line));
            start = end;
        }
        return b.toString();
    }

    /**
     * Parses a {@code Processed request} message into f. Returns the message to use (the given one, or one
     * starting at the client when the request name was really the client), or null when it is not one.
     */
    private static String access(final Map<String, Object> f, final String rest, final String request) {
        final int pr = rest.indexOf(PROCESSED);
        if (pr < 0) {
            return null;
        }
        final int open = rest.lastIndexOf('{', pr);
        final int close = open < 0 ? -1 : rest.indexOf('}', open);
        if (open < 0 || close < 0 || close > pr) {
            return null;
        }
        // "client - site - " before the {user}; values sit at even token positions
        final String[] values = new String[3];
        int count = 0;
        int p = 0;
        int tok = 0;
        while (p < open) {
            while (p < open && rest.charAt(p) == ' ') {
                p++;
            }
            final int e = wordEnd(rest, p);
            if (e > open || e == p) {
                break;
            }
            if (tok % 2 == 0) {
                if (count == values.length) {
                    return null;
                }
                values[count++] = rest.substring(p, e);
            }
            tok++;
            p = e;
        }
        String message = rest;
        final String client;
        final String site;
        if (count >= 2) {
            client = values[0];
            site = values[1];
        } else if (count == 1 && request != null && !request.isEmpty()) {
            client = request;
            site = values[0];
            message = request + " - " + rest;
        } else {
            return null;
        }
        f.put("kind", "access");
        if (!"-".equals(client)) {
            f.put("client", client);
        }
        f.put("site", site);
        final String user = rest.substring(open + 1, close);
        if (!user.isEmpty() && !"None".equals(user)) {
            f.put("user", user);
        }
        int q = pr + PROCESSED.length();
        final int sec = rest.indexOf("sec", q);
        if (sec > q) {
            final double t = Scan.lastNumber(rest, q, sec);
            if (!Double.isNaN(t)) {
                f.put("request_time", t);
            }
        }
        final int quote = rest.indexOf('"', q);
        if (quote < 0) {
            return message;
        }
        // "... 205B 200 "GET ..." → status is the token before the quote, bytes the one before that
        int se = quote - 1;
        int ss = se;
        while (ss > q && rest.charAt(ss - 1) != ' ') {
            ss--;
        }
        String status = rest.substring(ss, se);
        if (status.endsWith("!")) {
            status = status.substring(0, status.length() - 1);
            f.put("disconnected", "true");
        }
        final long code = Scan.parseLong(status, 0, status.length());
        if (code >= 0) {
            f.put("status", Scan.boxed(code));
        }
        final int be = ss - 1;
        int bs = be;
        while (bs > q && rest.charAt(bs - 1) != ' ') {
            bs--;
        }
        if (be > bs && rest.charAt(be - 1) == 'B') {
            final long bytes = Scan.parseLong(rest, bs, be - 1);
            if (bytes >= 0) {
                f.put("bytes", bytes);
            }
        }
        final int reqEnd = Scan.quoteEnd(rest, quote);
        if (reqEnd > quote) {
            Scan.putRequestParts(f, rest.substring(quote + 1, reqEnd));
            final int ua = rest.indexOf('"', reqEnd + 1);
            if (ua > 0) {
                final int uaEnd = Scan.quoteEnd(rest, ua);
                if (uaEnd > ua + 1 && !(uaEnd == ua + 2 && rest.charAt(ua + 1) == '-')) {
                    f.put("user_agent", rest.substring(ua + 1, uaEnd));
                }
            }
        }
        return message;
    }

    private static int wordEnd(final String s, final int from) {
        int i = from;
        while (i < s.length() && s.charAt(i) != ' ' && s.charAt(i) != '\n') {
            i++;
        }
        return i;
    }

    private static boolean isLevel(final String s, final int from, final int to) {
        if (to - from < 4 || to - from > 8) {
            return false;
        }
        for (int i = from; i < to; i++) {
            if (s.charAt(i) < 'A' || s.charAt(i) > 'Z') {
                return false;
            }
        }
        return true;
    }
}
