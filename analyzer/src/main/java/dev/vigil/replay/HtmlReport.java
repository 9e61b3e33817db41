package dev.vigil.replay;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.alert.Alert;
import dev.vigil.alert.SafeText;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders a {@link ReplayReport} as one self-contained HTML page: inline CSS, inline SVG charts, no scripts, fonts
 * or other network resources. Everything that came from log data is HTML-escaped and never becomes a link or
 * markup; the only links are the pack's http(s)/file runbook URLs. The report's data is embedded as JSON in
 * {@code <script type="application/json" id="vigil-data">} (with {@code </} escaped) for tests and tools.
 */
public final class HtmlReport {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'")
        .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter HM = DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter HMS = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);
    private static final int WIDTH = 960;
    private static final int LEFT = 300;
    private static final int ROW = 22;

    private HtmlReport() {
    }

    /** HTML-escapes text (&amp; &lt; &gt; &quot; &#39;), after removing control characters. */
    public static String esc(final String s) {
        if (s == null) {
            return "";
        }
        final String c = SafeText.cleanMultiline(s, Integer.MAX_VALUE);
        final StringBuilder sb = new StringBuilder(c.length() + 16);
        for (int i = 0; i < c.length(); i++) {
            final char ch = c.charAt(i);
            switch (ch) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(ch);
            }
        }
        return sb.toString();
    }

    static String time(final long t) {
        return TIME.format(Instant.ofEpochMilli(t));
    }

    static String severityColour(final String severity) {
        return switch (severity == null ? "" : severity) {
            case "critical" -> "#b71c1c";
            case "error" -> "#e65100";
            case "warning" -> "#f2a900";
            default -> "#1565c0";
        };
    }

    static String labels(final Map<String, String> labels) {
        if (labels.isEmpty()) {
            return "";
        }
        final StringBuilder sb = new StringBuilder("{");
        labels.forEach((k, v) -> sb.append(sb.length() > 1 ? ", " : "").append(k).append('=').append(v));
        return sb.append('}').toString();
    }

    /** The embedded data block's content: JSON with every {@code </} (and {@code <!--}) neutralised. */
    static String jsonBlock(final ReplayReport r) {
        try {
            return new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(r.json())
                .replace("</", "<\\/").replace("<!--", "<\\u0021--");
        } catch (final JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The whole page. */
    public static String render(final ReplayReport r) {
        final StringBuilder h = new StringBuilder(64 * 1024);
        final List<ReplayReport.Episode> eps = r.episodes();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n")
            .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                + "style-src 'unsafe-inline'; img-src data:\">\n")
            .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .append("<title>Vigil replay report</title>\n<style>\n")
            .append("body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:2em auto;max-width:1000px;"
                + "color:#222;padding:0 1em}\n")
            .append("h1{font-size:1.6em}h2{margin-top:2em;border-bottom:1px solid #ddd;padding-bottom:.2em}\n")
            .append("table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ddd;padding:.25em .6em;"
                + "text-align:left;vertical-align:top}th{background:#f4f4f4}td.n{text-align:right}\n")
            .append("pre{background:#f7f7f7;padding:.5em;overflow-x:auto;white-space:pre-wrap;"
                + "word-break:break-all;font-size:.85em}\n")
            .append(".sev{display:inline-block;padding:0 .5em;border-radius:3px;color:#fff;font-size:.85em}\n")
            .append("svg text{font-family:system-ui,sans-serif;font-size:11px;fill:#333}\n")
            .append(".alert{border:1px solid #ddd;border-left-width:6px;padding:.3em 1em;margin:1em 0}\n")
            .append(".muted{color:#777}\n</style>\n</head>\n<body>\n");
        h.append("<h1>Vigil replay report</h1>\n");
        header(h, r);
        h.append("<h2 id=\"incidents\">Incident timeline</h2>\n");
        timeline(h, r, eps);
        final List<ReplayReport.Series> series = r.firedSeries();
        if (!series.isEmpty()) {
            h.append("<h2 id=\"rules\">Rules that fired</h2>\n");
            for (final ReplayReport.Series s : series) {
                ruleChart(h, r, s, eps);
            }
        }
        h.append("<h2 id=\"signatures\">Top signatures</h2>\n");
        signatures(h, r);
        h.append("<h2 id=\"alerts\">Alerts</h2>\n");
        if (eps.isEmpty()) {
            h.append("<p>No alerts.</p>\n");
        }
        int i = 0;
        for (final ReplayReport.Episode e : eps) {
            alert(h, e, i++);
        }
        h.append("<script type=\"application/json\" id=\"vigil-data\">\n").append(jsonBlock(r))
            .append("\n</script>\n</body></html>\n");
        return h.toString();
    }

    private static void header(final StringBuilder h, final ReplayReport r) {
        h.append("<table id=\"summary\">\n<tr><th>Input files</th><td>");
        if (r.topic() != null) {
            h.append("Kafka topic ").append(esc(r.topic())).append("<br>");
        }
        for (final Path f : r.files()) {
            final var src = r.sources().get(f);
            h.append(esc(f.toString())).append(" <span class=\"muted\">(")
                .append(src == null ? "not recognised" : esc(src.id())).append(")</span><br>");
        }
        h.append("</td></tr>\n<tr><th>Time range of the logs</th><td>");
        if (r.firstEvent() != null) {
            h.append(esc(time(r.firstEvent()))).append(" – ").append(esc(time(r.lastEvent())));
        } else {
            h.append("no events");
        }
        if (r.since() != null || r.until() != null) {
            h.append("<br>replayed: ").append(r.since() == null ? "start" : esc(time(r.since()))).append(" – ")
                .append(r.until() == null ? "end" : esc(time(r.until())))
                .append(" (").append(r.outOfRange()).append(" events outside)");
        }
        h.append("</td></tr>\n");
        final var s = r.stats();
        h.append("<tr><th>Lines</th><td>").append(s.totalRead()).append(counts(s.readBySource())).append("</td></tr>\n");
        h.append("<tr><th>Parsed</th><td>").append(s.totalParsed()).append("</td></tr>\n");
        h.append("<tr><th>Dead-lettered</th><td>").append(s.totalDeadLettered())
            .append(counts(s.deadLetteredByReason())).append("</td></tr>\n");
        h.append("<tr><th>Late</th><td>").append(s.deadLetteredByReason().getOrDefault("late", 0L))
            .append(counts(s.lateByStage())).append("</td></tr>\n");
        h.append("<tr><th>Matches</th><td>").append(s.totalMatches()).append("</td></tr>\n");
        h.append("<tr><th>Alerts</th><td>").append(s.totalAlerts()).append(counts(s.alertsByStatus()))
            .append("</td></tr>\n</table>\n");
    }

    private static String counts(final Map<String, Long> m) {
        if (m.isEmpty()) {
            return "";
        }
        final StringBuilder sb = new StringBuilder(" <span class=\"muted\">(");
        boolean first = true;
        for (final Map.Entry<String, Long> e : m.entrySet()) {
            sb.append(first ? "" : ", ").append(esc(e.getKey())).append(' ').append(e.getValue());
            first = false;
        }
        return sb.append(")</span>").toString();
    }

    private static double x(final long t, final long lo, final long hi, final int left, final int width) {
        return left + (double) (t - lo) * (width - left - 10) / (hi - lo);
    }

    private static void axis(final StringBuilder h, final long lo, final long hi, final int left, final int width,
                             final int y, final int top) {
        h.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#999\"/>\n",
            left, y, width - 10, y));
        final int ticks = 6;
        final boolean seconds = hi - lo < 10 * 60_000L;
        for (int i = 0; i <= ticks; i++) {
            final long t = lo + (hi - lo) * i / ticks;
            final double xx = x(t, lo, hi, left, width);
            h.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#eee\"/>"
                + "<text x=\"%.1f\" y=\"%d\" text-anchor=\"%s\">%s</text>\n", xx, top, xx, y, xx, y + 14,
                i == 0 ? "start" : i == ticks ? "end" : "middle",
                (seconds ? HMS : HM).format(Instant.ofEpochMilli(t))));
        }
    }

    private static void timeline(final StringBuilder h, final ReplayReport r, final List<ReplayReport.Episode> eps) {
        if (eps.isEmpty()) {
            h.append("<p>No alert episodes.</p>\n");
            return;
        }
        final long[] ax = r.axis();
        final long lo = ax[0];
        final long hi = ax[1];
        final int height = eps.size() * ROW + 40;
        h.append(String.format(Locale.ROOT, "<svg id=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" "
            + "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"incident timeline\">\n",
            WIDTH, height, WIDTH, height));
        axis(h, lo, hi, LEFT, WIDTH, eps.size() * ROW + 10, 0);
        int row = 0;
        for (final ReplayReport.Episode e : eps) {
            final double x1 = x(e.startsAt, lo, hi, LEFT, WIDTH);
            final long end = e.endsAt == null ? hi : e.endsAt;
            final double w = Math.max(3, x(end, lo, hi, LEFT, WIDTH) - x1);
            final int y = row * ROW + 4;
            String label = e.name + " " + labels(e.labels);
            if (label.length() > 44) {
                label = label.substring(0, 43) + "…";
            }
            h.append(String.format(Locale.ROOT, "<g class=\"episode\" data-name=\"%s\" data-starts=\"%d\">"
                    + "<title>%s</title><text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>"
                    + "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" rx=\"2\" fill=\"%s\"/></g>\n",
                esc(e.name), e.startsAt, esc(e.severity + " · " + e.name + " " + labels(e.labels) + " · "
                    + time(e.startsAt) + " – " + (e.endsAt == null ? "still firing" : time(e.endsAt))),
                LEFT - 6, y + 13, esc(label), x1, y, w, ROW - 6, severityColour(e.severity)));
            row++;
        }
        h.append("</svg>\n<p class=\"muted\">");
        for (final String sev : List.of("critical", "error", "warning", "info")) {
            h.append("<span class=\"sev\" style=\"background:").append(severityColour(sev)).append("\">")
                .append(sev).append("</span> ");
        }
        h.append("</p>\n");
    }

    private static void ruleChart(final StringBuilder h, final ReplayReport r, final ReplayReport.Series s,
                                  final List<ReplayReport.Episode> eps) {
        h.append("<h3>").append(esc(s.rule)).append(' ').append(esc(labels(s.labels))).append("</h3>\n");
        final Double threshold = r.threshold(s.id);
        if (s.size() == 0) {
            h.append("<p class=\"muted\">No evaluations recorded.</p>\n");
            return;
        }
        long lo = s.time(0);
        long hi = s.time(s.size() - 1);
        double max = threshold == null ? 0 : threshold;
        for (int i = 0; i < s.size(); i++) {
            if (!Double.isNaN(s.value(i))) {
                max = Math.max(max, s.value(i));
            }
        }
        for (final ReplayReport.Episode e : eps) {
            if (e.id.equals(s.id)) {
                lo = Math.min(lo, e.startsAt);
                hi = Math.max(hi, e.endsAt == null ? hi : e.endsAt);
            }
        }
        if (hi <= lo) {
            hi = lo + 1;
        }
        if (max <= 0) {
            max = 1;
        }
        max *= 1.1;
        final int left = 60;
        final int height = 200;
        final int plotTop = 10;
        final int plotBottom = height - 30;
        h.append(String.format(Locale.ROOT, "<svg class=\"rule-chart\" data-rule=\"%s\" "
            + "xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">\n",
            esc(s.rule), WIDTH, height, WIDTH, height));
        for (final ReplayReport.Episode e : eps) {
            if (e.id.equals(s.id)) {
                final double x1 = x(e.startsAt, lo, hi, left, WIDTH);
                final double x2 = x(e.endsAt == null ? hi : e.endsAt, lo, hi, left, WIDTH);
                h.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" "
                    + "fill=\"%s\" fill-opacity=\"0.12\"><title>firing</title></rect>\n", x1, plotTop,
                    Math.max(2, x2 - x1), plotBottom - plotTop, severityColour(e.severity)));
            }
        }
        axis(h, lo, hi, left, WIDTH, plotBottom, plotTop);
        for (int i = 0; i <= 4; i++) {
            final double v = max * i / 4;
            final double y = plotBottom - (plotBottom - plotTop) * (v / max);
            h.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n",
                left - 4, y + 4, num(v)));
        }
        final StringBuilder pts = new StringBuilder();
        for (int i = 0; i < s.size(); i++) {
            final double v = s.value(i);
            if (Double.isNaN(v)) {
                if (pts.length() > 0) {
                    polyline(h, pts);
                    pts.setLength(0);
                }
                continue;
            }
            pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", x(s.time(i), lo, hi, left, WIDTH),
                plotBottom - (plotBottom - plotTop) * (v / max)));
        }
        if (pts.length() > 0) {
            polyline(h, pts);
        }
        if (threshold != null) {
            final double y = plotBottom - (plotBottom - plotTop) * (threshold / max);
            h.append(String.format(Locale.ROOT, "<line class=\"threshold\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" "
                + "y2=\"%.1f\" stroke=\"#b71c1c\" stroke-dasharray=\"6 4\"/><text x=\"%d\" y=\"%.1f\" "
                + "text-anchor=\"end\">threshold %s</text>\n", left, y, WIDTH - 10, y, WIDTH - 12, y - 3,
                num(threshold)));
        }
        h.append("</svg>\n");
    }

    private static void polyline(final StringBuilder h, final StringBuilder pts) {
        h.append("<polyline class=\"value\" fill=\"none\" stroke=\"#1565c0\" stroke-width=\"1.5\" points=\"")
            .append(pts.toString().trim()).append("\"/>\n");
    }

    static String num(final double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e12) {
            return Long.toString((long) v);
        }
        return String.format(Locale.ROOT, "%.3g", v);
    }

    private static void signatures(final StringBuilder h, final ReplayReport r) {
        final var top = r.topSignatures();
        if (top.isEmpty()) {
            h.append("<p>No signature matched.</p>\n");
            return;
        }
        h.append("<table id=\"top-signatures\"><tr><th>Source</th><th>Signature</th><th>Matches</th></tr>\n");
        top.forEach((src, list) -> {
            for (final ReplayReport.SignatureCount sc : list) {
                h.append("<tr><td>").append(esc(src)).append("</td><td>").append(esc(sc.signature()))
                    .append("</td><td class=\"n\">").append(sc.count()).append("</td></tr>\n");
            }
        });
        h.append("</table>\n");
    }

    private static void alert(final StringBuilder h, final ReplayReport.Episode e, final int i) {
        h.append("<div class=\"alert\" id=\"alert-").append(i).append("\" style=\"border-left-color:")
            .append(severityColour(e.severity)).append("\">\n<h3><span class=\"sev\" style=\"background:")
            .append(severityColour(e.severity)).append("\">").append(esc(e.severity)).append("</span> ")
            .append(esc(e.name)).append(' ').append(esc(labels(e.labels))).append("</h3>\n");
        h.append("<p><b>").append(esc(e.summary)).append("</b></p>\n");
        h.append("<p class=\"muted\">").append(esc(time(e.startsAt))).append(" – ")
            .append(e.endsAt == null ? "still firing" : esc(time(e.endsAt))).append(" · ").append(esc(e.kind))
            .append(" · ").append(esc(e.source)).append(" · count ").append(e.count);
        if (e.value != null) {
            h.append(" · value ").append(num(e.value));
        }
        if (e.threshold != null) {
            h.append(" · threshold ").append(num(e.threshold));
        }
        h.append("</p>\n");
        if (e.diagnosis != null && !e.diagnosis.isBlank()) {
            h.append("<p>").append(esc(e.diagnosis).replace("\n", "<br>")).append("</p>\n");
        }
        if (e.runbook != null) {
            h.append("<p>Runbook: <a href=\"").append(esc(e.runbook)).append("\">").append(esc(e.runbook))
                .append("</a></p>\n");
        }
        if (!e.evidence.isEmpty()) {
            h.append("<pre class=\"evidence\">");
            for (final Alert.Evidence ev : e.evidence) {
                h.append(esc(time(ev.time()))).append("  ").append(esc(ev.line())).append('\n');
            }
            h.append("</pre>\n");
        }
        h.append("</div>\n");
    }
}
