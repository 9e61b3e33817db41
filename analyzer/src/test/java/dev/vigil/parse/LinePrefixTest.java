package dev.vigil.parse;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LinePrefixTest {

    private static String capture(final LinePrefix p, final String line, final int[] cap, final char code) {
        for (int el = 0; el < p.size(); el++) {
            if (p.code(el) == code && cap[2 * el] >= 0) {
                return line.substring(cap[2 * el], cap[2 * el + 1]);
            }
        }
        return null;
    }

    @Test
    void shouldStopAtQForBackgroundProcesses() {
        final LinePrefix p = LinePrefix.compile("%m [%p] %q%u@%d ");
        final String bg = "2022-04-12 00:16:05.562 UTC [7755] LOG:  database system is ready";
        final int[] cap = new int[2 * p.size()];
        assertEquals(bg.indexOf("LOG"), p.match(bg, 0, cap));
        assertEquals(null, capture(p, bg, cap, 'u'));
        final String session = "2022-04-12 00:24:24.741 UTC [9158] postgres@postgres FATAL:  x";
        assertEquals(session.indexOf("FATAL"), p.match(session, 0, cap));
        assertEquals("postgres", capture(p, session, cap, 'u'));
        assertEquals("2022-04-12 00:24:24.741 UTC", capture(p, session, cap, 'm'));
    }

    @Test
    void shouldBacktrackOverFreeTextWithSpaces() {
        final LinePrefix p = LinePrefix.compile("%t [%p]: app=%a,user=%u ");
        final String line = "2021-01-22 10:03:22 CET [1486]: app=PostgreSQL JDBC Driver,user=aaaa LOG:  x";
        final int[] cap = new int[2 * p.size()];
        assertEquals(line.indexOf("LOG"), p.match(line, 0, cap));
        assertEquals("PostgreSQL JDBC Driver", capture(p, line, cap, 'a'));
        assertEquals("aaaa", capture(p, line, cap, 'u'));
    }

    @Test
    void shouldTreatDoublePercentAsLiteralAndIgnorePadding() {
        final LinePrefix p = LinePrefix.compile("%% %-10u|%5p ");
        final String line = "% postgres  |  123 ERROR:  x";
        final int[] cap = new int[2 * p.size()];
        assertEquals(line.indexOf("ERROR"), p.match(line, 0, cap));
    }

    @Test
    void shouldFailWhenNoSeverityFollows() {
        final LinePrefix p = LinePrefix.compile("%m [%p] ");
        final int[] cap = new int[2 * p.size()];
        assertEquals(-1, p.match("2022-04-12 00:24:24.741 UTC [9158] postgres@postgres FATAL:  x", 0, cap));
        assertEquals(-1, p.match("2022-04-12 00:24:24.741 UTC [9158] LOG: single space", 0, cap));
        assertEquals(-1, p.match("2022-04-12 00:24:24 UTC [9158] LOG:  no millis for %m", 0, cap));
    }
}
