package dev.vigil.parse;

import dev.vigil.ingest.Envelope;
import dev.vigil.ingest.EnvelopeDecoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JournaldParserTest {

    private final JournaldParser parser = new JournaldParser(ZoneOffset.UTC, Fixtures.CLOCK);

    @Test
    void shouldTakeEverythingFromJournaldEnvelope() throws Exception {
        // lnav logfile_journald.json, first entry
        final String line = Fixtures.resource("journald/lnav_logfile_journald.json").get(0);
        final Envelope env = new EnvelopeDecoder().decodeLine(line);
        final LogEvent e = parser.parse(env);
        assertEquals(1_534_860_261_221L, e.time());
        assertEquals("imx6ul-medusa", e.host());
        assertEquals("medusa-GpsLocator.service", e.service());
        assertEquals(Level.ALERT, e.level());
        assertEquals("GPS Reference longitude: 7.358143333", e.message());
        assertEquals(Map.of("identifier", "python", "unit", "medusa-GpsLocator.service", "pid", 184L,
            "priority", 1L), e.fields());
    }

    @Test
    void shouldDecodeJournalJsonArrivingAsRawText() throws ParseException {
        final String line = Fixtures.resource("journald/aminer_journal.head150.json").get(0);
        final LogEvent e = parser.parse(Envelope.raw(line));
        assertEquals("Linux version 4.15.0-60-generic (buildd@lgw01-amd64-030) (gcc version 7.4.0 (Ubuntu "
            + "7.4.0-1ubuntu1~18.04.1)) #67-Ubuntu SMP Thu Aug 22 16:55:30 UTC 2019 (Ubuntu 4.15.0-60.67-generic "
            + "4.15.18)", e.message());
        assertEquals(Level.NOTICE, e.level());
        assertEquals("ubuntu", e.host());
        assertEquals("kernel", e.service());
        assertEquals(1_615_280_779_886L, e.time());
        assertEquals(Map.of("identifier", "kernel", "priority", 5L), e.fields());
    }

    @Test
    void shouldParseSyslogShortForm() throws ParseException {
        // docker/for-linux#1001
        final String line = "May 15 23:09:30 ubuntu-s-1vcpu-2gb-ams3-01 kernel: [  517.923918] Out of memory: Killed "
            + "process 401 (systemd-journal) total-vm:32724kB, anon-rss:1112kB, file-rss:8888kB, shmem-rss:4kB";
        final LogEvent e = Fixtures.parse(parser, line);
        assertEquals("[  517.923918] Out of memory: Killed process 401 (systemd-journal) total-vm:32724kB, "
            + "anon-rss:1112kB, file-rss:8888kB, shmem-rss:4kB", e.message());
        assertEquals(line, e.line());
        assertEquals("ubuntu-s-1vcpu-2gb-ams3-01", e.host());
        assertEquals("kernel", e.service());
        assertEquals(Level.INFO, e.level());
        assertEquals(Fixtures.utc("2024-05-15T23:09:30Z"), e.time());
        assertEquals(Map.of("identifier", "kernel"), e.fields());
    }

    @Test
    void shouldParseSyslogWithPidAndWithoutHost() throws ParseException {
        // systemd/systemd#5130 and synapse_ynh#201
        final LogEvent a = Fixtures.parse(parser, "Jan 22 23:38:34 sxl systemd[1]: systemd-modules-load.service: Main "
            + "process exited, code=exited, status=1/FAILURE");
        assertEquals(Map.of("identifier", "systemd", "pid", 1L), a.fields());
        assertEquals("sxl", a.host());
        final LogEvent b = Fixtures.parse(parser, "Jun 09 14:52:38 systemd[1]: Stopped Synapse Matrix homeserver.");
        assertNull(b.host());
        assertEquals("Stopped Synapse Matrix homeserver.", b.message());
    }

    @Test
    void shouldParseShortIsoForm() throws ParseException {
        final LogEvent e = Fixtures.parse(parser,
            "2024-11-22T05:34:01.123456+00:00 web1 sshd[4242]: Accepted publickey for root from 10.0.0.9 port 50000");
        assertEquals(Fixtures.utc("2024-11-22T05:34:01.123Z"), e.time());
        assertEquals("Accepted publickey for root from 10.0.0.9 port 50000", e.message());
        assertEquals(Map.of("identifier", "sshd", "pid", 4242L), e.fields());
    }

    @Test
    void shouldInferYearFromEnvelopeTimeBeforeClock() throws ParseException {
        final Envelope env = new Envelope("Dec 31 23:59:58 h cron[7]: tick", Envelope.Kind.RAW,
            Fixtures.utc("2020-01-01T00:00:05Z"), null, null, null, null, null, null, null, false);
        assertEquals(Fixtures.utc("2019-12-31T23:59:58Z"), parser.parse(env).time());
    }

    @Test
    void shouldReadShortFormInConfiguredZone() throws ParseException {
        final JournaldParser berlin = new JournaldParser(ZoneId.of("Europe/Berlin"), Fixtures.CLOCK);
        assertEquals(Fixtures.utc("2024-05-15T21:09:30Z"),
            Fixtures.parse(berlin, "May 15 23:09:30 h kernel: x").time());
    }

    @Test
    void shouldTakeWholeTextWhenThereIsNoPrefix() throws ParseException {
        // fail2ban sshd-journal: journal "short" message form without timestamps
        final LogEvent bare = Fixtures.parse(parser,
            "srv sshd[28732]: error: PAM: Authentication failure for stefanor from example.com");
        assertEquals("error: PAM: Authentication failure for stefanor from example.com", bare.message());
        assertEquals("srv", bare.host());
        assertEquals(Map.of("identifier", "sshd", "pid", 28732L), bare.fields());
        assertEquals(LogEvent.NO_TIME, bare.time());
        final LogEvent plain =
            Fixtures.parse(parser, "error: PAM: Authentication failure for kevin from 193.168.0.128");
        assertEquals("error: PAM: Authentication failure for kevin from 193.168.0.128", plain.message());
        assertEquals(Map.of(), plain.fields());
    }

    @Test
    void shouldKeepEmptyJournalMessage() throws ParseException {
        final Envelope env = new Envelope("", Envelope.Kind.JOURNALD, 1L, "h", null, "coredump", null, null, 2, null,
            false);
        final LogEvent e = parser.parse(env);
        assertEquals("", e.message());
        assertEquals(Level.CRITICAL, e.level());
    }

    @Test
    void shouldNeverFoldLines() {
        assertFalse(parser.continues("May 15 23:09:30 h kernel: Call Trace:", " [<ffffffff>] dump_stack+0x19/0x1b"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "journald/aminer_journal.head150.json",
        "journald/lnav_logfile_journald.json",
        "journald/github_issues_journal_short_excerpts.log",
    })
    void shouldParseEveryEntryOfRealFiles(final String fixture) {
        final Fixtures.Outcome out = Fixtures.runResource(parser, fixture);
        assertEquals(List.of(), out.failures);
        assertTrue(out.entries > 0);
    }

    @Test
    void shouldMapEveryPriorityOfAminerBoot() {
        final Fixtures.Outcome out = Fixtures.runResource(parser, "journald/aminer_journal.head150.json");
        assertEquals(150, out.events.size());
        assertTrue(out.events.stream().allMatch(e -> e.time() > 0 && "ubuntu".equals(e.host())));
        assertTrue(out.events.stream().allMatch(e -> e.level() == Level.fromSyslogPriority(
            ((Long) e.fields().get("priority")).intValue())));
    }
}
