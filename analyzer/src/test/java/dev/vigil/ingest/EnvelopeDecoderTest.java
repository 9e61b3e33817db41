package dev.vigil.ingest;

import dev.vigil.parse.LogEvent;
import dev.vigil.parse.Source;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EnvelopeDecoderTest {

    private static final String NGINX_ERROR = "2020/05/07 03:15:12 [error] 6#6: *1 connect() failed (111: Connection "
        + "refused) while connecting to upstream, client: 172.21.0.1, server: , request: \"GET / HTTP/1.1\", "
        + "upstream: \"http://172.21.0.19:9000/\", host: \"0.0.0.0:9000\"";
    private static final String PG_LINE = "2022-04-12 00:24:24.741 UTC [9158] postgres@postgres FATAL:  password "
        + "authentication failed for user \\\"postgres\\\"";

    private final EnvelopeDecoder decoder = new EnvelopeDecoder();

    private Envelope decode(final String s) throws DecodeException {
        return decoder.decode(s.getBytes(StandardCharsets.UTF_8));
    }

    private static long utc(final String iso) {
        return Instant.parse(iso).toEpochMilli();
    }

    private static String fixtureLine(final String name, final int index) throws IOException {
        try (InputStream in = EnvelopeDecoderTest.class.getResourceAsStream("/fixtures/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")[index];
        }
    }

    @Test
    void shouldKeepRawLineVerbatim() throws DecodeException {
        final Envelope e = decode(NGINX_ERROR + "\r\n");
        assertEquals(Envelope.Kind.RAW, e.kind());
        assertEquals(NGINX_ERROR, e.text());
        assertEquals(LogEvent.NO_TIME, e.time());
        assertNull(e.host());
        assertNull(e.sourceHint());
        assertFalse(e.truncated());
    }

    @Test
    void shouldReplaceInvalidUtf8InsteadOfDroppingIt() throws DecodeException {
        final byte[] bytes = {'a', (byte) 0xC3, '(', 'b', (byte) 0xFF, 'c'};
        assertEquals("a\uFFFD(b\uFFFDc", decoder.decode(bytes).text());
        final ByteArrayOutputStream json = new ByteArrayOutputStream();
        json.writeBytes("{\"message\":\"x".getBytes(StandardCharsets.UTF_8));
        json.write(0xFF);
        json.writeBytes("y\",\"source_type\":\"file\"}".getBytes(StandardCharsets.UTF_8));
        final Envelope e = decoder.decode(json.toByteArray());
        assertEquals(Envelope.Kind.VECTOR, e.kind());
        assertEquals("x\uFFFDy", e.text());
    }

    @Test
    void shouldTruncateTextLongerThanOneMebibyte() throws DecodeException {
        final String big = "x".repeat(EnvelopeDecoder.MAX_CHARS + 10);
        final Envelope raw = decode(big);
        assertEquals(EnvelopeDecoder.MAX_CHARS, raw.text().length());
        assertTrue(raw.truncated());
        final Envelope exact = decode("y".repeat(EnvelopeDecoder.MAX_CHARS));
        assertFalse(exact.truncated());
        final Envelope json = decode("{\"message\":\"" + big + "\",\"source_type\":\"file\"}");
        assertEquals(Envelope.Kind.VECTOR, json.kind());
        assertEquals(EnvelopeDecoder.MAX_CHARS, json.text().length());
        assertTrue(json.truncated());
    }

    @Test
    void shouldNotSplitSurrogatePairWhenTruncating() throws DecodeException {
        final String s = "x".repeat(EnvelopeDecoder.MAX_CHARS - 1) + "\uD83D\uDE00tail";
        final Envelope e = decode(s);
        assertEquals(EnvelopeDecoder.MAX_CHARS - 1, e.text().length());
        assertTrue(e.truncated());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "\n", "\r\n", "\t  \n"})
    void shouldRejectEmptyRecords(final String s) {
        final DecodeException ex = assertThrows(DecodeException.class, () -> decode(s));
        assertEquals("empty", ex.reason());
    }

    @Test
    void shouldRejectNullAndEmptyMessages() {
        assertEquals("empty", assertThrows(DecodeException.class, () -> decoder.decode(null)).reason());
        assertEquals("empty", assertThrows(DecodeException.class, () -> decoder.decodeLine(null)).reason());
        assertEquals("empty", assertThrows(DecodeException.class,
            () -> decode("{\"message\":\"\",\"source_type\":\"file\"}")).reason());
        assertEquals("empty", assertThrows(DecodeException.class, () -> decode("{\"log\":\"\\n\"}")).reason());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"unterminated",
        "{\"message\":\"x\"} trailing",
        "{\"a\":1,\"b\":[2,3]}",
        "{\"message\":{\"nested\":true}}",
        "[1,2,3]",
    })
    void shouldKeepJsonWithoutEnvelopeMessageAsRawText(final String s) throws DecodeException {
        final Envelope e = decode(s);
        assertEquals(Envelope.Kind.RAW, e.kind());
        assertEquals(s, e.text());
    }

    @Test
    void shouldDecodeVectorFileEvent() throws DecodeException {
        final Envelope e = decode("{\"file\":\"/var/log/nginx/error.log\",\"host\":\"web1\",\"message\":\""
            + NGINX_ERROR.replace("\"", "\\\"") + "\",\"source_type\":\"file\",\"timestamp\":"
            + "\"2020-05-07T03:15:12.345678Z\"}");
        assertEquals(Envelope.Kind.VECTOR, e.kind());
        assertEquals(NGINX_ERROR, e.text());
        assertEquals("web1", e.host());
        assertEquals("/var/log/nginx/error.log", e.file());
        assertEquals(utc("2020-05-07T03:15:12.345Z"), e.time());
        assertNull(e.unit());
    }

    @Test
    void shouldCopyJournaldFieldsFromVectorEvent() throws DecodeException {
        final Envelope e = decode("{\"host\":\"db1\",\"message\":\"" + PG_LINE + "\",\"source_type\":\"journald\","
            + "\"timestamp\":\"2022-04-12T00:24:24.741Z\",\"_SYSTEMD_UNIT\":\"postgresql@15-main.service\","
            + "\"SYSLOG_IDENTIFIER\":\"postgres\",\"PRIORITY\":\"3\",\"_PID\":\"9158\",\"_HOSTNAME\":\"db1\"}");
        assertEquals(Envelope.Kind.VECTOR, e.kind());
        assertEquals("postgresql@15-main.service", e.unit());
        assertEquals("postgres", e.identifier());
        assertEquals(3, e.priority());
        assertEquals(9158, e.pid());
        assertEquals("db1", e.host());
        assertEquals(utc("2022-04-12T00:24:24.741Z"), e.time());
    }

    @Test
    void shouldDecodeFluentBitRecords() throws DecodeException {
        final Envelope e = decode("{\"date\":1669575482.096,\"log\":\"" + NGINX_ERROR.replace("\"", "\\\"")
            + "\\n\",\"file\":\"/var/log/nginx/error.log\",\"hostname\":\"web2\"}");
        assertEquals(Envelope.Kind.FLUENTBIT, e.kind());
        assertEquals(NGINX_ERROR, e.text());
        assertEquals(utc("2022-11-27T18:58:02.096Z"), e.time());
        assertEquals("/var/log/nginx/error.log", e.file());
        assertEquals("web2", e.host());
        final Envelope es = decode("{\"@timestamp\":\"2022-11-27T18:58:02.096Z\",\"log\":\"x\",\"stream\":\"stderr\","
            + "\"kubernetes\":{\"host\":\"node-1\",\"pod_name\":\"p\"}}");
        assertEquals(utc("2022-11-27T18:58:02.096Z"), es.time());
        assertEquals("node-1", es.host());
    }

    @Test
    void shouldDecodeFilebeatEvents() throws DecodeException {
        final Envelope e = decode("{\"@timestamp\":\"2016-10-25T12:49:34.000Z\",\"@metadata\":{\"beat\":\"filebeat\","
            + "\"type\":\"_doc\"},\"log\":{\"offset\":0,\"file\":{\"path\":\"/var/log/nginx/error.log\"}},"
            + "\"message\":\"" + NGINX_ERROR.replace("\"", "\\\"") + "\",\"input\":{\"type\":\"filestream\"},"
            + "\"event\":{\"module\":\"nginx\",\"dataset\":\"nginx.error\"},\"host\":{\"name\":\"web1\","
            + "\"hostname\":\"web1.example\"},\"agent\":{\"type\":\"filebeat\"},\"ecs\":{\"version\":\"8.0.0\"}}");
        assertEquals(Envelope.Kind.FILEBEAT, e.kind());
        assertEquals(NGINX_ERROR, e.text());
        assertEquals("/var/log/nginx/error.log", e.file());
        assertEquals("web1", e.host());
        assertEquals(utc("2016-10-25T12:49:34Z"), e.time());
        assertEquals(Source.NGINX, e.sourceHint());
        final Envelope j = decode("{\"@timestamp\":\"2024-01-01T00:00:00Z\",\"agent\":{\"type\":\"filebeat\"},"
            + "\"message\":\"x\",\"systemd\":{\"unit\":\"matrix-synapse.service\"},\"syslog\":{\"identifier\":"
            + "\"python\",\"priority\":3},\"process\":{\"pid\":17693},\"host\":{\"hostname\":\"mx\"}}");
        assertEquals("matrix-synapse.service", j.unit());
        assertEquals("python", j.identifier());
        assertEquals(3, j.priority());
        assertEquals(17693, j.pid());
        assertEquals("mx", j.host());
    }

    @Test
    void shouldDecodeGenericJsonWithMessageOrMsg() throws Exception {
        final Envelope a = decode("{\"time\":\"2024-01-01T10:00:00+01:00\",\"msg\":\"hello\",\"host\":\"h\"}");
        assertEquals(Envelope.Kind.JSON, a.kind());
        assertEquals("hello", a.text());
        assertEquals(utc("2024-01-01T09:00:00Z"), a.time());
        assertEquals("h", a.host());
        final Envelope b = decode("  {\"message\":\"m\",\"ts\":1669575482096}");
        assertEquals("m", b.text());
        assertEquals(utc("2022-11-27T18:58:02.096Z"), b.time());
        final Envelope gcp = decode(fixtureLine("postgres/pgbadger_cloudsql.head120.gcp.jsonl.log", 0));
        assertEquals(Envelope.Kind.JSON, gcp.kind());
        assertEquals("[24667]: [1-1] db=[unknown],user=[unknown] LOG:  connection received: host=127.0.0.1 "
            + "port=59760", gcp.text());
        assertEquals(utc("2020-05-02T13:00:20.382Z"), gcp.time());
    }

    @Test
    void shouldDecodeJournalctlJson() throws Exception {
        final Envelope e = decode(fixtureLine("journald/lnav_logfile_journald.json", 0));
        assertEquals(Envelope.Kind.JOURNALD, e.kind());
        assertEquals("GPS Reference longitude: 7.358143333", e.text());
        assertEquals(1_534_860_261_221L, e.time());
        assertEquals("imx6ul-medusa", e.host());
        assertEquals("medusa-GpsLocator.service", e.unit());
        assertEquals("python", e.identifier());
        assertEquals(184, e.pid());
        assertEquals(1, e.priority());
    }

    @Test
    void shouldDecodeByteArrayMessageWithReplacement() throws DecodeException {
        final Envelope e = decode("{\"__REALTIME_TIMESTAMP\":\"1615280779886606\",\"MESSAGE\":[72,105,32,255,10],"
            + "\"PRIORITY\":\"3\",\"_HOSTNAME\":\"h\",\"_COMM\":\"app\"}");
        assertEquals("Hi \uFFFD", e.text());
        assertEquals(1_615_280_779_886L, e.time());
        assertEquals("app", e.identifier());
        assertEquals(3, e.priority());
    }

    @Test
    void shouldTakeFirstValueOfRepeatedJournalFields() throws DecodeException {
        final Envelope e = decode("{\"__REALTIME_TIMESTAMP\":\"1615280779886606\",\"MESSAGE\":[\"first\",\"second\"],"
            + "\"_SYSTEMD_UNIT\":[\"a.service\",\"b.service\"],\"SYSLOG_IDENTIFIER\":[[115,104],\"x\"],"
            + "\"_PID\":[\"12\",\"13\"]}");
        assertEquals("first", e.text());
        assertEquals("a.service", e.unit());
        assertEquals("sh", e.identifier());
        assertEquals(12, e.pid());
    }

    @Test
    void shouldKeepJournalRecordWithNullMessage() throws DecodeException {
        final Envelope e = decode("{\"__CURSOR\":\"s=1\",\"MESSAGE\":null,\"_SOURCE_REALTIME_TIMESTAMP\":"
            + "\"1615280779886606\",\"PRIORITY\":\"nonsense\",\"_HOSTNAME\":\"h\"}");
        assertEquals(Envelope.Kind.JOURNALD, e.kind());
        assertEquals("", e.text());
        assertEquals(1_615_280_779_886L, e.time());
        assertNull(e.priority());
    }

    @Test
    void shouldKeepPostgresJsonLinesRawWithHint() throws Exception {
        final String jsonlog = fixtureLine("postgres/pgbadger_pg_vacuums.head100.jsonlog.log", 0);
        final Envelope a = decode(jsonlog);
        assertEquals(Envelope.Kind.RAW, a.kind());
        assertEquals(jsonlog, a.text());
        assertEquals(Source.POSTGRES, a.sourceHint());
        final String cnpg = fixtureLine("postgres/pgbadger_cnpg.excerpt.jsonl.log", 0);
        final Envelope b = decode(cnpg);
        assertEquals(Envelope.Kind.RAW, b.kind());
        assertEquals(cnpg, b.text());
        assertEquals(Source.POSTGRES, b.sourceHint());
        final Envelope operator = decode(fixtureLine("postgres/pgbadger_cnpg.excerpt.jsonl.log", 50));
        assertEquals(Envelope.Kind.JSON, operator.kind());
        assertNull(operator.sourceHint());
    }

    @Test
    void shouldSkipJacksonOnRawFastPath() throws DecodeException {
        // a raw line that merely contains braces later on
        final Envelope e = decode("Nov 22 05:34:01 h app[1]: {\"message\":\"not an envelope\"}");
        assertEquals(Envelope.Kind.RAW, e.kind());
        assertEquals(LogEvent.NO_TIME, e.time());
    }
}
