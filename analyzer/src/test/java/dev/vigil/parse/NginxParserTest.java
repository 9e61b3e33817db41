package dev.vigil.parse;

import dev.vigil.ingest.Envelope;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NginxParserTest {

    private final NginxParser parser = new NginxParser();

    private static Map<String, Object> map(final Object... kv) {
        final Map<String, Object> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    static Stream<Arguments> accessLines() {
        final String ua54 = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_12_0) AppleWebKit/537.36 (KHTML, like Gecko) "
            + "Chrome/54.0.2840.59 Safari/537.36";
        return Stream.of(
            // elastic/beats access.log: combined
            Arguments.of("77.179.66.156 - - [25/Oct/2016:14:49:34 +0200] \"GET /favicon.ico HTTP/1.1\" 404 571 "
                    + "\"http://localhost:8080/\" \"" + ua54 + "\"",
                "2016-10-25T12:49:34Z", Level.WARNING,
                map("kind", "access", "client", "77.179.66.156", "request", "GET /favicon.ico HTTP/1.1",
                    "method", "GET", "path", "/favicon.ico", "protocol", "HTTP/1.1", "status", 404L, "bytes", 571L,
                    "referer", "http://localhost:8080/", "user_agent", ua54)),
            // lnav shop log: combined + "$http_x_forwarded_for", query string, +0330
            Arguments.of("66.249.66.91 - - [22/Jan/2019:03:56:20 +0330] \"GET /filter/b874%2Cb32?page=4 HTTP/1.1\" "
                    + "200 39660 \"-\" \"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)\" "
                    + "\"-\"",
                "2019-01-22T00:26:20Z", Level.INFO,
                map("kind", "access", "client", "66.249.66.91", "request", "GET /filter/b874%2Cb32?page=4 HTTP/1.1",
                    "method", "GET", "path", "/filter/b874%2Cb32", "query", "page=4", "protocol", "HTTP/1.1",
                    "status", 200L, "bytes", 39660L,
                    "user_agent", "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)")),
            // lnav shop log: a real X-Forwarded-For value
            Arguments.of("66.249.83.1 - - [22/Jan/2019:03:58:26 +0330] \"GET /article/606 HTTP/1.1\" 302 0 \"-\" "
                    + "\"Mozilla/5.0 (Linux; Android 4.2.1)\" \"103.28.132.65\"",
                "2019-01-22T00:28:26Z", Level.INFO,
                map("kind", "access", "client", "66.249.83.1", "request", "GET /article/606 HTTP/1.1",
                    "method", "GET", "path", "/article/606", "protocol", "HTTP/1.1", "status", 302L, "bytes", 0L,
                    "user_agent", "Mozilla/5.0 (Linux; Android 4.2.1)", "forwarded_for", "103.28.132.65")),
            // lnav logfile_access_log.0: leading virtual host
            Arguments.of("lessons.example.com 192.168.0.1 - - [09/Jun/2020:12:10:39 -0700] \"GET /a.mp4 HTTP/1.1\" "
                    + "206 7648063 \"http://lessons.example.com/a.mp4\" \"Silk/81.2.16\"",
                "2020-06-09T19:10:39Z", Level.INFO,
                map("kind", "access", "vhost", "lessons.example.com", "client", "192.168.0.1",
                    "request", "GET /a.mp4 HTTP/1.1", "method", "GET", "path", "/a.mp4", "protocol", "HTTP/1.1",
                    "status", 206L, "bytes", 7648063L, "referer", "http://lessons.example.com/a.mp4",
                    "user_agent", "Silk/81.2.16")),
            // shynet#221: TLS handshake bytes sent to a plain-HTTP port
            Arguments.of("45.33.51.181 - - [06/Aug/2022:02:46:36 +0000] \"\\x16\\x03\\x01\\x01\" 400 166 \"-\" \"-\"",
                "2022-08-06T02:46:36Z", Level.WARNING,
                map("kind", "access", "client", "45.33.51.181", "request", "\\x16\\x03\\x01\\x01", "status", 400L,
                    "bytes", 166L)),
            // shynet#221: bare word instead of a request line
            Arguments.of("45.33.51.181 - - [06/Aug/2022:02:46:36 +0000] \"HELP\" 400 166 \"-\" \"-\"",
                "2022-08-06T02:46:36Z", Level.WARNING,
                map("kind", "access", "client", "45.33.51.181", "request", "HELP", "status", 400L, "bytes", 166L)),
            // fail2ban nginx-bad-request: empty request, authenticated user
            Arguments.of("12.34.56.78 - root [20/Jan/2015:19:53:28 +0100] \"\" 400 47 \"-\" \"-\" \"-\"",
                "2015-01-20T18:53:28Z", Level.WARNING,
                map("kind", "access", "client", "12.34.56.78", "user", "root", "request", "", "status", 400L,
                    "bytes", 47L)),
            // fail2ban nginx-bad-request: CONNECT
            Arguments.of("7.8.9.10 - root [20/Jan/2015:01:17:07 +0100] \"CONNECT 123.123.123.123 HTTP/1.1\" 400 162 "
                    + "\"-\" \"-\" \"-\"",
                "2015-01-20T00:17:07Z", Level.WARNING,
                map("kind", "access", "client", "7.8.9.10", "user", "root",
                    "request", "CONNECT 123.123.123.123 HTTP/1.1", "method", "CONNECT", "path", "123.123.123.123",
                    "protocol", "HTTP/1.1", "status", 400L, "bytes", 162L)),
            // sentry self-hosted#477: 502
            Arguments.of("172.21.0.1 - - [07/May/2020:03:15:12 +0000] \"GET / HTTP/1.1\" 502 157 \"-\" "
                    + "\"Mozilla/5.0 (X11; Fedora; Linux x86_64; rv:60.0) Gecko/20100101 Firefox/60.0\"",
                "2020-05-07T03:15:12Z", Level.ERROR,
                map("kind", "access", "client", "172.21.0.1", "request", "GET / HTTP/1.1", "method", "GET",
                    "path", "/", "protocol", "HTTP/1.1", "status", 502L, "bytes", 157L,
                    "user_agent", "Mozilla/5.0 (X11; Fedora; Linux x86_64; rv:60.0) Gecko/20100101 Firefox/60.0")),
            // elastic/examples apache_logs line 8899: the line is cut inside the user agent
            Arguments.of("46.118.127.106 - - [20/May/2015:12:05:17 +0000] \"GET /scripts/grok-py-test/configlib.py "
                    + "HTTP/1.1\" 200 235 \"-\" \"Mozilla/5.0 (compatible; Googlebot/2.1; "
                    + "+http://www.google.com/bot.html",
                "2015-05-20T12:05:17Z", Level.INFO,
                map("kind", "access", "client", "46.118.127.106",
                    "request", "GET /scripts/grok-py-test/configlib.py HTTP/1.1", "method", "GET",
                    "path", "/scripts/grok-py-test/configlib.py", "protocol", "HTTP/1.1", "status", 200L,
                    "bytes", 235L, "user_agent", "Mozilla/5.0 (compatible; Googlebot/2.1; "
                        + "+http://www.google.com/bot.html")));
    }

    @ParameterizedTest
    @MethodSource("accessLines")
    void shouldParseRealAccessLines(final String line, final String time, final Level level,
                                    final Map<String, Object> fields) throws ParseException {
        final LogEvent e = Fixtures.parse(parser, line);
        assertEquals(Fixtures.utc(time), e.time());
        assertEquals(Source.NGINX, e.source());
        assertEquals(level, e.level());
        assertEquals(line, e.message());
        assertEquals(line, e.line());
        assertEquals(fields, e.fields());
    }

    // The appended-field variants below take a real beats line and append what the respective log_format adds.
    private static final String BASE = "77.179.66.156 - - [25/Oct/2016:14:49:33 +0200] \"GET / HTTP/1.1\" 200 612 "
        + "\"-\" \"curl/7.50\"";

    static Stream<Arguments> appendedTimings() {
        return Stream.of(
            Arguments.of(" 0.123 0.120", 0.123, 0.120),
            Arguments.of(" 0.123 -", 0.123, null),
            Arguments.of(" - -", null, null),
            Arguments.of(" \"-\" 0.005 0.001, 0.004", 0.005, 0.004),
            Arguments.of(" \"10.0.0.1, 10.0.0.2\" 1.002 0.500 : 0.498", 1.002, 0.498),
            Arguments.of(" rt=0.123 uct=\"0.000\" uht=\"0.001\" urt=\"0.123\"", 0.123, 0.123),
            Arguments.of(" request_time=2.5 upstream_response_time=\"1.000, 2.400\"", 2.5, 2.4),
            Arguments.of(" \"0.050\" \"0.049\"", 0.05, 0.049));
    }

    @ParameterizedTest
    @MethodSource("appendedTimings")
    void shouldReadAppendedRequestAndUpstreamTimes(final String suffix, final Double requestTime,
                                                   final Double upstreamTime) throws ParseException {
        final LogEvent e = Fixtures.parse(parser, BASE + suffix);
        assertEquals(requestTime, e.fields().get("request_time"));
        assertEquals(upstreamTime, e.fields().get("upstream_time"));
        assertEquals(200L, e.fields().get("status"));
        assertEquals("curl/7.50", e.field("user_agent"));
    }

    @Test
    void shouldTakeForwardedForFromFirstQuotedExtraField() throws ParseException {
        final LogEvent e = Fixtures.parse(parser, BASE + " \"10.0.0.1, 10.0.0.2\" 1.002 0.500");
        assertEquals("10.0.0.1, 10.0.0.2", e.field("forwarded_for"));
    }

    @Test
    void shouldParseCommonFormatWithoutRefererAndAgent() throws ParseException {
        final LogEvent e = Fixtures.parse(parser,
            "192.168.202.254 - frank [20/Jul/2009:22:59:26 +0000] \"GET /vmw/cgi/tramp HTTP/1.0\" 200 134");
        assertEquals(map("kind", "access", "client", "192.168.202.254", "user", "frank",
            "request", "GET /vmw/cgi/tramp HTTP/1.0", "method", "GET", "path", "/vmw/cgi/tramp",
            "protocol", "HTTP/1.0", "status", 200L, "bytes", 134L), e.fields());
    }

    @ParameterizedTest
    @ValueSource(strings = {"PATCH /x HTTP/2.0", "GETX /x HTTP/1.1", "PROPFIND /x HTTP/1.12", "POS /x HTTP/3",
        "DELETE /x HTTP/1", "OPTIONS * HTTP/1.0"})
    void shouldSplitRequestsIntoMethodPathAndProtocolWhetherCommonOrNot(final String request)
        throws ParseException {
        final LogEvent e = Fixtures.parse(parser, "10.0.0.1 - - [20/Jul/2009:22:59:26 +0000] \"" + request
            + "\" 200 134");
        final String[] parts = request.split(" ");
        assertEquals(parts[0], e.field("method"));
        assertEquals(parts[1], e.field("path"));
        assertEquals(parts[2], e.field("protocol"));
    }

    @Test
    void shouldAcceptDashForByteCount() throws ParseException {
        assertNull(Fixtures.parse(parser, "10.0.0.1 - - [20/Jul/2009:22:59:26 +0000] \"GET / HTTP/1.0\" 304 -")
            .fields().get("bytes"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "hello world",
        "10.0.0.1 - - [20/Jul/2009:22:59:26 +0000] GET / 200 1",
        "10.0.0.1 - - [20/Jul/2009:22:59:26 +0000] \"GET /\" abc 1",
        "10.0.0.1 - - [99/Xyz/2009:22:59:26 +0000] \"GET / HTTP/1.0\" 200 1",
        "2016/10/25 14:49:34 [shout] 54053#0: *1 hello",
    })
    void shouldRejectLinesThatAreNotNginx(final String line) {
        final ParseException ex = assertThrows(ParseException.class, () -> Fixtures.parse(parser, line));
        assertTrue(ex.reason().startsWith("nginx_"), ex.reason());
    }

    static Stream<Arguments> errorLines() {
        return Stream.of(
            // elastic/beats error.log
            Arguments.of("2016/10/25 14:49:34 [error] 54053#0: *1 open() \"/usr/local/Cellar/nginx/1.10.2_1/html/"
                    + "favicon.ico\" failed (2: No such file or directory), client: 127.0.0.1, server: localhost, "
                    + "request: \"GET /favicon.ico HTTP/1.1\", host: \"localhost:8080\", "
                    + "referrer: \"http://localhost:8080/\"",
                "2016-10-25T14:49:34Z", Level.ERROR,
                "open() \"/usr/local/Cellar/nginx/1.10.2_1/html/favicon.ico\" failed (2: No such file or directory), "
                    + "client: 127.0.0.1, server: localhost, request: \"GET /favicon.ico HTTP/1.1\", "
                    + "host: \"localhost:8080\", referrer: \"http://localhost:8080/\"",
                map("kind", "error", "level", "error", "pid", 54053L, "tid", 0L, "cid", 1L, "client", "127.0.0.1",
                    "server", "localhost", "request", "GET /favicon.ico HTTP/1.1", "method", "GET",
                    "path", "/favicon.ico", "protocol", "HTTP/1.1", "vhost", "localhost:8080",
                    "referer", "http://localhost:8080/")),
            // sentry self-hosted#477: empty server, upstream
            Arguments.of("2020/05/07 03:15:12 [error] 6#6: *1 connect() failed (111: Connection refused) while "
                    + "connecting to upstream, client: 172.21.0.1, server: , request: \"GET / HTTP/1.1\", "
                    + "upstream: \"http://172.21.0.19:9000/\", host: \"0.0.0.0:9000\"",
                "2020-05-07T03:15:12Z", Level.ERROR,
                "connect() failed (111: Connection refused) while connecting to upstream, client: 172.21.0.1, "
                    + "server: , request: \"GET / HTTP/1.1\", upstream: \"http://172.21.0.19:9000/\", "
                    + "host: \"0.0.0.0:9000\"",
                map("kind", "error", "level", "error", "pid", 6L, "tid", 6L, "cid", 1L, "client", "172.21.0.1",
                    "request", "GET / HTTP/1.1", "method", "GET", "path", "/", "protocol", "HTTP/1.1",
                    "upstream", "http://172.21.0.19:9000/", "vhost", "0.0.0.0:9000")),
            // nginx-upsync-module#324: no connection id, no context
            Arguments.of("2024/08/15 14:30:54 [alert] 3690#0: cache manager process 3986 exited on signal 11",
                "2024-08-15T14:30:54Z", Level.ALERT, "cache manager process 3986 exited on signal 11",
                map("kind", "error", "level", "alert", "pid", 3690L, "tid", 0L)),
            // ubuntu-nginx-web-server#11: SSL handshake, client and server only
            Arguments.of("2018/06/24 22:41:22 [crit] 61481#61481: *1228609 SSL_do_handshake() failed (SSL: "
                    + "error:14209102:SSL routines:tls_early_post_process_client_hello:unsupported protocol) while "
                    + "SSL handshaking, client: 54.208.42.136, server: 0.0.0.0:443",
                "2018-06-24T22:41:22Z", Level.CRITICAL,
                "SSL_do_handshake() failed (SSL: error:14209102:SSL routines:tls_early_post_process_client_hello:"
                    + "unsupported protocol) while SSL handshaking, client: 54.208.42.136, server: 0.0.0.0:443",
                map("kind", "error", "level", "crit", "pid", 61481L, "tid", 61481L, "cid", 1228609L,
                    "client", "54.208.42.136", "server", "0.0.0.0:443")),
            // fail2ban nginx-limit-req: IPv6 client
            Arguments.of("2016/09/30 08:36:06 [error] 22923#0: *4758725916 limiting requests, excess: 15.243 by "
                    + "zone \"one\", client: 2001:db8::80da:af6b:8b2c, server: example.com, request: \"GET / "
                    + "HTTP/1.1\", host: \"example.com\"",
                "2016-09-30T08:36:06Z", Level.ERROR,
                "limiting requests, excess: 15.243 by zone \"one\", client: 2001:db8::80da:af6b:8b2c, "
                    + "server: example.com, request: \"GET / HTTP/1.1\", host: \"example.com\"",
                map("kind", "error", "level", "error", "pid", 22923L, "tid", 0L, "cid", 4758725916L,
                    "client", "2001:db8::80da:af6b:8b2c", "server", "example.com", "request", "GET / HTTP/1.1",
                    "method", "GET", "path", "/", "protocol", "HTTP/1.1", "vhost", "example.com")),
            // synapse#12971: nginx logging through the journal, syslog prefix kept; query string in request
            Arguments.of("Jun 18 12:18:01 localhost.localdomain matrix-nginx-proxy[30618]: 2022/06/18 10:18:01 "
                    + "[info] 23#23: *39851 epoll_wait() reported that client prematurely closed connection, "
                    + "client: 192.168.0.1, server: mx.chagai.website, request: \"GET /_matrix/client/r0/sync?"
                    + "timeout=0 HTTP/1.1\", host: \"mx.chagai.website\"",
                "2022-06-18T10:18:01Z", Level.INFO,
                "epoll_wait() reported that client prematurely closed connection, client: 192.168.0.1, "
                    + "server: mx.chagai.website, request: \"GET /_matrix/client/r0/sync?timeout=0 HTTP/1.1\", "
                    + "host: \"mx.chagai.website\"",
                map("kind", "error", "level", "info", "pid", 23L, "tid", 23L, "cid", 39851L,
                    "client", "192.168.0.1", "server", "mx.chagai.website",
                    "request", "GET /_matrix/client/r0/sync?timeout=0 HTTP/1.1", "method", "GET",
                    "path", "/_matrix/client/r0/sync", "query", "timeout=0", "protocol", "HTTP/1.1",
                    "vhost", "mx.chagai.website")));
    }

    @ParameterizedTest
    @MethodSource("errorLines")
    void shouldParseRealErrorLines(final String line, final String time, final Level level, final String message,
                                   final Map<String, Object> fields) throws ParseException {
        final LogEvent e = Fixtures.parse(parser, line);
        assertEquals(Fixtures.utc(time), e.time());
        assertEquals(level, e.level());
        assertEquals(message, e.message());
        assertEquals(line, e.line());
        assertEquals(fields, e.fields());
    }

    @Test
    void shouldTakeHostAndServiceFromSyslogPrefix() throws ParseException {
        final LogEvent e = Fixtures.parse(parser, "Jun 18 12:18:01 web1 nginx[30618]: 2022/06/18 10:18:01 [error] "
            + "23#23: *1 upstream timed out (110: Connection timed out), client: 10.0.0.1, server: x");
        assertEquals("web1", e.host());
        assertEquals("nginx", e.service());
    }

    @Test
    void shouldUseEnvelopeTimeForErrorLineWithoutDate() throws ParseException {
        // selfoss#1427 quotes the line without its date
        final String line = "[error] 1046#1046: *2094 upstream timed out (110: Connection timed out) while reading "
            + "response header from upstream, client: 192.168.17.1, server: localhost, request: \"GET /update "
            + "HTTP/1.1\", upstream: \"fastcgi://127.0.0.1:9000\", host: \"192.168.17.128\"";
        final Envelope env = new Envelope(line, Envelope.Kind.JOURNALD, 1_700_000_000_000L, "web1",
            "nginx.service", "nginx", null, 1046, 3, null, false);
        final LogEvent e = parser.parse(env);
        assertEquals(1_700_000_000_000L, e.time());
        assertEquals("web1", e.host());
        assertEquals("nginx.service", e.service());
        assertEquals("fastcgi://127.0.0.1:9000", e.field("upstream"));
        assertEquals(2094L, e.fields().get("cid"));
    }

    @Test
    void shouldReadErrorLogTimeInConfiguredZone() throws ParseException {
        final NginxParser berlin = new NginxParser(ZoneId.of("Europe/Berlin"));
        final LogEvent e = Fixtures.parse(berlin, "2016/10/25 14:49:34 [error] 54053#0: *3 open() failed");
        assertEquals(Fixtures.utc("2016-10-25T12:49:34Z"), e.time());
    }

    @Test
    void shouldFoldFastCgiStderrIntoErrorEntry() {
        final Fixtures.Outcome out = Fixtures.runResource(parser, "nginx/elastic_beats_nginx_error_test.log");
        assertEquals(4, out.entries);
        assertEquals(List.of(), out.failures);
        final LogEvent fcgi = out.events.get(2);
        assertEquals(180289L, fcgi.fields().get("cid"));
        assertEquals(3, fcgi.message().split("\n").length);
        assertTrue(fcgi.message().startsWith("FastCGI sent in stderr: \"PHP message: PHP Warning:  Declaration of "
            + "FEE_Field_Terms::wrap"));
        assertTrue(fcgi.message().endsWith("front-end-editor/php/fields/post.php on line 0"));
    }

    @Test
    void shouldNotFoldIntoAccessEntries() {
        final String access = "127.0.0.1 - - [07/Dec/2016:11:04:37 +0100] \"GET /test1 HTTP/1.1\" 404 571 \"-\" \"-\"";
        assertFalse(parser.continues(access, "PHP message: x"));
        assertFalse(parser.continues(null, "PHP message: x"));
        assertTrue(parser.continues("2019/10/30 23:26:34 [error] 1#1: *1 FastCGI sent in stderr: \"x",
            "PHP message: y"));
        assertFalse(parser.continues("2019/10/30 23:26:34 [error] 1#1: *1 x",
            "2019/10/30 23:26:35 [error] 1#1: *2 y"));
        assertFalse(parser.continues("2019/10/30 23:26:34 [error] 1#1: *1 x", access));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "nginx/lnav_shop_access_log.nginx-combined.log",
        "nginx/elastic_beats_nginx_access_test.log",
        "nginx/elastic_beats_nginx_error_test.log",
        "nginx/lnav_logfile_access_log.0.log",
        "nginx/github_issues_nginx_error_excerpts.log",
        "nginx/github_issues_nginx_access_5xx_excerpts.log",
        "nginx/fail2ban_nginx-bad-request.log",
        "nginx/fail2ban_nginx-limit-req.log",
    })
    void shouldParseEveryEntryOfRealFiles(final String fixture) {
        final Fixtures.Outcome out = Fixtures.runResource(parser, fixture);
        assertEquals(List.of(), out.failures);
        assertTrue(out.entries > 0);
        for (final LogEvent e : out.events) {
            assertTrue(e.time() != LogEvent.NO_TIME || e.line().startsWith("[")
                || e.line().startsWith("host "), e.line());
        }
    }

    @Test
    void shouldCountAllThousandShopLines() {
        final Fixtures.Outcome out = Fixtures.runResource(parser, "nginx/lnav_shop_access_log.nginx-combined.log");
        assertEquals(1000, out.events.size());
        assertEquals(1000, out.events.stream().filter(e -> "access".equals(e.field("kind"))).count());
    }

    @Test
    void shouldReadEachLinesOwnTimeWhenNeighboursShareOrAlmostShareIt() throws ParseException {
        final String[][] lines = {
            {"01/May/2024:00:00:07 +0000", "2024-05-01T00:00:07Z"},
            {"01/May/2024:00:00:07 +0000", "2024-05-01T00:00:07Z"},
            {"01/May/2024:00:00:08 +0000", "2024-05-01T00:00:08Z"},
            {"01/May/2024:00:00:08 -0700", "2024-05-01T07:00:08Z"},
            {"01/May/2024:00:00:08 +0000", "2024-05-01T00:00:08Z"},
            {"02/May/2024:00:00:08 +0000", "2024-05-02T00:00:08Z"},
        };
        for (final String[] l : lines) {
            final LogEvent e = parser.parse(Envelope.raw(
                "203.0.113.9 - - [" + l[0] + "] \"GET / HTTP/1.1\" 200 5 \"-\" \"curl/8.0\""));
            assertEquals(java.time.Instant.parse(l[1]).toEpochMilli(), e.time(), l[0]);
        }
    }
}
