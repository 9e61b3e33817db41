package dev.vigil.bridge;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.alert.Alert;
import dev.vigil.alert.AlertJson;
import dev.vigil.pack.Severity;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A Slack incoming webhook. A firing alert is a Block Kit message (header, severity and source, summary, diagnosis,
 * labels, evidence in a code block, a runbook button) with a plain {@code text} fallback for notifications; a
 * resolved alert is a short follow-up. While grouping, one message lists up to {@code maxBatch} alerts by name.
 *
 * <p>All log-derived text goes through {@link SlackText}: no mentions, no hidden links, no escape from code
 * blocks, no terminal escapes, within Slack's limits (header 150 chars, section text 3000, 50 blocks). Messages
 * are sent with {@code link_names} off and link unfurling off. The runbook button's URL comes from the pattern
 * pack (trusted), and is used only when it is an http(s) URL.
 */
final class SlackTarget implements Target {
    static final int HEADER_MAX = 150;
    static final int SECTION_MAX = 3000;
    static final int FIELD_MAX = 2000;
    static final int FALLBACK_MAX = 1000;
    static final int URL_MAX = 3000;
    static final int MAX_BLOCKS = 50;
    /** Names listed in a grouped message; the other names are counted, and every alert id is still listed. */
    static final int GROUP_NAMES = 15;
    /** A grouped message lists every alert id, so it carries at most this many alerts. */
    static final int GROUP_MAX = 500;

    private final URI url;

    SlackTarget(final URI url) {
        this.url = url;
    }

    @Override
    public TargetKind kind() {
        return TargetKind.SLACK;
    }

    @Override
    public List<Message> plan(final List<Pending> alerts, final boolean grouped, final int maxBatch) {
        final List<Message> out = new ArrayList<>();
        if (!grouped) {
            for (final Pending p : alerts) {
                final ObjectNode body = p.alert.status() == Alert.Status.FIRING ? firing(p.alert) : resolved(p.alert);
                out.add(Message.send(List.of(p), false, List.of(call(body)), () -> { }));
            }
            return out;
        }
        final int size = Math.min(maxBatch, GROUP_MAX);
        for (int i = 0; i < alerts.size(); i += size) {
            final List<Pending> chunk = alerts.subList(i, Math.min(alerts.size(), i + size));
            final List<Alert> as = new ArrayList<>(chunk.size());
            for (final Pending p : chunk) {
                as.add(p.alert);
            }
            out.add(Message.send(chunk, true, List.of(call(group(as))), () -> { }));
        }
        return out;
    }

    private HttpCall call(final ObjectNode body) {
        return new HttpCall(url, Json.bytes(body), Map.of());
    }

    static String emoji(final String severity) {
        final Severity s = Severity.fromId(severity);
        if (s == null) {
            return "\u26AA"; // white circle
        }
        switch (s) {
            case CRITICAL: return "\uD83D\uDD34"; // red circle
            case ERROR: return "\uD83D\uDFE0"; // orange circle
            case WARNING: return "\uD83D\uDFE1"; // yellow circle
            default: return "\uD83D\uDD35"; // blue circle
        }
    }

    /** The message for a firing alert (pure). */
    static ObjectNode firing(final Alert a) {
        final ObjectNode root = envelope(fallback("[" + upper(a.severity()) + "] " + a.name() + ": ", a.summary()));
        final ArrayNode blocks = root.putArray("blocks");
        header(blocks, emoji(a.severity()) + " " + upper(a.severity()) + " · " + a.name());

        final ObjectNode facts = blocks.addObject();
        facts.put("type", "section");
        final ArrayNode fields = facts.putArray("fields");
        field(fields, "*Severity*\n" + SlackText.escape(a.severity(), 100));
        field(fields, "*Source*\n" + SlackText.escape(a.source(), 200));
        field(fields, "*Since*\n" + AlertJson.iso(a.startsAt()));
        field(fields, "*Count*\n" + a.count());
        if (a.value() != null) {
            field(fields, "*Value*\n" + Json.number(a.value())
                + (a.threshold() == null ? "" : " (threshold " + Json.number(a.threshold()) + ")"));
        }

        section(blocks, "*Summary*\n", SlackText.escape(a.summary(), SECTION_MAX - 16));
        final String diagnosis = SlackText.escapeMultiline(a.diagnosis(), SECTION_MAX - 16);
        if (!diagnosis.isBlank()) {
            section(blocks, "*Diagnosis*\n", diagnosis);
        }
        if (!a.labels().isEmpty()) {
            section(blocks, "*Labels*\n", labels(a, SECTION_MAX - 12));
        }
        final String evidence = evidence(a, SECTION_MAX - "*Evidence*\n```\n\n```".length());
        if (!evidence.isEmpty()) {
            section(blocks, "*Evidence*\n", "```\n" + evidence + "\n```");
        }
        final String runbook = Json.httpUrl(a.runbook(), URL_MAX);
        if (runbook != null) {
            final ObjectNode actions = blocks.addObject();
            actions.put("type", "actions");
            final ObjectNode button = actions.putArray("elements").addObject();
            button.put("type", "button");
            button.putObject("text").put("type", "plain_text").put("text", "Open runbook");
            button.put("url", runbook);
            button.put("action_id", "runbook");
        }
        context(blocks, "Vigil · alert `" + SlackText.escape(a.id(), 64) + "` · " + SlackText.escape(a.kind().id(), 16));
        return root;
    }

    /** The short follow-up for a resolved alert (pure). */
    static ObjectNode resolved(final Alert a) {
        final ObjectNode root = envelope(fallback("[RESOLVED] " + a.name() + ": ", a.summary()));
        final ArrayNode blocks = root.putArray("blocks");
        final String duration = a.endsAt() == null ? ""
            : " after " + human(Duration.ofMillis(Math.max(0, a.endsAt() - a.startsAt())));
        final String text = "\u2705 *Resolved* · *" + SlackText.escape(a.name(), 200) + "*" + duration + "\n"
            + SlackText.escape(a.summary(), 1000)
            + (a.labels().isEmpty() ? "" : "\n" + labels(a, 1000));
        section(blocks, "", text);
        context(blocks, "Vigil · alert `" + SlackText.escape(a.id(), 64) + "`");
        return root;
    }

    /** One message for many alerts, listed by name; every alert id appears (pure). */
    static ObjectNode group(final List<Alert> alerts) {
        final Map<String, List<Alert>> byName = new LinkedHashMap<>();
        int firing = 0;
        for (final Alert a : alerts) {
            byName.computeIfAbsent(a.name(), k -> new ArrayList<>()).add(a);
            if (a.status() == Alert.Status.FIRING) {
                firing++;
            }
        }
        final int resolved = alerts.size() - firing;
        final List<Map.Entry<String, List<Alert>>> names = new ArrayList<>(byName.entrySet());
        names.sort((x, y) -> Integer.compare(y.getValue().size(), x.getValue().size()));

        final StringBuilder fb = new StringBuilder(alerts.size() + " Vigil alerts (" + firing + " firing, "
            + resolved + " resolved): ");
        for (int i = 0; i < Math.min(5, names.size()); i++) {
            fb.append(i == 0 ? "" : ", ").append(names.get(i).getKey()).append(" ×")
                .append(names.get(i).getValue().size());
        }
        final ObjectNode root = envelope(SlackText.escape(fb.toString(), FALLBACK_MAX));
        final ArrayNode blocks = root.putArray("blocks");
        header(blocks, "\uD83D\uDEA8 " + alerts.size() + " alerts: " + firing + " firing, " + resolved + " resolved");
        int shown = 0;
        for (final Map.Entry<String, List<Alert>> e : names) {
            if (shown++ >= GROUP_NAMES) {
                break;
            }
            final List<Alert> as = e.getValue();
            final Alert first = as.get(0);
            final long f = as.stream().filter(a -> a.status() == Alert.Status.FIRING).count();
            section(blocks, "", emoji(first.severity()) + " *" + SlackText.escape(e.getKey(), 200) + "* · "
                + SlackText.escape(first.severity(), 20) + " · " + f + " firing, " + (as.size() - f) + " resolved\n"
                + SlackText.escape(first.summary(), 500)
                + (first.labels().isEmpty() ? "" : "\ne.g. " + labels(first, 500)));
        }
        if (names.size() > GROUP_NAMES) {
            section(blocks, "", "…and " + (names.size() - GROUP_NAMES) + " more alert names");
        }
        // every alert id, so that each alert can be traced to a message
        StringBuilder ids = new StringBuilder("*Alert ids*\n");
        for (final Alert a : alerts) {
            final String id = "`" + SlackText.escape(a.id(), 64) + "` ";
            if (ids.length() + id.length() > SECTION_MAX) {
                section(blocks, "", ids.toString().strip());
                ids = new StringBuilder();
            }
            ids.append(id);
        }
        if (ids.length() > 0) {
            section(blocks, "", ids.toString().strip());
        }
        if (blocks.size() > MAX_BLOCKS) {
            throw new IllegalStateException("a grouped Slack message needs " + blocks.size() + " blocks");
        }
        return root;
    }

    private static ObjectNode envelope(final String fallbackText) {
        final ObjectNode root = Json.object();
        root.put("text", fallbackText);
        root.put("mrkdwn", true);
        root.put("link_names", false);
        root.put("unfurl_links", false);
        root.put("unfurl_media", false);
        return root;
    }

    private static String fallback(final String trustedPrefix, final String logText) {
        final String prefix = SlackText.escape(trustedPrefix, 300);
        return prefix + SlackText.escape(logText, FALLBACK_MAX - prefix.length());
    }

    private static void header(final ArrayNode blocks, final String text) {
        final ObjectNode h = blocks.addObject();
        h.put("type", "header");
        h.putObject("text").put("type", "plain_text").put("text", SlackText.plain(text, HEADER_MAX))
            .put("emoji", true);
    }

    private static void section(final ArrayNode blocks, final String title, final String escapedBody) {
        final ObjectNode s = blocks.addObject();
        s.put("type", "section");
        s.putObject("text").put("type", "mrkdwn").put("text", LogText.cap(title + escapedBody, SECTION_MAX));
    }

    private static void field(final ArrayNode fields, final String escapedText) {
        fields.addObject().put("type", "mrkdwn").put("text", LogText.cap(escapedText, FIELD_MAX));
    }

    private static void context(final ArrayNode blocks, final String escapedText) {
        final ObjectNode c = blocks.addObject();
        c.put("type", "context");
        c.putArray("elements").addObject().put("type", "mrkdwn").put("text", LogText.cap(escapedText, FIELD_MAX));
    }

    /** {@code key=`value`} pairs, escaped, within {@code max} chars. */
    static String labels(final Alert a, final int max) {
        final StringBuilder sb = new StringBuilder();
        for (final Map.Entry<String, String> e : a.labels().entrySet()) {
            final String pair = SlackText.escape(e.getKey(), 100) + "=`" + SlackText.escape(e.getValue(), 300) + "`";
            if (sb.length() + pair.length() + 2 > max - 1) {
                sb.append(sb.length() == 0 ? "…" : ", …");
                break;
            }
            sb.append(sb.length() == 0 ? "" : ", ").append(pair);
        }
        return sb.toString();
    }

    /** Evidence lines for a code block: escaped, no backticks, within {@code max} chars. */
    static String evidence(final Alert a, final int max) {
        final StringBuilder sb = new StringBuilder();
        int n = 0;
        for (final Alert.Evidence e : a.evidence()) {
            if (n++ >= WebhookTarget.EVIDENCE_LINES) {
                break;
            }
            final int room = max - sb.length() - (sb.length() == 0 ? 0 : 1);
            final String prefix = AlertJson.iso(e.time()) + " ";
            if (room <= prefix.length() + 16) {
                break;
            }
            sb.append(sb.length() == 0 ? "" : "\n").append(prefix)
                .append(SlackText.escape(e.line(), Math.min(1024, room - prefix.length())));
        }
        return sb.toString();
    }

    private static String upper(final String s) {
        return s == null ? "" : s.toUpperCase(Locale.ROOT);
    }

    private static String human(final Duration d) {
        final long s = d.getSeconds();
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return (s / 60) + "m";
        }
        return (s / 3600) + "h" + (s % 3600 / 60 == 0 ? "" : (s % 3600 / 60) + "m");
    }
}
