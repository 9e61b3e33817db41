package dev.vigil.parse;

import com.google.re2j.Pattern;
import dev.vigil.ingest.DecodeException;
import dev.vigil.ingest.Envelope;
import dev.vigil.ingest.EnvelopeDecoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PostgresParserTest {

    private static final String LIGHT_PREFIX = "%t [%p]: [%l-1] user=%u,db=%d,app=%a,client=%h ";
    private static final String RDS_PREFIX = "%t:%r:%u@%d:[%p]:";
    private static final String TIMESCALE_PREFIX = "%t [%p]: [%c-%l] %u@%d,app=%a [%e] ";
    private static final String QUERYID_PREFIX = "%m [%p] [queryid=%Q] %q%u@%d ";

    private final PostgresParser defaults = new PostgresParser(null, ZoneOffset.UTC, Fixtures.CLOCK);
    private final PostgresParser configured = new PostgresParser(
        List.of(LIGHT_PREFIX, RDS_PREFIX, TIMESCALE_PREFIX, QUERYID_PREFIX, "%m [%p] %q%u@%d "), ZoneOffset.UTC,
        Fixtures.CLOCK);

    private static Map<String, Object> map(final Object... kv) {
        final Map<String, Object> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    static Stream<Arguments> stderrEntries() {
        return Stream.of(
            // plaso test_data/postgresql.log: Debian default prefix, DETAIL with an indented continuation
            Arguments.of("2022-04-12 00:24:24.741 UTC [9158] postgres@postgres FATAL:  password authentication failed "
                    + "for user \"postgres\"\n2022-04-12 00:24:24.741 UTC [9158] postgres@postgres DETAIL:  User "
                    + "\"postgres\" has no password assigned.\n        Connection matched pg_hba.conf line 96: \"host"
                    + "    all             all             127.0.0.1/32            md5\"",
                "2022-04-12T00:24:24.741Z", Level.CRITICAL,
                "FATAL:  password authentication failed for user \"postgres\"\nDETAIL:  User \"postgres\" has no "
                    + "password assigned.\n        Connection matched pg_hba.conf line 96: \"host    all             "
                    + "all             127.0.0.1/32            md5\"",
                map("severity", "FATAL", "pid", 9158L, "user", "postgres", "database", "postgres",
                    "detail", "User \"postgres\" has no password assigned.\n        Connection matched pg_hba.conf "
                        + "line 96: \"host    all             all             127.0.0.1/32            md5\"")),
            // plaso: a background process (%q stops the prefix)
            Arguments.of("2022-04-12 00:16:05.562 UTC [7755] LOG:  database system is ready to accept connections",
                "2022-04-12T00:16:05.562Z", Level.INFO, "LOG:  database system is ready to accept connections",
                map("severity", "LOG", "pid", 7755L)),
            // lnav logfile_postgres.2: ERROR with DETAIL, CONTEXT and STATEMENT, CEST
            Arguments.of("2025-08-16 13:02:58.095 CEST [885178] ERROR:  invalid input syntax for type json at "
                    + "character 61\n2025-08-16 13:02:58.095 CEST [885178] DETAIL:  Token \"'\" is invalid.\n"
                    + "2025-08-16 13:02:58.095 CEST [885178] CONTEXT:  JSON data, line 1: '...\n"
                    + "2025-08-16 13:02:58.095 CEST [885178] STATEMENT:      SELECT * FROM net.http_get "
                    + "('https://google.com'::text)",
                "2025-08-16T11:02:58.095Z", Level.ERROR,
                "ERROR:  invalid input syntax for type json at character 61\nDETAIL:  Token \"'\" is invalid.\n"
                    + "CONTEXT:  JSON data, line 1: '...\nSTATEMENT:      SELECT * FROM net.http_get "
                    + "('https://google.com'::text)",
                map("severity", "ERROR", "pid", 885178L, "detail", "Token \"'\" is invalid.",
                    "context", "JSON data, line 1: '...",
                    "statement", "    SELECT * FROM net.http_get ('https://google.com'::text)")),
            // pgbadger queryid.log: multi-line statement with tab continuations
            Arguments.of("2022-02-17 14:45:44.989 UTC [691] [queryid=7831118945884805370] postgres@stackoverflow "
                    + "ERROR:  canceling statement due to user request\n2022-02-17 14:45:44.989 UTC [691] "
                    + "[queryid=7831118945884805370] postgres@stackoverflow STATEMENT:  explain (analyze,buffers) "
                    + "SELECT\n\t  avg(viewcount),\n\t  avg(answercount)\n\tFROM posts_toast;",
                "2022-02-17T14:45:44.989Z", Level.ERROR,
                "ERROR:  canceling statement due to user request\nSTATEMENT:  explain (analyze,buffers) SELECT\n"
                    + "\t  avg(viewcount),\n\t  avg(answercount)\n\tFROM posts_toast;",
                map("severity", "ERROR", "pid", 691L, "query_id", "7831118945884805370", "user", "postgres",
                    "database", "stackoverflow",
                    "statement", "explain (analyze,buffers) SELECT\n\t  avg(viewcount),\n\t  avg(answercount)\n"
                        + "\tFROM posts_toast;")),
            // pgbadger light.postgres.log with its own prefix: duration and statement
            Arguments.of("2017-09-06 08:41:41 UTC [36]: [121-1] user=postgres,db=postgres,app=pgbench,"
                    + "client=172.23.0.1 LOG:  duration: 2.280 ms  statement: END;",
                "2017-09-06T08:41:41Z", Level.INFO, "LOG:  duration: 2.280 ms  statement: END;",
                map("severity", "LOG", "pid", 36L, "user", "postgres", "database", "postgres",
                    "application", "pgbench", "client", "172.23.0.1", "duration_ms", 2.28, "statement", "END;")),
            // pgbadger rds.log: %r gives host(port)
            Arguments.of("2020-03-11 20:40:50 CET:192.168.1.201(50906):gilles@pgbench:[12795]:FATAL:  no pg_hba.conf "
                    + "entry for host \"192.168.1.201\", user \"gilles\", database \"pgbench\", SSL on",
                "2020-03-11T19:40:50Z", Level.CRITICAL,
                "FATAL:  no pg_hba.conf entry for host \"192.168.1.201\", user \"gilles\", database \"pgbench\", "
                    + "SSL on",
                map("severity", "FATAL", "pid", 12795L, "user", "gilles", "database", "pgbench",
                    "client", "192.168.1.201")),
            // timescale/helm-charts#223: session id and SQLSTATE in the prefix
            Arguments.of("2020-09-08 07:35:04 UTC [440]: [5f573428.1b8-2] postgres@postgres,app=[unknown] [28P01] "
                    + "FATAL:  password authentication failed for user \"postgres\"",
                "2020-09-08T07:35:04Z", Level.CRITICAL,
                "FATAL:  password authentication failed for user \"postgres\"",
                map("severity", "FATAL", "pid", 440L, "session_id", "5f573428.1b8", "user", "postgres",
                    "database", "postgres", "sqlstate", "28P01")));
    }

    @ParameterizedTest
    @MethodSource("stderrEntries")
    void shouldParseStderrEntriesWithConfiguredPrefixes(final String entry, final String time, final Level level,
                                                        final String message, final Map<String, Object> fields)
        throws ParseException {
        final LogEvent e = Fixtures.parse(configured, entry);
        assertEquals(Fixtures.utc(time), e.time());
        assertEquals(Source.POSTGRES, e.source());
        assertEquals(level, e.level());
        assertEquals(message, e.message());
        assertEquals(entry, e.line());
        assertEquals(fields, e.fields());
    }

    @ParameterizedTest
    @MethodSource("stderrEntries")
    void shouldGiveSameMessageAndCoreFieldsWithDefaultPrefixesAndFallback(final String entry, final String time,
                                                                          final Level level, final String message,
                                                                          final Map<String, Object> fields)
        throws ParseException {
        final LogEvent e = Fixtures.parse(defaults, entry);
        assertEquals(Fixtures.utc(time), e.time());
        assertEquals(message, e.message());
        for (final String key : List.of("severity", "pid", "user", "database", "duration_ms", "statement", "detail")) {
            assertEquals(fields.get(key), e.fields().get(key), key);
        }
    }

    @Test
    void shouldMatchSignatureRegexAcrossAllThreeFormats() throws Exception {
        final Pattern sig = Pattern.compile("FATAL:\\s+sorry, too many clients");
        final String stderr = "2025-07-02 23:09:57.285 GMT [1152835] FATAL:  sorry, too many clients already";
        final String csv = "2025-07-02 23:09:57.285 GMT,\"app\",\"shop\",1152835,\"10.0.0.5:5555\",64a2.1,1,"
            + "\"startup\",2025-07-02 23:09:57 GMT,,0,FATAL,53300,\"sorry, too many clients already\",,,,,,,,,"
            + "\"\",\"client backend\",,0";
        final String json = "{\"timestamp\":\"2025-07-02 23:09:57.285 GMT\",\"user\":\"app\",\"dbname\":\"shop\","
            + "\"pid\":1152835,\"error_severity\":\"FATAL\",\"state_code\":\"53300\","
            + "\"message\":\"sorry, too many clients already\",\"backend_type\":\"client backend\"}";
        for (final String text : List.of(stderr, csv, json)) {
            final LogEvent e = Fixtures.parse(defaults, text);
            assertTrue(sig.matcher(e.message()).find(), text);
            assertEquals(Fixtures.utc("2025-07-02T23:09:57.285Z"), e.time());
            assertEquals(1152835L, e.fields().get("pid"));
            assertEquals(Level.CRITICAL, e.level());
        }
    }

    @Test
    void shouldParseCsvlogRecord() throws ParseException {
        final String line = Fixtures.resource("postgres/pgbadger_anonymize.csvlog.log").get(2);
        final LogEvent e = Fixtures.parse(defaults, line);
        assertEquals(Fixtures.utc("2021-01-21T15:12:51.308Z"), e.time());
        assertEquals("LOG:  duration: 0.553 ms  bind <unnamed>: update public.dokumentdata set data=$1 where id=$2\n"
            + "DETAIL:  parameters: $1 = '\\x255044......460a', $2 = '157'", e.message());
        assertEquals(map("severity", "LOG", "user", "aaaa", "database", "aaaa", "pid", 77553L,
            "client", "127.0.0.1", "session_id", "60099770.12ef1", "command_tag", "BIND", "sqlstate", "00000",
            "application", "PostgreSQL JDBC Driver", "duration_ms", 0.553,
            "statement", "update public.dokumentdata set data=$1 where id=$2",
            "detail", "parameters: $1 = '\\x255044......460a', $2 = '157'"), e.fields());
    }

    @Test
    void shouldReadNewerCsvlogColumns() throws ParseException {
        final LogEvent e = Fixtures.parse(defaults,
            Fixtures.resource("postgres/pgbadger_csv_statement_without_duration.csvlog.log").get(0));
        assertEquals("client backend", e.field("backend_type"));
        assertEquals("example app", e.field("application"));
        assertEquals(688786.283, e.fields().get("duration_ms"));
        assertEquals("SELECT example_schema.slow_table.id FROM example_schema.slow_table", e.field("statement"));
    }

    /** A csvlog record whose quoted fields hold newlines, commas and doubled quotes (layout of the PG docs). */
    private static final List<String> CSV_MULTILINE = List.of(
        "2021-01-22 10:03:22.785 CET,\"aaaa\",\"aaaa\",1486,\"127.0.0.1:52306\",6009c305.5ce,32878,\"SELECT\","
            + "2021-01-21 19:08:05 CET,14/10903,0,ERROR,42P01,\"relation \"\"missing\"\" does not exist\",,,,,,"
            + "\"SELECT *",
        "FROM \"\"missing\"\"",
        "WHERE a = 1, b = 2\",15,,\"psql\"",
        "2021-01-22 10:03:23.000 CET,\"aaaa\",\"aaaa\",1486,\"127.0.0.1:52306\",6009c305.5ce,32879,\"idle\","
            + "2021-01-21 19:08:05 CET,14/10904,0,LOG,00000,\"disconnection\",,,,,,,,,\"psql\"");

    @Test
    void shouldFoldCsvRecordsWithQuotedNewlines() throws ParseException {
        assertTrue(defaults.continues(CSV_MULTILINE.get(0), CSV_MULTILINE.get(1)));
        assertTrue(defaults.continues(CSV_MULTILINE.get(0) + "\n" + CSV_MULTILINE.get(1), CSV_MULTILINE.get(2)));
        assertFalse(defaults.continues(String.join("\n", CSV_MULTILINE.subList(0, 3)), CSV_MULTILINE.get(3)));
        final Fixtures.Outcome out = Fixtures.run(defaults, CSV_MULTILINE);
        assertEquals(2, out.entries);
        assertEquals(List.of(), out.failures);
        final LogEvent e = out.events.get(0);
        assertEquals("ERROR:  relation \"missing\" does not exist\nSTATEMENT:  SELECT *\nFROM \"missing\"\n"
            + "WHERE a = 1, b = 2", e.message());
        assertEquals("SELECT *\nFROM \"missing\"\nWHERE a = 1, b = 2", e.field("statement"));
        assertEquals("42P01", e.field("sqlstate"));
        assertEquals("psql", e.field("application"));
    }

    @Test
    void shouldParseJsonlogRecord() throws ParseException {
        final LogEvent e = Fixtures.parse(defaults,
            Fixtures.resource("postgres/pgbadger_pg_vacuums.head100.jsonlog.log").get(0));
        assertEquals(Fixtures.utc("2024-06-26T22:00:07.369Z"), e.time());
        assertEquals("LOG:  automatic analyze of table \"testdb.sales.tab_shop_stats\"\nI/O timings: read: 0.000 ms, "
            + "write: 0.000 ms\navg read rate: 0.000 MB/s, avg write rate: 1.157 MB/s\nbuffer usage: 424 hits, 0 "
            + "misses, 4 dirtied\nsystem usage: CPU: user: 0.02 s, system: 0.00 s, elapsed: 0.02 s", e.message());
        assertEquals(map("severity", "LOG", "pid", 58151L, "session_id", "667c8f67.e327",
            "backend_type", "autovacuum worker", "query_id", "0"), e.fields());
    }

    @Test
    void shouldBuildJsonlogMessageFromDetailHintAndStatement() throws ParseException {
        final LogEvent e = Fixtures.parse(defaults, "{\"timestamp\":\"2024-05-01 10:00:00.123 UTC\",\"user\":\"app\","
            + "\"dbname\":\"shop\",\"pid\":4711,\"remote_host\":\"10.0.0.5\",\"remote_port\":5555,"
            + "\"error_severity\":\"ERROR\",\"state_code\":\"42703\",\"message\":\"column \\\"names\\\" does not "
            + "exist\",\"hint\":\"Perhaps you meant \\\"name\\\".\",\"statement\":\"delete from t where names = 1\","
            + "\"application_name\":\"psql\",\"backend_type\":\"client backend\",\"query_id\":0}");
        assertEquals("ERROR:  column \"names\" does not exist\nHINT:  Perhaps you meant \"name\".\n"
            + "STATEMENT:  delete from t where names = 1", e.message());
        assertEquals(map("severity", "ERROR", "user", "app", "database", "shop", "pid", 4711L, "client", "10.0.0.5",
            "sqlstate", "42703", "hint", "Perhaps you meant \"name\".", "statement", "delete from t where names = 1",
            "application", "psql", "backend_type", "client backend", "query_id", "0"), e.fields());
    }

    @Test
    void shouldParseCloudNativePgRecord() throws ParseException {
        final LogEvent e = Fixtures.parse(defaults,
            Fixtures.resource("postgres/pgbadger_cnpg.excerpt.jsonl.log").get(14));
        assertEquals(Fixtures.utc("2022-11-27T18:54:26.572Z"), e.time());
        assertEquals(Level.ERROR, e.level());
        assertEquals("ERROR:  column \"names\" does not exist\nHINT:  Perhaps you meant to reference the column "
            + "\"states.name\".\nSTATEMENT:  delete from states where names = 'America';", e.message());
        assertEquals(map("severity", "ERROR", "user", "postgres", "database", "myapp", "pid", 464L,
            "client", "[local]", "session_id", "6383b1e0.1d0", "command_tag", "DELETE", "sqlstate", "42703",
            "application", "psql", "backend_type", "client backend", "query_id", "0",
            "hint", "Perhaps you meant to reference the column \"states.name\".",
            "statement", "delete from states where names = 'America';"), e.fields());
    }

    @Test
    void shouldParseCloudNativePgStderrPipeLineThroughDecoder() throws Exception {
        final String line = Fixtures.resource("postgres/pgbadger_cnpg.excerpt.jsonl.log").get(40);
        final Envelope env = new EnvelopeDecoder().decodeLine(line);
        assertEquals(Source.POSTGRES, env.sourceHint());
        final LogEvent e = defaults.parse(env);
        assertEquals("LOG:  ending log output to stderr", e.message());
        assertEquals(28L, e.fields().get("pid"));
        assertEquals(Fixtures.utc("2022-11-27T18:48:18.943Z"), e.time());
    }

    @Test
    void shouldParseSyslogFormWithMultiPartStatement() {
        final Fixtures.Outcome out = Fixtures.run(defaults,
            Fixtures.resource("postgres/pgbadger_pg-syslog.head400.syslog.log").subList(0, 19));
        assertEquals(List.of(), out.failures);
        final LogEvent hinted = out.events.get(2);
        assertEquals("LOG:  ending log output to stderr\nHINT:  Future log output will go to log destination "
            + "\"syslog\".", hinted.message());
        assertEquals("test-pc", hinted.host());
        assertEquals("postgres", hinted.service());
        assertEquals(Fixtures.utc("2024-02-11T13:15:39Z"), hinted.time());
        final LogEvent stmt = out.events.get(9);
        assertEquals("LOG:  duration: 13.997 ms  statement: SELECT d.datname as \"Name\",\n"
            + "\t       pg_catalog.pg_get_userbyid(d.datdba) as \"Owner\",\n"
            + "\t       pg_catalog.pg_encoding_to_char(d.encoding) as \"Encoding\",\n"
            + "\t       d.datcollate as \"Collate\",\n\t       d.datctype as \"Ctype\",\n"
            + "\t       pg_catalog.array_to_string(d.datacl, E'\\n') AS \"Access privileges\"\n"
            + "\tFROM pg_catalog.pg_database d\n\tORDER BY 1;", stmt.message());
        assertEquals(map("severity", "LOG", "pid", 10819L, "database", "postgres", "user", "postgres",
            "application", "psql", "client", "[local]", "duration_ms", 13.997,
            "statement", stmt.message().substring("LOG:  duration: 13.997 ms  statement: ".length())), stmt.fields());
    }

    @Test
    void shouldUnwrapRsyslogRepeatedMessages() throws ParseException {
        // goharbor/harbor#15357
        final LogEvent e = Fixtures.parse(defaults, "Jul 26 10:35:24 172.18.0.1 postgresql[9499]: message repeated "
            + "31 times: [ FATAL:  sorry, too many clients already]");
        assertEquals("FATAL:  sorry, too many clients already", e.message());
        assertEquals(31L, e.fields().get("repeated"));
        assertEquals(9499L, e.fields().get("pid"));
        assertEquals("172.18.0.1", e.host());
    }

    @Test
    void shouldParseHerokuLogplexDeadlockWithContinuationParts() {
        final Fixtures.Outcome out = Fixtures.runResource(defaults, "postgres/pgbadger_logplex.heroku.log");
        assertEquals(List.of(), out.failures);
        final LogEvent deadlock = out.events.get(2);
        assertEquals("40P01", deadlock.field("sqlstate"));
        assertTrue(deadlock.message().startsWith("ERROR:  deadlock detected\nDETAIL:  Process 4849 waits for "
            + "ShareLock on transaction 259635360; blocked by process 4821.\n\tProcess 4821 waits for ShareLock"));
        assertTrue(deadlock.message().contains("\nHINT:  See server log for query details.\nCONTEXT:  while "
            + "locking tuple (1320064,42) in relation \"redacted_table_2\"\nSTATEMENT:  WITH redacted_table"));
        assertEquals("See server log for query details.", deadlock.field("hint"));
    }

    @Test
    void shouldAssumeUtcForUnknownZoneAbbreviation() throws ParseException {
        // plaso's AEST line with the zone replaced by one outside the table
        final LogEvent e = Fixtures.parse(defaults,
            "2022-07-15 23:04:27 WITA [203851-1] user@databasename LOG:  could not receive data from client");
        assertEquals(Fixtures.utc("2022-07-15T23:04:27Z"), e.time());
        assertEquals("true", e.field("tz_assumed"));
        final LogEvent known = Fixtures.parse(defaults,
            "2022-07-15 23:04:27 AEST [203851-1] user@databasename LOG:  could not receive data from client");
        assertEquals(Fixtures.utc("2022-07-15T13:04:27Z"), known.time());
        assertEquals(null, known.field("tz_assumed"));
        assertEquals("databasename", known.field("database"));
        assertEquals(203851L, known.fields().get("pid"));
    }

    @Test
    void shouldFillPidHostAndTimeFromJournaldEnvelope() throws ParseException {
        final Envelope env = new Envelope("[3-1] LOG:  checkpoint starting: time", Envelope.Kind.JOURNALD,
            1_700_000_000_000L, "db1", "postgresql@15-main.service", "postgres", null, 812, 6, null, false);
        final LogEvent e = defaults.parse(env);
        assertEquals("LOG:  checkpoint starting: time", e.message());
        assertEquals(812L, e.fields().get("pid"));
        assertEquals("db1", e.host());
        assertEquals("postgresql@15-main.service", e.service());
        assertEquals(1_700_000_000_000L, e.time());
    }

    @Test
    void shouldDecideContinuationLines() {
        final String pending = "2022-04-12 00:24:24.741 UTC [9158] postgres@postgres FATAL:  password authentication "
            + "failed for user \"postgres\"";
        for (final String sev : List.of("DETAIL", "HINT", "STATEMENT", "CONTEXT", "QUERY", "LOCATION")) {
            assertTrue(defaults.continues(pending, "2022-04-12 00:24:24.741 UTC [9158] postgres@postgres " + sev
                + ":  x"), sev);
        }
        assertTrue(defaults.continues(pending, "\tFROM posts_toast;"));
        assertTrue(defaults.continues(pending, "        Connection matched pg_hba.conf line 96"));
        assertTrue(defaults.continues(pending, "Feb 11 13:15:40 test-pc postgres[10819]: [7-2] #011       d.x"));
        assertFalse(defaults.continues(pending, "2022-04-12 00:25:37.732 UTC [9163] postgres@postgres FATAL:  x"));
        assertFalse(defaults.continues(pending, "pg_ctl: could not start server"));
        assertFalse(defaults.continues(pending, ""));
        assertFalse(defaults.continues(null, "\tFROM x"));
        assertFalse(defaults.continues("{\"timestamp\":\"2024-06-27 00:00:07.369 CEST\"}", "\tx"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "postgres/pgbadger_light.postgres.stderr.log",
        "postgres/pgbadger_anonymize.csvlog.log",
        "postgres/pgbadger_csv_statement_without_duration.csvlog.log",
        "postgres/pgbadger_pg_vacuums.head100.jsonlog.log",
        "postgres/pgbadger_pg_vacuums.head300.stderr.log",
        "postgres/pgbadger_queryid.stderr.log",
        "postgres/pgbadger_rds.head300.stderr.log",
        "postgres/pgbadger_logplex.heroku.log",
        "postgres/pgbadger_cloudsql.head120.gcp.jsonl.log",
        "postgres/plaso_postgresql.stderr.log",
        "postgres/lnav_logfile_postgres.0.log",
        "postgres/lnav_logfile_postgres.1.log",
        "postgres/lnav_logfile_postgres.2.log",
    })
    void shouldParseEveryEntryOfRealFiles(final String fixture) {
        for (final PostgresParser p : List.of(defaults, configured)) {
            final Fixtures.Outcome out = Fixtures.runResource(p, fixture);
            assertEquals(List.of(), out.failures, fixture);
            assertTrue(out.entries > 0);
            assertTrue(out.events.stream().allMatch(e -> e.time() != LogEvent.NO_TIME), fixture);
        }
    }

    @Test
    void shouldCountEntriesOfRealFiles() {
        assertEquals(630, Fixtures.runResource(defaults, "postgres/pgbadger_light.postgres.stderr.log").events.size());
        assertEquals(34, Fixtures.runResource(defaults, "postgres/pgbadger_pg_vacuums.head300.stderr.log").entries);
        assertEquals(8, Fixtures.runResource(defaults, "postgres/pgbadger_anonymize.csvlog.log").entries);
        // cloudsql splits multi-line messages into one record per line; tab-led records fold back
        assertEquals(110, Fixtures.runResource(defaults, "postgres/pgbadger_cloudsql.head120.gcp.jsonl.log").entries);
    }

    @Test
    void shouldRejectOnlyTheNonPostgresLinesOfMixedFiles() {
        assertEquals(List.of(
                "postgres_unrecognized_line: db_postgres-1    | 2026-08-20 01:50:14.875 UTC [1360204] FATAL:  sorry, "
                    + "too many clients already",
                "postgres_unrecognized_line: db_postgres-1    | 2026-08-20 01:50:15.950 UTC [1360211] FATAL:  sorry, "
                    + "too many clients already"),
            Fixtures.runResource(defaults, "postgres/github_issues_postgres_excerpts.log").failures,
            "docker-compose service prefixes are not part of the PostgreSQL line");
        assertEquals(List.of("postgres_unrecognized_line: pg_ctl: could not start server",
                "postgres_unrecognized_line: Examine the log output."),
            Fixtures.runResource(defaults, "postgres/pgbadger_pg_rawcsv.stderr.log").failures,
            "pg_ctl's own output is not a server log entry");
        assertEquals(List.of("postgres_unrecognized_line: Feb 11 13:15:41 test-pc systemd[1]: Started PostgreSQL "
                    + "Cluster 11-main.",
                "postgres_unrecognized_line: Feb 11 13:15:41 test-pc systemd[1]: Starting PostgreSQL RDBMS...",
                "postgres_unrecognized_line: Feb 11 13:15:41 test-pc systemd[1]: Started PostgreSQL RDBMS."),
            Fixtures.runResource(defaults, "postgres/pgbadger_pg-syslog.head400.syslog.log").failures,
            "systemd lines in the same syslog file");
    }

    @Test
    void shouldRejectOnlyCloudNativePgOperatorLines() throws DecodeException {
        final List<String> lines = Fixtures.resource("postgres/pgbadger_cnpg.excerpt.jsonl.log");
        final Fixtures.Outcome out = Fixtures.run(defaults, lines);
        final EnvelopeDecoder decoder = new EnvelopeDecoder();
        final List<String> operatorTexts = new ArrayList<>();
        for (final String line : lines) {
            if (!line.isEmpty() && !line.contains("\"logger\":\"postgres\"")) {
                operatorTexts.add(decoder.decodeLine(line).text());
            }
        }
        assertEquals(33, operatorTexts.size());
        assertEquals(operatorTexts.stream().sorted().collect(Collectors.toList()),
            out.failedEntries.stream().map(t -> t.split("\n2022-11-27")[0]).sorted().collect(Collectors.toList()));
        assertEquals(40, out.events.size());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "hello world",
        "2024-01-01 10:00:00 UTC [1] SHOUT:  nope",
        "{\"level\":\"info\",\"msg\":\"x\"}",
        "{not json",
        "2021-01-22 10:03:22.785 CET,\"aaaa\",\"unterminated",
        "2021-01-22 10:03:22.785 CET,too,few,columns",
    })
    void shouldRejectWhatIsNotAPostgresEntry(final String text) {
        final ParseException ex = assertThrows(ParseException.class, () -> Fixtures.parse(defaults, text));
        assertTrue(ex.reason().startsWith("postgres_"), ex.reason());
    }

    @Test
    void shouldRecogniseShapesForSourceDetection() {
        assertTrue(PostgresParser.looksLikePostgres("2022-04-12 00:16:05.562 UTC [7755] LOG:  x"));
        assertTrue(PostgresParser.looksLikePostgres(CSV_MULTILINE.get(3)));
        assertTrue(PostgresParser.looksLikePostgres("{\"timestamp\":\"x\",\"error_severity\":\"LOG\"}"));
        assertFalse(PostgresParser.looksLikePostgres("2020-07-08 18:50:13,571 - root - 257 - WARNING - None - x"));
        assertFalse(PostgresParser.looksLikePostgres("some text LOG:  with a severity"));
    }
}
