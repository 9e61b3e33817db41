package dev.vigil.parse;

import org.junit.jupiter.api.Test;

import java.time.ZoneId;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ParsersTest {

    @Test
    void shouldHaveAParserForEverySource() {
        final Parsers parsers = Parsers.defaults();
        for (final Source s : Source.values()) {
            assertEquals(s, parsers.get(s).source());
        }
        assertInstanceOf(NginxParser.class, parsers.get(Source.NGINX));
        assertInstanceOf(PostgresParser.class, parsers.get(Source.POSTGRES));
        assertInstanceOf(SynapseParser.class, parsers.get(Source.SYNAPSE));
        assertInstanceOf(JournaldParser.class, parsers.get(Source.JOURNALD));
        assertThrows(IllegalArgumentException.class, () -> parsers.get(null));
    }

    @Test
    void shouldPassPrefixesAndZoneToParsers() throws ParseException {
        final Parsers parsers = Parsers.of(List.of("%t [%p]: [%l-1] user=%u,db=%d,app=%a,client=%h "),
            ZoneId.of("Europe/Berlin"), Fixtures.CLOCK);
        final LogEvent pg = Fixtures.parse(parsers.get(Source.POSTGRES), "2017-09-06 08:41:41 UTC [36]: [121-1] "
            + "user=postgres,db=postgres,app=pgbench,client=172.23.0.1 LOG:  duration: 2.280 ms  statement: END;");
        assertEquals("pgbench", pg.field("application"));
        final LogEvent synapse = Fixtures.parse(parsers.get(Source.SYNAPSE),
            "2023-09-25 11:42:05,651 - root - 350 - WARNING - main - ***** STARTING SERVER *****");
        assertEquals(Fixtures.utc("2023-09-25T09:42:05.651Z"), synapse.time());
        final LogEvent nginx = Fixtures.parse(parsers.get(Source.NGINX),
            "2024/08/15 14:30:54 [alert] 3690#0: cache manager process 3986 exited on signal 11");
        assertEquals(Fixtures.utc("2024-08-15T12:30:54Z"), nginx.time());
        final LogEvent journald = Fixtures.parse(parsers.get(Source.JOURNALD), "May 15 23:09:30 h kernel: x");
        assertEquals(Fixtures.utc("2024-05-15T21:09:30Z"), journald.time());
    }
}
