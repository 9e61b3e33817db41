package dev.vigil.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code vigil replay --report}: the file is written, its kind chosen by extension; other extensions are refused. */
class ReplayCommandReportTest {

    private static final Path PACK = Paths.get(System.getProperty("patterns.dir", "../patterns"));

    private static int replay(final List<String> args) throws Exception {
        final PrintStream out = System.out;
        try {
            System.setOut(new PrintStream(java.io.OutputStream.nullOutputStream()));
            final ReplayCommand cmd = new ReplayCommand();
            new CommandLine(cmd).parseArgs(args.toArray(new String[0]));
            return cmd.call();
        } finally {
            System.setOut(out);
        }
    }

    private static List<String> demo() throws Exception {
        try (Stream<Path> s = Files.list(PACK.resolveSibling("samples").resolve("demo"))) {
            return s.filter(p -> p.toString().endsWith(".log")).sorted().map(Path::toString)
                .collect(Collectors.toList());
        }
    }

    @Test
    void shouldWriteHtmlAndMarkdownReports(@TempDir final Path dir) throws Exception {
        for (final String name : List.of("out.html", "out.md")) {
            final List<String> args = new ArrayList<>(List.of("--patterns", PACK.toString(), "--year", "2024",
                "--format", "json", "--report", dir.resolve(name).toString()));
            args.addAll(demo());
            assertEquals(0, replay(args));
            final String text = Files.readString(dir.resolve(name), StandardCharsets.UTF_8);
            assertTrue(name.endsWith(".html") ? text.startsWith("<!DOCTYPE html>") && text.contains("vigil-data")
                : text.startsWith("# Vigil replay report"), name);
            assertTrue(text.contains("nginx_5xx_ratio") || text.contains("nginx\\_5xx\\_ratio"));
        }
    }

    @Test
    void shouldRefuseAReportOfUnknownKind(@TempDir final Path dir) throws Exception {
        final List<String> args = new ArrayList<>(List.of("--patterns", PACK.toString(), "--report",
            dir.resolve("out.pdf").toString()));
        args.addAll(demo());
        try {
            replay(args);
            throw new AssertionError("accepted out.pdf");
        } catch (final UserError e) {
            assertTrue(e.getMessage().contains(".html or .md"));
        }
    }
}
