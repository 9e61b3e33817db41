package dev.vigil.app;

import dev.vigil.alert.Alert;
import dev.vigil.alert.AlertJson;
import dev.vigil.alert.SafeText;
import java.io.PrintStream;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Prints alerts for a person (text, optionally coloured) or a script (one {@code vigil.alert/v1} JSON object per
 * line). Everything that came from a log line is cleaned of control characters before it reaches the terminal.
 */
final class AlertPrinter implements Consumer<Alert> {

    /** Output formats. */
    enum Format { TEXT, JSON }

    private static final String RESET = "\u001b[0m";
    private static final String BOLD = "\u001b[1m";
    private static final String DIM = "\u001b[2m";
    private static final String RED = "\u001b[31m";
    private static final String YELLOW = "\u001b[33m";
    private static final String GREEN = "\u001b[32m";
    private static final String MAGENTA = "\u001b[35m";
    private static final String CYAN = "\u001b[36m";

    private final PrintStream out;
    private final Format format;
    private final boolean colour;

    AlertPrinter(final PrintStream out, final Format format, final boolean colour) {
        this.out = out;
        this.format = format;
        this.colour = colour;
    }

    @Override
    public void accept(final Alert a) {
        if (format == Format.JSON) {
            out.println(AlertJson.write(a));
            return;
        }
        final boolean firing = a.status() == Alert.Status.FIRING;
        final long at = firing ? a.startsAt() : a.endsAt();
        final StringBuilder sb = new StringBuilder(256);
        sb.append(c(DIM, AlertJson.iso(at).replace('T', ' '))).append("  ");
        sb.append(c(firing ? BOLD + RED : GREEN, pad(firing ? "FIRING" : "RESOLVED", 8))).append(' ');
        sb.append(c(sevColour(a.severity()), pad(a.severity(), 8))).append(' ');
        sb.append(c(BOLD, a.name()));
        final String labels = labels(a.labels());
        if (!labels.isEmpty()) {
            sb.append("  ").append(c(CYAN, labels));
        }
        sb.append('\n');
        sb.append("    ").append(SafeText.clean(a.summary(), 300));
        if (firing) {
            if (a.value() != null) {
                sb.append(String.format(java.util.Locale.ROOT, " (value %.4g, threshold %.4g)", a.value(),
                    a.threshold() == null ? Double.NaN : a.threshold()));
            }
            sb.append('\n');
            sb.append("    ").append(c(DIM, "diagnosis: ")).append(firstSentence(a.diagnosis())).append('\n');
            sb.append("    ").append(c(DIM, "runbook:   ")).append(a.runbook()).append('\n');
            if (!a.evidence().isEmpty()) {
                final String line = a.evidence().get(0).line();
                final int nl = line.indexOf('\n');
                sb.append("    ").append(c(DIM, "evidence:  "))
                    .append(SafeText.clean(nl < 0 ? line : line.substring(0, nl), 200)).append('\n');
            }
        } else {
            sb.append(c(DIM, "  — " + a.count() + (a.count() == 1 ? " occurrence" : " occurrences")
                + " since " + AlertJson.iso(a.startsAt()).replace('T', ' '))).append('\n');
        }
        out.print(sb);
    }

    private static String firstSentence(final String s) {
        final String one = s.replace('\n', ' ').trim();
        final int dot = one.indexOf(". ");
        return SafeText.clean(dot > 0 && dot < 240 ? one.substring(0, dot + 1) : one, 240);
    }

    private static String labels(final Map<String, String> labels) {
        final StringBuilder sb = new StringBuilder();
        for (final Map.Entry<String, String> e : labels.entrySet()) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(e.getKey()).append('=').append(SafeText.clean(e.getValue(), 80));
        }
        return sb.toString();
    }

    private static String sevColour(final String severity) {
        switch (severity) {
            case "critical": return BOLD + MAGENTA;
            case "error": return RED;
            case "warning": return YELLOW;
            default: return DIM;
        }
    }

    private String c(final String code, final String text) {
        return colour ? code + text + RESET : text;
    }

    private static String pad(final String s, final int n) {
        final StringBuilder sb = new StringBuilder(s);
        while (sb.length() < n) {
            sb.append(' ');
        }
        return sb.toString();
    }

    /** Whether stdout is an interactive terminal that wants colour (NO_COLOR respected). */
    static boolean terminal() {
        return System.console() != null && System.getenv("NO_COLOR") == null
            && !"dumb".equals(System.getenv("TERM"));
    }
}
