package dev.vigil.parse;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

class SyslogLineTest {
    private static final long JUNE_2024 = Instant.parse("2024-06-01T00:00:00Z").toEpochMilli();

    @Test
    void shouldParseShortForm() {
        // docker/for-linux#1001
        final String line = "May 15 23:09:30 ubuntu-s-1vcpu-2gb-ams3-01 systemd[1]: networkd-dispatcher.service: "
            + "Main process exited, code=killed, status=9/KILL";
        final SyslogLine s = SyslogLine.parse(line);
        assertEquals("ubuntu-s-1vcpu-2gb-ams3-01", s.host());
        assertEquals("systemd", s.ident());
        assertEquals(1L, s.pid());
        assertEquals("networkd-dispatcher.service: Main process exited, code=killed, status=9/KILL", s.message(line));
        assertEquals(Instant.parse("2024-05-15T23:09:30Z").toEpochMilli(), s.time(ZoneOffset.UTC, JUNE_2024));
    }

    @Test
    void shouldTakePreviousYearForDatesAfterTheReference() {
        final SyslogLine s = SyslogLine.parse("Dec 31 23:59:59 h kernel: x");
        assertEquals(Instant.parse("2023-12-31T23:59:59Z").toEpochMilli(), s.time(ZoneOffset.UTC, JUNE_2024));
        assertEquals(Instant.parse("2023-12-31T22:59:59Z").toEpochMilli(),
            s.time(ZoneId.of("Europe/Berlin"), JUNE_2024));
    }

    @Test
    void shouldAcceptSpacePaddedAndSingleDigitDays() {
        assertEquals(Instant.parse("2024-05-03T04:08:03Z").toEpochMilli(),
            SyslogLine.parse("May  3 04:08:03 combo sshd(pam_unix)[19939]: check pass; user unknown")
                .time(ZoneOffset.UTC, JUNE_2024));
        final SyslogLine one = SyslogLine.parse("Jul 3 14:59:17 host sshd-session[1571]: Connection closed");
        assertEquals("sshd-session", one.ident());
        assertEquals(1571L, one.pid());
    }

    @Test
    void shouldParseLinesWithoutHostOrPid() {
        // synapse_ynh#201 posts journal lines without the host
        final String noHost = "Jun 09 14:52:35 systemd[1]: matrix-synapse.service: Main process exited";
        final SyslogLine a = SyslogLine.parse(noHost);
        assertNull(a.host());
        assertEquals("systemd", a.ident());
        final SyslogLine k = SyslogLine.parse("Dec 11 10:48:09 fkhan-test-kernelv3 kernel: Call Trace:");
        assertEquals("kernel", k.ident());
        assertNull(k.pid());
        assertEquals("Call Trace:", k.message("Dec 11 10:48:09 fkhan-test-kernelv3 kernel: Call Trace:"));
    }

    @Test
    void shouldParseIsoForm() {
        final String line = "2024-11-22T05:34:01.123456+01:00 web1 sshd[4242]: Accepted publickey for root";
        final SyslogLine s = SyslogLine.parse(line);
        assertEquals("web1", s.host());
        assertEquals(Instant.parse("2024-11-22T04:34:01.123Z").toEpochMilli(), s.time(ZoneOffset.UTC, 0L));
        assertEquals("Accepted publickey for root", s.message(line));
    }

    @Test
    void shouldUnwrapRsyslogRepeats() {
        // goharbor/harbor#15357
        final String line = "Jul 26 10:35:24 172.18.0.1 postgresql[9499]: message repeated 31 times: [ FATAL:  sorry, "
            + "too many clients already]";
        final SyslogLine s = SyslogLine.parse(line);
        assertEquals(31, s.repeated());
        assertEquals("FATAL:  sorry, too many clients already", s.message(line));
    }

    @Test
    void shouldParseBarePrefixLeniently() {
        final String line = "srv sshd[13709]: error: PAM: Authentication failure for myhlj1374 from 192.030.0.6";
        assertNull(SyslogLine.parse(line));
        final SyslogLine s = SyslogLine.parseLenient(line);
        assertEquals("srv", s.host());
        assertEquals("sshd", s.ident());
        assertFalse(s.hasTime());
        assertEquals(LogEvent.NO_TIME, s.time(ZoneOffset.UTC, JUNE_2024));
        assertEquals("error: PAM: Authentication failure for myhlj1374 from 192.030.0.6", s.message(line));
    }

    @Test
    void shouldRejectOtherShapes() {
        assertNull(SyslogLine.parse("2024-01-01 10:00:00 UTC [1] LOG:  x"));
        assertNull(SyslogLine.parse("Hello there, this is not syslog"));
        assertNull(SyslogLine.parse("Jun 14 15:16:01"));
        assertNull(SyslogLine.parseLenient("error: PAM: Authentication failure for kevin from 193.168.0.128"));
    }
}
