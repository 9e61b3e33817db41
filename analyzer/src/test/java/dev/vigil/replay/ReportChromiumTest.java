package dev.vigil.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTML report opens in a real browser: headless Chromium loads it from disk (no network) and the DOM it builds
 * holds the timeline, the rule chart and the alerts; a screenshot renders. Skipped when {@code /usr/bin/chromium} is
 * absent (CI installs it).
 */
class ReportChromiumTest {

    private static final Path CHROMIUM = Paths.get(System.getProperty("chromium", "/usr/bin/chromium"));

    private static String chromium(final Path dir, final String... args) throws Exception {
        final List<String> cmd = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox",
            "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--user-data-dir=" + dir.resolve("profile")));
        cmd.addAll(List.of(args));
        final Path out = dir.resolve("stdout-" + System.nanoTime());
        final Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile())
            .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish within 120 s");
        }
        assertEquals(0, p.exitValue(), "chromium exit status");
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    @Test
    void shouldLoadInHeadlessChromium(@TempDir final Path dir) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM), "no " + CHROMIUM);
        final ReplayReport rep = ReplayReportTest.report(ReplayReportTest.demo(), new ArrayList<>());
        final Path html = dir.resolve("report.html");
        rep.write(html);
        final String dom = chromium(dir, "--dump-dom", html.toUri().toString());
        assertTrue(dom.contains("<svg id=\"timeline\""), "the timeline is in the DOM");
        assertTrue(dom.contains("data-rule=\"nginx_5xx_ratio\""), "the rule chart is in the DOM");
        int bars = 0;
        for (int i = dom.indexOf("class=\"episode\""); i >= 0; i = dom.indexOf("class=\"episode\"", i + 1)) {
            bars++;
        }
        assertEquals(rep.episodes().size(), bars, "one bar per episode");
        assertTrue(dom.contains("id=\"vigil-data\""));
        final Path png = dir.resolve("report.png");
        chromium(dir, "--window-size=1100,1400", "--screenshot=" + png, html.toUri().toString());
        assertTrue(Files.size(png) > 10_000, "a screenshot renders");
    }
}
