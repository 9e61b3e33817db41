package dev.vigil.ingest;

import dev.vigil.parse.LogEvent;
import dev.vigil.parse.Source;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class SourceDetectorTest {

    private static Envelope journal(final String unit, final String ident) {
        return new Envelope("x", Envelope.Kind.JOURNALD, LogEvent.NO_TIME, "h", unit, ident, null, null, 6, null,
            false);
    }

    private static Envelope file(final String path) {
        return new Envelope("x", Envelope.Kind.FILEBEAT, LogEvent.NO_TIME, "h", null, null, path, null, null, null,
            false);
    }

    private static List<String> fixture(final String name) throws IOException {
        try (InputStream in = SourceDetectorTest.class.getResourceAsStream("/fixtures/" + name)) {
            return Arrays.asList(new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n"));
        }
    }

    @ParameterizedTest
    @CsvSource(nullValues = "null", value = {
        "nginx.service, null, NGINX",
        "postgresql@15-main.service, null, POSTGRES",
        "postgresql.service, null, POSTGRES",
        "matrix-synapse.service, null, SYNAPSE",
        "null, postgres, POSTGRES",
        "null, postgresql, POSTGRES",
        "null, nginx, NGINX",
        "null, synapse, SYNAPSE",
        "sshd.service, sshd, JOURNALD",
        "init.scope, systemd, JOURNALD",
        "null, kernel, JOURNALD",
        "null, null, JOURNALD",
    })
    void shouldUseJournalUnitAndIdentifier(final String unit, final String ident, final Source expected) {
        assertEquals(expected, SourceDetector.fromEnvelope(journal(unit, ident)));
    }

    @ParameterizedTest
    @CsvSource(nullValues = "null", value = {
        "/var/log/nginx/access.log, NGINX",
        "/var/log/postgresql/postgresql-15-main.log, POSTGRES",
        "/var/log/matrix-synapse/homeserver.log, SYNAPSE",
        "/data/homeserver.log, SYNAPSE",
        "/var/log/syslog, null",
    })
    void shouldUseFilePath(final String path, final Source expected) {
        assertEquals(expected, SourceDetector.fromEnvelope(file(path)));
    }

    @Test
    void shouldGiveNoHintForPlainRawLine() {
        assertNull(SourceDetector.fromEnvelope(Envelope.raw("anything")));
    }

    @Test
    void shouldPreferExplicitHintThenEnvelopeThenShape() {
        final Envelope hinted = journal("nginx.service", null).withSourceHint(Source.POSTGRES);
        assertEquals(Source.POSTGRES, SourceDetector.detect(hinted));
        assertEquals(Source.NGINX, SourceDetector.detect(journal("nginx.service", null)));
        assertEquals(Source.SYNAPSE, SourceDetector.detect(Envelope.raw(
            "2023-09-25 11:42:05,651 - root - 350 - WARNING - main - ***** STARTING SERVER *****")));
        assertNull(SourceDetector.detect(Envelope.raw("hello")));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "null", value = {
        "77.179.66.156 - - [25/Oct/2016:14:49:34 +0200] \"GET /favicon.ico HTTP/1.1\" 404 571 \"-\" \"-\"|NGINX",
        "::1 - - [25/Oct/2016:14:49:34 +0200] \"GET / HTTP/1.1\" 200 1 \"-\" \"-\"|NGINX",
        "lessons.example.com 192.168.0.1 - - [09/Jun/2020:12:10:39 -0700] \"GET / HTTP/1.1\" 206 7 \"-\" \"-\"|NGINX",
        "2016/10/25 14:49:34 [error] 54053#0: *1 open() failed|NGINX",
        "2022-04-12 00:16:05.562 UTC [7755] LOG:  database system is ready to accept connections|POSTGRES",
        "2020-03-11 20:40:43 CET::@:[12760]:LOG:  listening on IPv4 address \"0.0.0.0\", port 5432|POSTGRES",
        "2021-01-20 12:21:31.010 CET,\"aaaa\",\"aaaa\",28797,\"127.0.0.1:47268\",6008123a.707d,17,x|POSTGRES",
        "{\"timestamp\":\"2024-06-27 00:00:07.369 CEST\",\"pid\":58151,\"error_severity\":\"LOG\"}|POSTGRES",
        "{\"level\":\"info\",\"logger\":\"postgres\",\"msg\":\"record\",\"record\":{}}|POSTGRES",
        "Feb 11 13:15:39 test-pc postgres[10808]: [1-1] db=,user=,app=,client= LOG:  listening|POSTGRES",
        "2019-03-14T00:22:56+00:00 app[postgres.4882]: [GREEN] [15-1]  sql_error_code = 00000 LOG:  process|POSTGRES",
        "2020-07-08 18:50:13,571 - twisted - 192 - INFO - None - Redirected stdout/stderr to logs|SYNAPSE",
        "Dec 07 15:25:22 localhost matrix-synapse[1667]: 2021-12-07 14:25:22,294 - synapse.http.server - 6|SYNAPSE",
        "Dec 07 15:25:22 localhost Matrix-Synapse[1667]: started|SYNAPSE",
        "Dec 07 15:25:22 localhost NGINX[12]: started|NGINX",
        "Dec 07 15:25:22 localhost PostgreSQL[12]: started|POSTGRES",
        "Jun 18 12:18:01 localhost matrix-nginx-proxy[30618]: 2022/06/18 10:18:01 [info] 23#23: *39851 x|NGINX",
        "May 15 23:09:30 ubuntu systemd[1]: networkd-dispatcher.service: Main process exited|JOURNALD",
        "Dec 10 06:55:46 LabSZ sshd[24200]: Invalid user webmaster from 173.234.31.186|JOURNALD",
        "2024-11-22T05:34:01.123456+00:00 web1 sshd[4242]: Accepted publickey for root|JOURNALD",
        "{ \"__CURSOR\" : \"s=1\", \"__REALTIME_TIMESTAMP\" : \"1615280779886606\", \"MESSAGE\" : \"x\" }|JOURNALD",
        "Traceback (most recent call last):|null",
        "hello world|null",
        "{\"a\":1}|null",
    })
    void shouldRecogniseLineShapes(final String line, final Source expected) {
        assertEquals(expected, SourceDetector.fromLine(line));
    }

    @Test
    void shouldDetectRealFilesByMajority() throws IOException {
        assertEquals(Source.NGINX, SourceDetector.detectFile(fixture("nginx/lnav_shop_access_log.nginx-combined.log")));
        assertEquals(Source.NGINX, SourceDetector.detectFile(fixture("nginx/elastic_beats_nginx_error_test.log")));
        assertEquals(Source.POSTGRES,
            SourceDetector.detectFile(fixture("postgres/pgbadger_light.postgres.stderr.log")));
        assertEquals(Source.POSTGRES, SourceDetector.detectFile(fixture("postgres/pgbadger_anonymize.csvlog.log")));
        assertEquals(Source.POSTGRES,
            SourceDetector.detectFile(fixture("postgres/pgbadger_pg_vacuums.head300.stderr.log")));
        assertEquals(Source.POSTGRES,
            SourceDetector.detectFile(fixture("postgres/pgbadger_pg-syslog.head400.syslog.log")));
        assertEquals(Source.POSTGRES, SourceDetector.detectFile(fixture("postgres/pgbadger_cnpg.excerpt.jsonl.log")));
        assertEquals(Source.SYNAPSE, SourceDetector.detectFile(fixture("synapse/lamoboos223_matrix_homeserver.log")));
        assertEquals(Source.SYNAPSE,
            SourceDetector.detectFile(fixture("synapse/alirad18_matrix_homeserver.lines300-1000.log")));
        assertEquals(Source.JOURNALD, SourceDetector.detectFile(fixture("journald/aminer_journal.head150.json")));
        assertEquals(Source.JOURNALD,
            SourceDetector.detectFile(fixture("journald/github_issues_journal_short_excerpts.log")));
    }

    @Test
    void shouldIgnoreContinuationLinesAndBreakTiesByFirstSeen() {
        final List<String> lines = new ArrayList<>();
        lines.add("Traceback (most recent call last):");
        lines.add("  File \"x.py\", line 1, in <module>");
        lines.add("2022-04-12 00:16:05.562 UTC [7755] LOG:  one");
        lines.add("2020-07-08 18:50:13,571 - twisted - 192 - INFO - None - two");
        lines.add("");
        assertEquals(Source.POSTGRES, SourceDetector.detectFile(lines));
        assertNull(SourceDetector.detectFile(List.of("", "  indented", "plain text")));
        assertNull(SourceDetector.detectFile(null));
    }

    @Test
    void shouldLookAtNoMoreThanTheSample() {
        final List<String> lines = new ArrayList<>();
        for (int i = 0; i < SourceDetector.SAMPLE_LINES; i++) {
            lines.add("2016/10/25 14:49:34 [error] 54053#0: *1 open() failed");
        }
        for (int i = 0; i < 100; i++) {
            lines.add("2022-04-12 00:16:05.562 UTC [7755] LOG:  later lines do not vote");
        }
        assertEquals(Source.NGINX, SourceDetector.detectFile(lines));
    }
}
