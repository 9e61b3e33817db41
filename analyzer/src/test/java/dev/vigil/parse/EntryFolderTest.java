package dev.vigil.parse;

import dev.vigil.ingest.Envelope;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EntryFolderTest {

    private static List<String> fold(final EntryFolder folder, final List<String> lines) {
        final List<String> out = new ArrayList<>();
        for (final String line : lines) {
            final String done = folder.accept(line);
            if (done != null) {
                out.add(done);
            }
        }
        final String last = folder.flush();
        if (last != null) {
            out.add(last);
        }
        return out;
    }

    @Test
    void shouldFoldPostgresDetailHintAndStatement() {
        final List<String> lines = Fixtures.resource("postgres/pgbadger_pg_rawcsv.stderr.log");
        final List<String> entries = fold(new EntryFolder(new PostgresParser()), lines);
        assertEquals(11, entries.size());
        assertEquals("2025-01-21 18:38:06.453 CET [78798] gilles@gilles ERROR:  conflicting values for \"Y\" field in "
            + "formatting string\n2025-01-21 18:38:06.453 CET [78798] gilles@gilles DETAIL:  This value contradicts "
            + "a previous setting for the same field type.\n2025-01-21 18:38:06.453 CET [78798] gilles@gilles "
            + "STATEMENT:  SELECT TO_DATE('311299999','DDMMYYYYY');", entries.get(9));
    }

    @Test
    void shouldFoldMultiLineStatementsLikeDecodeThenFold() {
        final PostgresParser pg = new PostgresParser();
        final List<String> lines = Fixtures.resource("postgres/pgbadger_pg_vacuums.head300.stderr.log");
        assertEquals(Fixtures.runResource(pg, "postgres/pgbadger_pg_vacuums.head300.stderr.log").entries,
            fold(new EntryFolder(pg), lines).size());
    }

    @Test
    void shouldFoldSynapseTracebacks() throws ParseException {
        final SynapseParser synapse = new SynapseParser();
        final List<String> entries = fold(new EntryFolder(synapse),
            Fixtures.resource("synapse/lamoboos223_matrix_homeserver.log"));
        assertEquals(Fixtures.runResource(synapse, "synapse/lamoboos223_matrix_homeserver.log").entries,
            entries.size());
        final String traceback = entries.get(7);
        assertTrue(traceback.startsWith("2023-09-25 11:42:05,652 - synapse.app._base - 207 - ERROR - main - "
            + "Exception during startup\nTraceback (most recent call last):\n"));
        assertEquals(Level.ERROR, synapse.parse(Envelope.raw(traceback)).level());
    }

    @Test
    void shouldSkipBlankLinesBetweenEntries() {
        final List<String> entries = fold(new EntryFolder(new NginxParser()),
            List.of("", "10.0.0.1 - - [20/Jul/2009:22:59:26 +0000] \"GET / HTTP/1.0\" 200 1", "  ",
                "10.0.0.2 - - [20/Jul/2009:22:59:27 +0000] \"GET / HTTP/1.0\" 200 1"));
        assertEquals(2, entries.size());
    }

    @Test
    void shouldCloseEntryAtLineCap() {
        final EntryFolder folder = new EntryFolder(new SynapseParser(), 1_000_000, 3);
        final List<String> lines = List.of("2023-09-25 11:42:05,652 - synapse.app._base - 207 - ERROR - main - x",
            "a", "b", "c", "d");
        final List<String> entries = fold(folder, lines);
        assertEquals(List.of("2023-09-25 11:42:05,652 - synapse.app._base - 207 - ERROR - main - x\na\nb", "c\nd"),
            entries);
        assertEquals(1, folder.cappedEntries());
    }

    @Test
    void shouldCutEntryAtCharCap() {
        final EntryFolder folder = new EntryFolder(new SynapseParser(), 80, 2_000);
        final String head = "2023-09-25 11:42:05,652 - synapse.app._base - 207 - ERROR - main - x";
        assertNull(folder.accept(head));
        final String done = folder.accept("0123456789abcdef");
        assertEquals(80, done.length());
        assertEquals(head + "\n" + "0123456789abcdef".substring(0, 80 - head.length() - 1), done);
        assertNull(folder.flush());
        assertEquals(1, folder.cappedEntries());
    }

    @Test
    void shouldTruncateSingleOverlongLine() {
        final EntryFolder folder = new EntryFolder(new NginxParser(), 10, 2_000);
        assertNull(folder.accept("x".repeat(25)));
        assertEquals("x".repeat(10), folder.flush());
    }

    @Test
    void shouldBoundAnUnbalancedCsvQuote() {
        final EntryFolder folder = new EntryFolder(new PostgresParser());
        final List<String> lines = new ArrayList<>();
        lines.add("2021-01-22 10:03:22.785 CET,\"aaaa\",\"aaaa\",1486,\"127.0.0.1:52306\",6009c305.5ce,1,\"SELECT\","
            + "2021-01-21 19:08:05 CET,14/10903,0,LOG,00000,\"never closed");
        for (int i = 0; i < 4_500; i++) {
            lines.add("line " + i);
        }
        final List<String> entries = fold(folder, lines);
        // the capped record is emitted with 2,000 lines; what follows starts afresh (and would fail to parse)
        assertEquals(EntryFolder.MAX_LINES, entries.get(0).split("\n").length);
        assertEquals(1 + 4_500 - (EntryFolder.MAX_LINES - 1), entries.size());
        assertEquals(1, folder.cappedEntries());
    }

    @Test
    void shouldRejectNonPositiveCaps() {
        assertThrows(IllegalArgumentException.class, () -> new EntryFolder(new NginxParser(), 0, 1));
    }
}
