package dev.vigil.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.alert.Alert;
import dev.vigil.alert.AlertJson;
import dev.vigil.pack.PatternPack;
import dev.vigil.parse.TestParsers;
import dev.vigil.rule.AlertSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The postmortem report of the demo incident: the right episodes, in order, at the right times; safe to open. */
class ReplayReportTest {

    static final Path PACK = Paths.get(System.getProperty("patterns.dir", "../patterns"));
    static final Path DEMO = PACK.resolveSibling("samples").resolve("demo");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The demo incident's episodes: name, labels, startsAt, endsAt. */
    static final List<String> EXPECTED = List.of(
        "journald_ssh_failed_password {\"host\":\"web1\"} 2024-05-01T10:05:00Z 2024-05-01T10:20:48Z",
        "all_auth_brute_force {\"client\":\"194.117.26.70\"} 2024-05-01T10:05:40Z 2024-05-01T10:25:01Z",
        "all_auth_brute_force {\"client\":\"194.117.26.69\"} 2024-05-01T10:05:40Z 2024-05-01T10:25:01Z",
        "postgres_too_many_clients {} 2024-05-01T10:08:00.896Z 2024-05-01T10:23:15.358Z",
        "synapse_database_connection_failed {\"reason\":\"FATAL:  sorry, too many clients already\"} 2024-05-01T10:09:00.429Z 2024-05-01T10:24:00.429Z",
        "nginx_http_502_bad_gateway {} 2024-05-01T10:12:00Z 2024-05-01T10:30:51Z",
        "nginx_upstream_connection_refused {\"upstream\":\"http://172.21.0.19:9000\"} 2024-05-01T10:12:00Z 2024-05-01T10:30:40Z",
        "nginx_5xx_ratio {} 2024-05-01T10:13:59.999Z 2024-05-01T10:25:01Z",
        "journald_kernel_oom_killed_process {\"host\":\"web1\",\"process\":\"gunicorn\",\"scope\":\"Out of memory\"} 2024-05-01T10:15:00Z 2024-05-01T10:30:00Z",
        "journald_unit_main_process_failed {\"code\":\"killed\",\"host\":\"web1\",\"unit\":\"shop-api.service\"} 2024-05-01T10:15:01Z 2024-05-01T10:30:01Z",
        "journald_unit_failed {\"host\":\"web1\",\"result\":\"signal\",\"unit\":\"shop-api.service\"} 2024-05-01T10:15:01Z 2024-05-01T10:30:01Z",
        "postgres_deadlock_detected {\"database\":\"shop\"} 2024-05-01T10:20:00.608Z 2024-05-01T10:35:00.608Z",
        "postgres_slow_query {\"database\":\"shop\"} 2024-05-01T10:21:00.467Z 2024-05-01T10:36:00.467Z");

    static List<Path> demo() throws Exception {
        try (Stream<Path> s = Files.list(DEMO)) {
            return s.filter(p -> p.toString().endsWith(".log")).sorted().collect(Collectors.toList());
        }
    }

    static ReplayReport report(final List<Path> files, final List<Alert> alerts) throws Exception {
        final PatternPack pack = PatternPack.load(PACK);
        final ReplayReport rep = new ReplayReport(pack);
        final ReplayRunner runner = new ReplayRunner(pack, TestParsers.fixed(),
            AlertSettings.defaults("https://runbooks.example/"), ReplayOptions.defaults()).observeRules(rep);
        final ReplayRunner.Result res = runner.run(files, a -> {
            alerts.add(a);
            rep.accept(a);
        }, d -> { });
        return rep.finish(files, res, runner.firstEventTime(), runner.lastEventTime(), null, null);
    }

    static JsonNode data(final String html) throws Exception {
        final String open = "<script type=\"application/json\" id=\"vigil-data\">";
        final int a = html.indexOf(open);
        assertTrue(a >= 0, "the data block is embedded");
        final int b = html.indexOf("</script>", a);
        assertEquals(-1, html.indexOf("</script>", b + 1), "nothing after the data block closes a script");
        return JSON.readTree(html.substring(a + open.length(), b));
    }

    private static int count(final String s, final String needle) {
        int n = 0;
        for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    @Test
    void shouldReportTheDemoIncidentsInOrderWithTheirTimes() throws Exception {
        final List<Alert> alerts = new ArrayList<>();
        final ReplayReport rep = report(demo(), alerts);
        final String html = HtmlReport.render(rep);
        final JsonNode d = data(html);
        assertEquals("vigil.report/v1", d.get("schema").asText());
        assertEquals(5, d.get("inputs").size());
        final int firing = d.get("counts").get("alertsByStatus").get("firing").asInt();
        assertEquals(firing, d.get("counts").get("alertsByStatus").get("resolved").asInt());

        final List<String> got = new ArrayList<>();
        for (final JsonNode e : d.get("episodes")) {
            got.add(e.get("name").asText() + " " + e.get("labels") + " " + e.get("startsAt").asText() + " "
                + e.get("endsAt").asText());
        }
        assertEquals(EXPECTED, got);

        // the same episodes, paired independently from the alert stream
        final List<String> paired = new ArrayList<>();
        final List<Alert> firings = alerts.stream().filter(a -> a.status() == Alert.Status.FIRING)
            .sorted(java.util.Comparator.comparingLong(Alert::startsAt)).collect(Collectors.toList());
        for (final Alert f : firings) {
            if (f.status() == Alert.Status.FIRING) {
                final Alert r = alerts.stream().filter(x -> x.status() == Alert.Status.RESOLVED
                    && x.id().equals(f.id()) && x.startsAt() == f.startsAt()).findFirst().orElseThrow();
                paired.add(f.name() + " " + JSON.valueToTree(f.labels()) + " " + AlertJson.iso(f.startsAt()) + " "
                    + AlertJson.iso(r.endsAt()));
            }
        }
        assertEquals(paired, got);

        // the timeline draws one bar per episode, in the same order
        assertTrue(html.contains("<svg id=\"timeline\""));
        final Matcher m = Pattern.compile("<g class=\"episode\" data-name=\"([^\"]*)\" data-starts=\"(\\d+)\">")
            .matcher(html);
        final List<String> bars = new ArrayList<>();
        while (m.find()) {
            bars.add(m.group(1) + " " + AlertJson.iso(Long.parseLong(m.group(2))));
        }
        assertEquals(rep.episodes().stream().map(e -> e.name + " " + AlertJson.iso(e.startsAt))
            .collect(Collectors.toList()), bars);
        assertEquals(EXPECTED.stream().map(s -> s.split(" ")[0]).collect(Collectors.toList()),
            bars.stream().map(s -> s.split(" ")[0]).collect(Collectors.toList()));

        // the ratio rule that fired has a chart: values over time and its threshold
        JsonNode ratio = null;
        for (final JsonNode s : d.get("series")) {
            if (s.get("rule").asText().equals("nginx_5xx_ratio")) {
                ratio = s;
            }
        }
        assertNotNull(ratio, "nginx_5xx_ratio is charted");
        assertTrue(ratio.get("points").size() > 5);
        final double threshold = ratio.get("threshold").asDouble();
        boolean above = false;
        for (final JsonNode p : ratio.get("points")) {
            above |= !p.get(1).isNull() && p.get(1).asDouble() >= threshold;
        }
        assertTrue(above, "the series reaches the threshold it fired at");
        final int chart = html.indexOf("<svg class=\"rule-chart\" data-rule=\"nginx_5xx_ratio\"");
        assertTrue(chart > 0);
        final String svg = html.substring(chart, html.indexOf("</svg>", chart));
        assertTrue(svg.contains("<polyline class=\"value\""));
        assertTrue(svg.contains("<line class=\"threshold\"") && svg.contains("stroke-dasharray"));

        // self-contained: nothing is fetched
        assertFalse(Pattern.compile("(src|href)=\"(?!https://runbooks\\.example/)", Pattern.CASE_INSENSITIVE)
            .matcher(html).find(), "no external resources; the only links are runbooks");
        assertFalse(html.contains("<link") || html.contains("@import") || html.contains("url("));
        assertTrue(d.get("topSignatures").size() > 0);
        assertTrue(html.contains("Runbook: <a href=\"https://runbooks.example/"));
    }

    @Test
    void shouldEscapeHostileEvidenceAndDropUnsafeRunbooks() throws Exception {
        final String hostile = "<script>alert(1)</script> <a href=javascript:alert(2)>x</a> [y](javascript:z) </script>";
        final SortedMap<String, String> labels = new TreeMap<>();
        labels.put("client", "<img src=x onerror=alert(3)>");
        final long t = 1_714_557_600_000L;
        final ReplayReport rep = new ReplayReport(null);
        rep.accept(new Alert("id1", Alert.Status.FIRING, "nginx_x", Alert.Kind.SIGNATURE, "error", "nginx",
            "summary " + hostile, "diag", "javascript:alert(4)", labels, null, null, null, null, t, null, 1,
            List.of(new Alert.Evidence(t, hostile))));
        rep.accept(new Alert("id1", Alert.Status.RESOLVED, "nginx_x", Alert.Kind.SIGNATURE, "error", "nginx",
            "summary " + hostile, "diag", "javascript:alert(4)", labels, null, null, null, null, t, t + 60_000, 1,
            List.of(new Alert.Evidence(t, hostile))));
        rep.finish(List.of(Paths.get("a<b>.log")), new ReplayRunner.Result(new dev.vigil.engine.Stats(),
            java.util.Map.of(), 0, 0), t, t + 60_000, null, null);
        final String html = HtmlReport.render(rep);
        final String body = html.substring(0, html.indexOf("<script type=\"application/json\""));
        assertFalse(body.contains("<script"), "no script element from log data");
        assertFalse(body.contains("<a href=javascript") || body.contains("<img"));
        assertFalse(body.contains("javascript:alert(4)"), "an unsafe runbook is not shown");
        assertTrue(body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assertEquals(0, count(body, "<a "), "nothing from log data becomes a link");
        final JsonNode d = data(html);
        assertEquals(hostile, d.get("episodes").get(0).get("evidence").get(0).get("line").asText(),
            "the data block keeps the line, with </ escaped");
        assertTrue(d.get("episodes").get(0).get("runbook").isNull());

        final String md = MarkdownReport.render(rep);
        assertFalse(md.contains("<script>") && !md.contains("```text\n2024-05-01 10:00:00Z  <script>"),
            "raw only inside a code fence");
        assertFalse(md.contains("javascript:alert(4)"));
        assertTrue(md.contains("&lt;img src=x onerror=alert\\(3\\)&gt;"));
        final String outsideFences = md.replaceAll("(?s)```text\\n.*?```", "");
        assertFalse(outsideFences.contains("<script") || outsideFences.contains("<img") || outsideFences.contains("](javascript"));
    }

    @Test
    void shouldWriteMarkdownWithTheSameEpisodes(@TempDir final Path dir) throws Exception {
        final ReplayReport rep = report(demo(), new ArrayList<>());
        final Path md = dir.resolve("out.md");
        rep.write(md);
        final String text = Files.readString(md, StandardCharsets.UTF_8);
        assertTrue(text.startsWith("# Vigil replay report"));
        assertTrue(text.contains("## Incident timeline"));
        int last = -1;
        for (final ReplayReport.Episode e : rep.episodes()) {
            final int at = text.indexOf("| " + HtmlReport.time(e.startsAt) + " | " + HtmlReport.time(e.endsAt),
                last + 1);
            assertTrue(at > last, e.name + " listed in order");
            last = at;
        }
        assertTrue(text.contains("**nginx\\_5xx\\_ratio**"));
        assertNull(ReplayReport.formatOf(dir.resolve("out.txt")));
        assertEquals("html", ReplayReport.formatOf(dir.resolve("r.HTML")));
    }
}
