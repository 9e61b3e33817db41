package dev.vigil.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplayMetricsTest {
    private static final String PATTERNS = System.getProperty("patterns.dir", "../patterns");

    @TempDir
    Path dir;

    @Test
    void shouldWriteTheFinalCountersInPrometheusFormat() throws Exception {
        final String upstreamDown = "2024/05/01 10:12:%02d [error] 6#6: *1 connect() failed (111: Connection refused) "
            + "while connecting to upstream, client: 172.21.0.1, server: , request: \"GET / HTTP/1.1\", "
            + "upstream: \"http://172.21.0.19:9000/\", host: \"0.0.0.0:9000\"";
        final Path log = Files.write(dir.resolve("error.log"), List.of(String.format(upstreamDown, 0),
            String.format(upstreamDown, 20), String.format(upstreamDown, 40)));
        final Path out = dir.resolve("replay.prom");

        final PrintStream stdout = System.out;
        final ByteArrayOutputStream alerts = new ByteArrayOutputStream();
        final int code;
        try {
            System.setOut(new PrintStream(alerts, true, StandardCharsets.UTF_8));
            code = Main.execute("replay", "--patterns", PATTERNS, "--format", "json", "--metrics-out",
                out.toString(), log.toString());
        } finally {
            System.setOut(stdout);
        }

        assertEquals(0, code);
        final String text = Files.readString(out);
        assertTrue(text.contains("# TYPE vigil_records_read_total counter\n"), text);
        assertTrue(text.contains("vigil_records_read_total{source=\"nginx\",} 3.0\n"), text);
        assertTrue(text.contains("vigil_records_parsed_total{source=\"nginx\",} 3.0\n"), text);
        assertTrue(text.contains(
            "vigil_signatures_matched_total{signature=\"nginx_upstream_connection_refused\",} 3.0\n"), text);
        assertTrue(text.contains("vigil_alerts_emitted_total{name=\"nginx_upstream_connection_refused\","
            + "severity=\"error\",status=\"firing\",} 1.0\n"), text);
        assertTrue(text.contains("vigil_build_info{pack_version=\""), text);
    }

    @Test
    void shouldRejectAMetricsFileInAMissingDirectory() throws Exception {
        final Path log = Files.write(dir.resolve("a.log"), List.of("2024/05/01 10:12:00 [error] 6#6: *1 x"));
        final PrintStream stderr = System.err;
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final int code;
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            code = Main.execute("replay", "--patterns", PATTERNS, "--format", "json", "--metrics-out",
                dir.resolve("no/such/dir/m.prom").toString(), log.toString());
        } finally {
            System.setErr(stderr);
        }
        assertEquals(2, code, err.toString(StandardCharsets.UTF_8));
    }
}
