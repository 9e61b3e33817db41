package dev.vigil.pack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PatternPackTest {

    @TempDir
    Path dir;

    private static final String GOOD = String.join("\n",
        "id: postgres_too_many_clients",
        "title: PostgreSQL refuses connections",
        "source: postgres",
        "severity: warning",
        "regex: 'FATAL:\\s+sorry, too many clients already'",
        "summary: 'too many clients on {host}'",
        "diagnosis: The connection limit is reached.",
        "runbook: postgres.md#postgres_too_many_clients",
        "resolve_after: 10m",
        "examples:",
        "  - line: '2024-05-01 10:00:00.123 UTC [4711] FATAL:  sorry, too many clients already'",
        "    from: 'synthetic: test'",
        "  - line: '2024-05-01 10:00:01.000 UTC [4712] LOG:  connection authorized: user=app'",
        "    match: false",
        "");

    @BeforeEach
    void writePack() throws IOException {
        Files.writeString(dir.resolve("VERSION"), "1.2.3\n");
        Files.createDirectories(dir.resolve("runbooks"));
        Files.writeString(dir.resolve("runbooks/postgres.md"),
            "# PostgreSQL\n\n## postgres_too_many_clients\n\ntext\n```\n## not_a_heading\n```\n");
        Files.createDirectories(dir.resolve("signatures/postgres"));
    }

    private void write(final String id, final String text) throws IOException {
        Files.writeString(dir.resolve("signatures/postgres/" + id + ".yml"), text);
    }

    private List<String> problems() {
        return assertThrows(PackException.class, () -> PatternPack.load(dir)).problems();
    }

    @Test
    void shouldLoadAValidSignature() throws Exception {
        write("postgres_too_many_clients", GOOD);
        final PatternPack pack = PatternPack.load(dir);
        assertEquals("1.2.3", pack.version());
        final Signature s = pack.signature("postgres_too_many_clients");
        assertEquals(Severity.WARNING, s.severity());
        assertEquals(List.of("sorry, too many clients already"), s.literals());
        assertEquals(600_000, s.resolveAfterMillis());
        assertEquals(2, s.examples().size());
        assertEquals(11, s.examples().get(0).line());
    }

    @Test
    void shouldRejectAnUnknownKeyWithFileAndLine() throws IOException {
        write("postgres_too_many_clients", GOOD.replace("severity: warning", "severity: warning\nseverty: x"));
        final List<String> p = problems();
        assertEquals(1, p.size(), p.toString());
        assertTrue(p.get(0).startsWith("signatures/postgres/postgres_too_many_clients.yml:5: unknown key 'severty'"),
            p.get(0));
    }

    @Test
    void shouldRejectABadRegexWithItsLine() throws IOException {
        write("postgres_too_many_clients", GOOD.replace("regex: 'FATAL:\\s+sorry", "regex: 'FATAL:(\\s+sorry"));
        final List<String> p = problems();
        assertTrue(p.get(0).startsWith("signatures/postgres/postgres_too_many_clients.yml:5: bad regex"), p.get(0));
    }

    @Test
    void shouldRejectBackreferencesThatRe2jCannotRun() throws IOException {
        write("postgres_too_many_clients", GOOD.replace("regex: 'FATAL:\\s+sorry", "regex: '(a)\\1 FATAL:\\s+sorry"));
        assertTrue(problems().get(0).contains(":5: bad regex"));
    }

    @Test
    void shouldRequireBothKindsOfExample() throws IOException {
        write("postgres_too_many_clients", GOOD.replace("    match: false\n", ""));
        final List<String> p = problems();
        assertTrue(p.get(0).endsWith(":10: examples need at least one line that must not match (match: false)"),
            p.toString());
    }

    @Test
    void shouldRequireTheRunbookAnchorToExist() throws IOException {
        write("postgres_too_many_clients", GOOD.replace("md#postgres_too_many_clients", "md#not_a_heading"));
        assertEquals(List.of("signatures/postgres/postgres_too_many_clients.yml:8: runbook anchor #not_a_heading "
            + "is not a heading in runbooks/postgres.md"), problems());
    }

    @Test
    void shouldRequireIdToEqualFileNameAndSourcePrefix() throws IOException {
        write("postgres_other", GOOD);
        assertTrue(problems().get(0).contains(":1: id 'postgres_too_many_clients' must equal the file name"));
    }

    @Test
    void shouldRequireAPrefilterLiteral() throws IOException {
        write("postgres_too_many_clients", GOOD.replace("regex: 'FATAL:\\s+sorry, too many clients already'",
            "regex: 'foo|bar'"));
        assertTrue(problems().get(0).contains(":5: the regex has no required literal"));
    }

    @Test
    void shouldRejectASummaryPlaceholderThatNamesNoLabel() throws IOException {
        write("postgres_too_many_clients", GOOD.replace("{host}", "{database}"));
        assertTrue(problems().get(0).contains(":6: summary placeholder {database} names no label"));
    }

    @Test
    void shouldRejectDuplicateKeysAndBadVersions() throws IOException {
        Files.writeString(dir.resolve("VERSION"), "1.2\n");
        write("postgres_too_many_clients", GOOD.replace("title: PostgreSQL", "title: a\ntitle: PostgreSQL"));
        final List<String> p = problems();
        assertEquals(2, p.size(), p.toString());
        assertEquals("VERSION:1: '1.2' is not a semantic version (MAJOR.MINOR.PATCH)", p.get(0));
        assertTrue(p.get(1).endsWith(":3: duplicate key 'title'"), p.get(1));
    }

    @Test
    void shouldReportInvalidYamlWithItsLine() throws IOException {
        write("postgres_too_many_clients", GOOD.replace("examples:", "examples: [unclosed"));
        assertTrue(problems().get(0).startsWith("signatures/postgres/postgres_too_many_clients.yml:"));
    }
}
