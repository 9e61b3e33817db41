package dev.vigil.parse;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SynapseParserTest {

    private final SynapseParser parser = new SynapseParser();

    private static Map<String, Object> map(final Object... kv) {
        final Map<String, Object> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    static Stream<Arguments> lines() {
        return Stream.of(
            // lamoboos223 homeserver.log
            Arguments.of("2023-09-25 11:42:05,651 - root - 350 - WARNING - main - ***** STARTING SERVER *****",
                "2023-09-25T11:42:05.651Z", Level.WARNING, "root - WARNING - ***** STARTING SERVER *****",
                map("logger", "root", "lineno", 350L, "level", "WARNING", "request", "main")),
            // synapse#5846 (2019): the older "request- message" separator
            Arguments.of("2019-08-21 11:59:06,450 - synapse.http.matrixfederationclient - 485 - WARNING - "
                    + "federation_transaction_transmission_loop-1873- {PUT-O-1305} [matrix.org] Request failed: PUT "
                    + "matrix://matrix.org/_matrix/federation/v1/send/1566201506386: TimeoutError(60, 'Deferred')",
                "2019-08-21T11:59:06.450Z", Level.WARNING,
                "synapse.http.matrixfederationclient - WARNING - {PUT-O-1305} [matrix.org] Request failed: PUT "
                    + "matrix://matrix.org/_matrix/federation/v1/send/1566201506386: TimeoutError(60, 'Deferred')",
                map("logger", "synapse.http.matrixfederationclient", "lineno", 485L, "level", "WARNING",
                    "request", "federation_transaction_transmission_loop-1873")),
            // alirad18 homeserver.log: empty request part
            Arguments.of("2020-07-08 23:04:34,773 - synapse.http.server - 83 - ERROR -  - Failed handle request via "
                    + "'CustomRestServlet'",
                "2020-07-08T23:04:34.773Z", Level.ERROR,
                "synapse.http.server - ERROR - Failed handle request via 'CustomRestServlet'",
                map("logger", "synapse.http.server", "lineno", 83L, "level", "ERROR")),
            // synapse issue excerpt (2017): "- {PUT-O-4514}" without a request name
            Arguments.of("2017-02-22 10:05:00,158 - synapse.http.matrixfederationclient - 183 - WARNING - - "
                    + "{PUT-O-4514} Sending request failed to christian-vogeley.de",
                "2017-02-22T10:05:00.158Z", Level.WARNING,
                "synapse.http.matrixfederationclient - WARNING - {PUT-O-4514} Sending request failed to "
                    + "christian-vogeley.de",
                map("logger", "synapse.http.matrixfederationclient", "lineno", 183L, "level", "WARNING")),
            // synapse issue excerpt (2022): access line with client and user
            Arguments.of("2022-06-12 16:18:06,632 - synapse.access.http.8008 - 450 - INFO - GET-96 - userIP2 - 8008 - "
                    + "{None} Processed request: 0.001sec/0.003sec (0.000sec, 0.000sec) (0.000sec/0.000sec/0) 88B 401 "
                    + "\"GET /_matrix/client/unstable/room_keys/version HTTP/1.0\" \"Mozilla/5.0 (Windows NT 10.0; "
                    + "Win64; x64; rv:101.0) Gecko/20100101 Firefox/101.0\" [0 dbevts]",
                "2022-06-12T16:18:06.632Z", Level.INFO,
                "userIP2 - 8008 - {None} Processed request: 0.001sec/0.003sec (0.000sec, 0.000sec) "
                    + "(0.000sec/0.000sec/0) 88B 401 \"GET /_matrix/client/unstable/room_keys/version HTTP/1.0\" "
                    + "\"Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:101.0) Gecko/20100101 Firefox/101.0\" "
                    + "[0 dbevts]",
                map("logger", "synapse.access.http.8008", "lineno", 450L, "level", "INFO", "request", "GET-96",
                    "kind", "access", "client", "userIP2", "site", "8008", "request_time", 0.001, "status", 401L,
                    "bytes", 88L, "method", "GET", "path", "/_matrix/client/unstable/room_keys/version",
                    "protocol", "HTTP/1.0",
                    "user_agent", "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:101.0) Gecko/20100101 Firefox/101.0")),
            // synapse issue excerpt (2021): client went away ("200!"), user, query string, old separator
            Arguments.of("2021-07-19 08:11:59,643 - synapse.access.http.8018 - 389 - INFO - GET-882740- "
                    + "93.186.147.84 - 8018 - {@Half-Shot:half-shot.uk} Processed request: 543.223sec/-463.236sec "
                    + "(0.003sec, 0.000sec) (0.000sec/0.000sec/0) 0B 200! \"GET /_matrix/client/r0/sync?filter=183"
                    + "&timeout=0 HTTP/1.0\" \"Element/1.7.32\" [0 dbevts]",
                "2021-07-19T08:11:59.643Z", Level.INFO,
                "93.186.147.84 - 8018 - {@Half-Shot:half-shot.uk} Processed request: 543.223sec/-463.236sec "
                    + "(0.003sec, 0.000sec) (0.000sec/0.000sec/0) 0B 200! \"GET /_matrix/client/r0/sync?filter=183"
                    + "&timeout=0 HTTP/1.0\" \"Element/1.7.32\" [0 dbevts]",
                map("logger", "synapse.access.http.8018", "lineno", 389L, "level", "INFO", "request", "GET-882740",
                    "kind", "access", "client", "93.186.147.84", "site", "8018", "user", "@Half-Shot:half-shot.uk",
                    "request_time", 543.223, "status", 200L, "disconnected", "true", "bytes", 0L, "method", "GET",
                    "path", "/_matrix/client/r0/sync", "query", "filter=183&timeout=0", "protocol", "HTTP/1.0",
                    "user_agent", "Element/1.7.32")),
            // alirad18 homeserver.log: client "-"
            Arguments.of("2020-07-08 18:50:18,672 - synapse.access.http.8008 - 312 - INFO - GET-3 - - - 8008 - {None} "
                    + "Processed request: 0.000sec/-0.000sec (0.000sec, 0.000sec) (0.000sec/0.000sec/0) 153B 404 "
                    + "\"GET /favicon.ico HTTP/1.1\" \"Mozilla/5.0\" [0 dbevts]",
                "2020-07-08T18:50:18.672Z", Level.INFO,
                "- - 8008 - {None} Processed request: 0.000sec/-0.000sec (0.000sec, 0.000sec) (0.000sec/0.000sec/0) "
                    + "153B 404 \"GET /favicon.ico HTTP/1.1\" \"Mozilla/5.0\" [0 dbevts]",
                map("logger", "synapse.access.http.8008", "lineno", 312L, "level", "INFO", "request", "GET-3",
                    "kind", "access", "site", "8008", "request_time", 0.0, "status", 404L, "bytes", 153L,
                    "method", "GET", "path", "/favicon.ico", "protocol", "HTTP/1.1", "user_agent", "Mozilla/5.0")),
            // evanrobinson2 homeserver.log (Synapse 1.121): no request name on access lines
            Arguments.of("2025-01-03 21:44:43,426 - synapse.access.http.8008 - 508 - INFO - ::1 - 8008 - "
                    + "{@evan:localhost} Processed request: 0.001sec/0.000sec (0.000sec, 0.000sec) "
                    + "(0.000sec/0.000sec/2) 340B 200 \"GET /_matrix/client/v3/rooms/!ycPw%3Alocalhost/members?"
                    + "not_membership=leave HTTP/1.1\" \"Element/1.11.89\" [0 dbevts]",
                "2025-01-03T21:44:43.426Z", Level.INFO,
                "::1 - 8008 - {@evan:localhost} Processed request: 0.001sec/0.000sec (0.000sec, 0.000sec) "
                    + "(0.000sec/0.000sec/2) 340B 200 \"GET /_matrix/client/v3/rooms/!ycPw%3Alocalhost/members?"
                    + "not_membership=leave HTTP/1.1\" \"Element/1.11.89\" [0 dbevts]",
                map("logger", "synapse.access.http.8008", "lineno", 508L, "level", "INFO", "kind", "access",
                    "client", "::1", "site", "8008", "user", "@evan:localhost", "request_time", 0.001, "status", 200L,
                    "bytes", 340L, "method", "GET", "path", "/_matrix/client/v3/rooms/!ycPw%3Alocalhost/members",
                    "query", "not_membership=leave", "protocol", "HTTP/1.1", "user_agent", "Element/1.11.89")));
    }

    @ParameterizedTest
    @MethodSource("lines")
    void shouldParseRealLines(final String line, final String time, final Level level, final String message,
                              final Map<String, Object> fields) throws ParseException {
        final LogEvent e = Fixtures.parse(parser, line);
        assertEquals(Fixtures.utc(time), e.time());
        assertEquals(Source.SYNAPSE, e.source());
        assertEquals(level, e.level());
        assertEquals(message, e.message());
        assertEquals(line, e.line());
        assertEquals(fields, e.fields());
        assertEquals(fields.get("logger"), e.service());
    }

    @Test
    void shouldFoldTracebackIntoItsEntry() {
        final Fixtures.Outcome out = Fixtures.runResource(parser, "synapse/lamoboos223_matrix_homeserver.log");
        assertEquals(List.of(), out.failures);
        final LogEvent e = out.events.get(7);
        assertEquals(Level.ERROR, e.level());
        assertEquals("synapse.app._base - ERROR - Exception during startup\nTraceback (most recent call last):",
            e.message().substring(0, e.message().indexOf("\n  File")));
        assertTrue(e.message().endsWith("psycopg2.OperationalError: could not connect to server: Connection refused\n"
            + "\tIs the server running on host \"127.0.0.1\" and accepting\n\tTCP/IP connections on port 5432?"));
        assertEquals(15, e.message().split("\n").length);
        assertEquals("main", e.field("request"));
    }

    @Test
    void shouldDecideContinuationLines() {
        final String pending = "2023-09-25 11:42:05,652 - synapse.app._base - 207 - ERROR - main - Exception";
        assertTrue(parser.continues(pending, "Traceback (most recent call last):"));
        assertTrue(parser.continues(pending, "  File \"/opt/matrix/synapse/server.py\", line 306, in setup"));
        assertTrue(parser.continues(pending, "psycopg2.OperationalError: could not connect to server"));
        assertTrue(parser.continues(pending, ""));
        assertFalse(parser.continues(pending, "2023-09-25 11:44:36,292 - root - 350 - WARNING - main - x"));
        assertFalse(parser.continues(null, "Traceback (most recent call last):"));
        final String journal = "Dec 07 15:25:22 localhost matrix-synapse[1667]: 2021-12-07 14:25:22,294 - "
            + "synapse.http.server - 671 - WARNING - PUT-216756 - x";
        assertTrue(parser.continues(journal, "Dec 07 15:25:22 localhost matrix-synapse[1667]: Traceback (most"));
        assertFalse(parser.continues(journal, "Dec 07 15:25:23 localhost systemd[1]: matrix-synapse.service: x"));
    }

    @Test
    void shouldStripJournalPrefixFromEveryLine() throws ParseException {
        final LogEvent e = Fixtures.parse(parser, "Dec 07 15:25:22 localhost.localdomain matrix-synapse[1667]: "
            + "2021-12-07 14:25:22,718 - synapse.federation.transport.server._base - 300 - WARNING - POST-216773 - "
            + "client disconnected\nDec 07 15:25:22 localhost.localdomain matrix-synapse[1667]: Traceback (most "
            + "recent call last):");
        assertEquals("synapse.federation.transport.server._base - WARNING - client disconnected\nTraceback (most "
            + "recent call last):", e.message());
        assertEquals("localhost.localdomain", e.host());
        assertEquals("matrix-synapse", e.service());
        assertEquals(Fixtures.utc("2021-12-07T14:25:22.718Z"), e.time());
    }

    @Test
    void shouldReadTimesInConfiguredZone() throws ParseException {
        final LogEvent e = Fixtures.parse(new SynapseParser(ZoneId.of("America/New_York")),
            "2021-10-16 10:02:19,224 - root - 338 - WARNING - main - ***** STARTING SERVER *****");
        assertEquals(Fixtures.utc("2021-10-16T14:02:19.224Z"), e.time());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "synapse/dhirajwork_chat-matrix_homeserver.log",
        "synapse/lamoboos223_matrix_homeserver.log",
        "synapse/alirad18_matrix_homeserver.lines300-1000.log",
        "synapse/evanrobinson2_luna2_homeserver.lines800-1000.log",
    })
    void shouldParseEveryEntryOfRealFiles(final String fixture) {
        final Fixtures.Outcome out = Fixtures.runResource(parser, fixture);
        assertEquals(List.of(), out.failures);
        assertTrue(out.entries > 0);
    }

    @Test
    void shouldFoldAliradTracebacks() {
        final Fixtures.Outcome out =
            Fixtures.runResource(parser, "synapse/alirad18_matrix_homeserver.lines300-1000.log");
        assertEquals(701, Fixtures.resource("synapse/alirad18_matrix_homeserver.lines300-1000.log").size() - 1);
        final long withTraceback = out.events.stream().filter(e -> e.message().contains("\nTraceback")).count();
        assertTrue(withTraceback >= 2, "tracebacks folded: " + withTraceback);
        assertTrue(out.events.stream().allMatch(e -> !e.message().startsWith("Traceback")));
    }

    @Test
    void shouldRejectOnlyForeignLinesOfIssueExcerpts() {
        // a custom journal format ("logger: [request] ...") and systemd's own lines are not homeserver.log lines;
        // the pasted lines after each (docker, "3/7/2019 10:32:39 PM" prefixes) fold into them
        final List<String> firstLines = Fixtures.runResource(parser, "synapse/github_issues_synapse_excerpts.log")
            .failedEntries.stream().map(t -> t.substring(0, Math.min(t.length(), 80)))
            .collect(Collectors.toList());
        assertEquals(List.of(
                "Jul 03 15:42:11 matrix synapse[32346]: synapse.access.http.8008: [GET-1676677] 1",
                "Jun 09 19:28:46 systemd[1]: matrix-synapse.service: Main process exited, code=ex"),
            firstLines);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "Traceback (most recent call last):",
        "2021-10-16 10:02:19 - root - 338 - WARNING - main - no millis",
        "2021-10-16 10:02:19,224 - root - 338 - warning - main - lower-case level",
    })
    void shouldRejectWhatIsNotASynapseEntry(final String text) {
        final ParseException ex = assertThrows(ParseException.class, () -> Fixtures.parse(parser, text));
        assertTrue(ex.reason().startsWith("synapse_"), ex.reason());
    }
}
