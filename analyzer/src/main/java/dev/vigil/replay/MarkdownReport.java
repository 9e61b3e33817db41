package dev.vigil.replay;

import dev.vigil.alert.Alert;
import dev.vigil.alert.SafeText;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Renders a {@link ReplayReport} as Markdown for a postmortem document: the same content as the HTML report, as
 * tables and a text timeline. Text from log data is escaped (no Markdown or HTML from a log line survives) and
 * evidence goes into fenced blocks longer than any backtick run in it; the only links are the pack's runbooks.
 */
public final class MarkdownReport {
    private static final int BAR = 48;

    private MarkdownReport() {
    }

    /** Escapes Markdown and inline HTML; newlines become spaces (table cells). */
    public static String esc(final String s) {
        if (s == null) {
            return "";
        }
        final String c = SafeText.clean(s.replace('\n', ' '), Integer.MAX_VALUE);
        final StringBuilder sb = new StringBuilder(c.length() + 8);
        for (int i = 0; i < c.length(); i++) {
            final char ch = c.charAt(i);
            switch (ch) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '\\', '`', '*', '_', '[', ']', '|', '#', '!', '(', ')', '{', '}', '~' ->
                    sb.append('\\').append(ch);
                default -> sb.append(ch);
            }
        }
        return sb.toString();
    }

    /** The whole document. */
    public static String render(final ReplayReport r) {
        final StringBuilder m = new StringBuilder(16 * 1024);
        final List<ReplayReport.Episode> eps = r.episodes();
        m.append("# Vigil replay report\n\n| | |\n|---|---|\n");
        final StringBuilder in = new StringBuilder();
        if (r.topic() != null) {
            in.append("Kafka topic ").append(esc(r.topic()));
        }
        for (final Path f : r.files()) {
            final var src = r.sources().get(f);
            in.append(in.length() > 0 ? "<br>" : "").append(esc(f.toString())).append(" (")
                .append(src == null ? "not recognised" : src.id()).append(')');
        }
        m.append("| Input files | ").append(in).append(" |\n");
        m.append("| Time range of the logs | ").append(r.firstEvent() == null ? "no events"
            : HtmlReport.time(r.firstEvent()) + " – " + HtmlReport.time(r.lastEvent())).append(" |\n");
        if (r.since() != null || r.until() != null) {
            m.append("| Replayed | ").append(r.since() == null ? "start" : HtmlReport.time(r.since())).append(" – ")
                .append(r.until() == null ? "end" : HtmlReport.time(r.until())).append(" (").append(r.outOfRange())
                .append(" events outside) |\n");
        }
        final var s = r.stats();
        m.append("| Lines | ").append(s.totalRead()).append(counts(s.readBySource())).append(" |\n");
        m.append("| Parsed | ").append(s.totalParsed()).append(" |\n");
        m.append("| Dead-lettered | ").append(s.totalDeadLettered()).append(counts(s.deadLetteredByReason()))
            .append(" |\n");
        m.append("| Late | ").append(s.deadLetteredByReason().getOrDefault("late", 0L))
            .append(counts(s.lateByStage())).append(" |\n");
        m.append("| Matches | ").append(s.totalMatches()).append(" |\n");
        m.append("| Alerts | ").append(s.totalAlerts()).append(counts(s.alertsByStatus())).append(" |\n\n");

        m.append("## Incident timeline\n\n");
        if (eps.isEmpty()) {
            m.append("No alert episodes.\n\n");
        } else {
            final long[] ax = r.axis();
            m.append("```text\n").append(pad("", 44)).append(' ')
                .append(pad(HtmlReport.time(ax[0]), BAR - 20)).append(HtmlReport.time(ax[1])).append('\n');
            for (final ReplayReport.Episode e : eps) {
                final long end = e.endsAt == null ? ax[1] : e.endsAt;
                final int a = (int) Math.min(BAR - 1, (e.startsAt - ax[0]) * BAR / (ax[1] - ax[0]));
                final int b = (int) Math.max(a + 1, Math.min(BAR, (end - ax[0]) * BAR / (ax[1] - ax[0]) + 1));
                final String name = e.name + " " + HtmlReport.labels(e.labels);
                m.append(pad(name.length() > 43 ? name.substring(0, 42) + "…" : name, 44)).append('|')
                    .append(" ".repeat(a)).append("█".repeat(b - a)).append(" ".repeat(BAR - b)).append("| ")
                    .append(e.severity).append('\n');
            }
            m.append("```\n\n| Start | End | Severity | Alert | Labels | Summary |\n|---|---|---|---|---|---|\n");
            for (final ReplayReport.Episode e : eps) {
                m.append("| ").append(HtmlReport.time(e.startsAt)).append(" | ")
                    .append(e.endsAt == null ? "still firing" : HtmlReport.time(e.endsAt)).append(" | ")
                    .append(esc(e.severity)).append(" | ").append(esc(e.name)).append(" | ")
                    .append(esc(HtmlReport.labels(e.labels))).append(" | ").append(esc(e.summary)).append(" |\n");
            }
            m.append('\n');
        }

        final List<ReplayReport.Series> series = r.firedSeries();
        if (!series.isEmpty()) {
            m.append("## Rules that fired\n\n");
            for (final ReplayReport.Series sr : series) {
                final Double th = r.threshold(sr.id);
                double peak = Double.NaN;
                long peakAt = 0;
                for (int i = 0; i < sr.size(); i++) {
                    if (!Double.isNaN(sr.value(i)) && (Double.isNaN(peak) || sr.value(i) > peak)) {
                        peak = sr.value(i);
                        peakAt = sr.time(i);
                    }
                }
                m.append("- **").append(esc(sr.rule)).append("** ").append(esc(HtmlReport.labels(sr.labels)))
                    .append(": threshold ").append(th == null ? "?" : HtmlReport.num(th)).append(", peak ")
                    .append(Double.isNaN(peak) ? "?" : HtmlReport.num(peak) + " at " + HtmlReport.time(peakAt))
                    .append(", ").append(sr.size()).append(" evaluations\n");
            }
            m.append('\n');
        }

        m.append("## Top signatures\n\n");
        final var top = r.topSignatures();
        if (top.isEmpty()) {
            m.append("No signature matched.\n\n");
        } else {
            m.append("| Source | Signature | Matches |\n|---|---|---:|\n");
            top.forEach((src, list) -> list.forEach(sc -> m.append("| ").append(esc(src)).append(" | ")
                .append(esc(sc.signature())).append(" | ").append(sc.count()).append(" |\n")));
            m.append('\n');
        }

        m.append("## Alerts\n\n");
        for (final ReplayReport.Episode e : eps) {
            m.append("### ").append(esc(e.severity)).append(": ").append(esc(e.name)).append(' ')
                .append(esc(HtmlReport.labels(e.labels))).append("\n\n");
            m.append("**").append(esc(e.summary)).append("**\n\n");
            m.append(HtmlReport.time(e.startsAt)).append(" – ")
                .append(e.endsAt == null ? "still firing" : HtmlReport.time(e.endsAt)).append(" · ")
                .append(esc(e.kind)).append(" · ").append(esc(e.source)).append(" · count ").append(e.count);
            if (e.value != null) {
                m.append(" · value ").append(HtmlReport.num(e.value));
            }
            if (e.threshold != null) {
                m.append(" · threshold ").append(HtmlReport.num(e.threshold));
            }
            m.append("\n\n");
            if (e.diagnosis != null && !e.diagnosis.isBlank()) {
                m.append(esc(e.diagnosis)).append("\n\n");
            }
            if (e.runbook != null) {
                m.append("Runbook: <").append(e.runbook.replace(">", "%3E").replace("<", "%3C").replace(" ", "%20"))
                    .append(">\n\n");
            }
            if (!e.evidence.isEmpty()) {
                final StringBuilder body = new StringBuilder();
                for (final Alert.Evidence ev : e.evidence) {
                    body.append(HtmlReport.time(ev.time())).append("  ")
                        .append(SafeText.cleanMultiline(ev.line(), Integer.MAX_VALUE)).append('\n');
                }
                final String fence = "`".repeat(Math.max(3, longestRun(body, '`') + 1));
                m.append(fence).append("text\n").append(body).append(fence).append("\n\n");
            }
        }
        return m.toString();
    }

    private static int longestRun(final CharSequence s, final char c) {
        int best = 0;
        int run = 0;
        for (int i = 0; i < s.length(); i++) {
            run = s.charAt(i) == c ? run + 1 : 0;
            best = Math.max(best, run);
        }
        return best;
    }

    private static String pad(final String s, final int n) {
        return s.length() >= n ? s : s + " ".repeat(n - s.length());
    }

    private static String counts(final Map<String, Long> m) {
        if (m.isEmpty()) {
            return "";
        }
        final StringBuilder sb = new StringBuilder(" (");
        m.forEach((k, v) -> sb.append(sb.length() > 2 ? ", " : "").append(esc(k)).append(' ').append(v));
        return sb.append(')').toString();
    }
}
