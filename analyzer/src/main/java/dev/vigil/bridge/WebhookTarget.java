package dev.vigil.bridge;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.alert.Alert;
import dev.vigil.alert.AlertJson;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * An Alertmanager-compatible webhook: the payload is Alertmanager's webhook format, version 4, so a receiver
 * written for Alertmanager takes Vigil's alerts unchanged. One alert per payload normally; up to
 * {@code maxBatch} alerts in {@code alerts[]} while grouping. Optionally signed:
 * {@code X-Vigil-Signature: sha256=<hex HMAC-SHA256 of the body>}.
 *
 * <p>Log-derived text is data here, not markup: control characters and terminal escapes are removed and lengths
 * are capped, but {@code <}, {@code &} and backticks stay as they are (a receiver that renders them into a markup
 * must escape them for that markup, as it must for Alertmanager's own alerts).
 */
final class WebhookTarget implements Target {
    static final String SIGNATURE_HEADER = "X-Vigil-Signature";
    static final String UNSET_TIME = "0001-01-01T00:00:00Z";
    static final int SUMMARY_MAX = 1024;
    static final int DESCRIPTION_MAX = 4096;
    static final int EVIDENCE_MAX = 4096;
    static final int EVIDENCE_LINES = 10;
    static final int LABEL_KEY_MAX = 128;
    static final int LABEL_VALUE_MAX = 1024;
    static final int MAX_LABELS = 64;

    private final URI url;
    private final Map<String, String> headers;
    private final Secret hmacSecret;
    private final String receiver;
    private final String externalUrl;

    WebhookTarget(final URI url, final Map<String, String> headers, final Secret hmacSecret, final String receiver,
                  final String externalUrl) {
        this.url = url;
        this.headers = Map.copyOf(headers);
        this.hmacSecret = hmacSecret;
        this.receiver = receiver;
        this.externalUrl = externalUrl;
    }

    @Override
    public TargetKind kind() {
        return TargetKind.WEBHOOK;
    }

    @Override
    public List<Message> plan(final List<Pending> alerts, final boolean grouped, final int maxBatch) {
        final List<Message> out = new ArrayList<>();
        final int size = grouped ? maxBatch : 1;
        for (int i = 0; i < alerts.size(); i += size) {
            final List<Pending> chunk = alerts.subList(i, Math.min(alerts.size(), i + size));
            final List<Alert> as = new ArrayList<>(chunk.size());
            for (final Pending p : chunk) {
                as.add(p.alert);
            }
            out.add(Message.send(chunk, grouped, List.of(call(Json.bytes(payload(as, receiver, externalUrl)))),
                () -> { }));
        }
        return out;
    }

    private HttpCall call(final byte[] body) {
        final Map<String, String> h = new LinkedHashMap<>(headers);
        if (hmacSecret != null) {
            h.put(SIGNATURE_HEADER, signature(body, hmacSecret.reveal()));
        }
        return new HttpCall(url, body, h);
    }

    /** {@code sha256=} and the lower-case hex HMAC-SHA256 of {@code body} under {@code secret}. */
    static String signature(final byte[] body, final String secret) {
        try {
            final Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            final byte[] d = mac.doFinal(body);
            final StringBuilder sb = new StringBuilder("sha256=");
            for (final byte b : d) {
                sb.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
            }
            return sb.toString();
        } catch (final NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is required by the Java platform", e);
        }
    }

    /** The Alertmanager v4 payload for some alerts (pure). */
    static ObjectNode payload(final List<Alert> alerts, final String receiver, final String externalUrl) {
        final List<Map<String, String>> labelSets = new ArrayList<>();
        final List<Map<String, String>> annotationSets = new ArrayList<>();
        final ArrayNode items = Json.NODES.arrayNode();
        boolean firing = false;
        String commonName = alerts.isEmpty() ? null : alerts.get(0).name();
        for (final Alert a : alerts) {
            final Map<String, String> labels = labels(a);
            final Map<String, String> annotations = annotations(a);
            labelSets.add(labels);
            annotationSets.add(annotations);
            firing |= a.status() == Alert.Status.FIRING;
            if (commonName != null && !commonName.equals(a.name())) {
                commonName = null;
            }
            final ObjectNode item = items.addObject();
            item.put("status", a.status().id());
            item.set("labels", map(labels));
            item.set("annotations", map(annotations));
            item.put("startsAt", AlertJson.iso(a.startsAt()));
            item.put("endsAt", a.status() == Alert.Status.RESOLVED
                ? AlertJson.iso(a.endsAt() == null ? a.startsAt() : a.endsAt()) : UNSET_TIME);
            final String runbook = Json.httpUrl(a.runbook(), 2048);
            item.put("generatorURL", runbook == null ? "" : runbook);
            item.put("fingerprint", LogText.line(a.id(), 64));
        }
        final Map<String, String> groupLabels = new TreeMap<>();
        if (commonName != null) {
            groupLabels.put("alertname", LogText.line(commonName, LABEL_VALUE_MAX));
        }
        final ObjectNode root = Json.object();
        root.put("version", "4");
        root.put("groupKey", groupKey(groupLabels));
        root.put("truncatedAlerts", 0);
        root.put("status", firing ? "firing" : "resolved");
        root.put("receiver", receiver);
        root.set("groupLabels", map(groupLabels));
        root.set("commonLabels", map(common(labelSets)));
        root.set("commonAnnotations", map(common(annotationSets)));
        root.put("externalURL", externalUrl);
        root.set("alerts", items);
        return root;
    }

    /** Alertmanager's form: {@code {}:{alertname="x"}} (route path, then the group labels). */
    private static String groupKey(final Map<String, String> groupLabels) {
        final StringBuilder sb = new StringBuilder("{}:{");
        boolean first = true;
        for (final Map.Entry<String, String> e : groupLabels.entrySet()) {
            if (!first) {
                sb.append(", ");
            }
            first = false;
            sb.append(e.getKey()).append("=\"").append(e.getValue().replace("\\", "\\\\").replace("\"", "\\\""))
                .append('"');
        }
        return sb.append('}').toString();
    }

    /**
     * The alert's labels plus {@code alertname}, {@code severity} and (unless the alert has its own) {@code source}.
     * A log label that collides with {@code alertname} or {@code severity} is kept as {@code exported_<name>}, as
     * Prometheus does.
     */
    static Map<String, String> labels(final Alert a) {
        final Map<String, String> out = new TreeMap<>();
        int n = 0;
        for (final Map.Entry<String, String> e : a.labels().entrySet()) {
            if (n++ >= MAX_LABELS) {
                break;
            }
            String key = LogText.line(e.getKey(), LABEL_KEY_MAX);
            if ("alertname".equals(key) || "severity".equals(key)) {
                key = "exported_" + key;
            }
            out.put(key, LogText.line(e.getValue(), LABEL_VALUE_MAX));
        }
        out.put("alertname", LogText.line(a.name(), LABEL_VALUE_MAX));
        out.put("severity", LogText.line(a.severity(), 32));
        out.putIfAbsent("source", LogText.line(a.source(), LABEL_VALUE_MAX));
        return out;
    }

    static Map<String, String> annotations(final Alert a) {
        final Map<String, String> out = new TreeMap<>();
        out.put("summary", LogText.line(a.summary(), SUMMARY_MAX));
        final String description = LogText.multiline(a.diagnosis(), DESCRIPTION_MAX);
        if (!description.isEmpty()) {
            out.put("description", description);
        }
        final String runbook = Json.httpUrl(a.runbook(), 2048);
        if (runbook != null) {
            out.put("runbook_url", runbook);
        }
        final String evidence = evidence(a, EVIDENCE_LINES, 1024, EVIDENCE_MAX);
        if (!evidence.isEmpty()) {
            out.put("evidence", evidence);
        }
        if (a.value() != null) {
            out.put("value", Json.number(a.value()));
        }
        if (a.threshold() != null) {
            out.put("threshold", Json.number(a.threshold()));
        }
        out.put("count", Long.toString(a.count()));
        return out;
    }

    /** Evidence lines, cleaned, one per line, within the given limits. */
    static String evidence(final Alert a, final int maxLines, final int lineMax, final int totalMax) {
        final StringBuilder sb = new StringBuilder();
        int n = 0;
        for (final Alert.Evidence e : a.evidence()) {
            if (n++ >= maxLines) {
                break;
            }
            final String line = AlertJson.iso(e.time()) + " " + LogText.line(e.line(), lineMax);
            if (sb.length() + line.length() + 1 > totalMax) {
                break;
            }
            if (sb.length() > 0) {
                sb.append('\n');
            }
            sb.append(line);
        }
        return sb.toString();
    }

    private static Map<String, String> common(final List<Map<String, String>> sets) {
        if (sets.isEmpty()) {
            return Map.of();
        }
        final Map<String, String> common = new TreeMap<>(sets.get(0));
        for (final Map<String, String> s : sets.subList(1, sets.size())) {
            final Iterator<Map.Entry<String, String>> it = common.entrySet().iterator();
            while (it.hasNext()) {
                final Map.Entry<String, String> e = it.next();
                if (!e.getValue().equals(s.get(e.getKey()))) {
                    it.remove();
                }
            }
        }
        return common;
    }

    private static ObjectNode map(final Map<String, String> m) {
        final ObjectNode o = Json.object();
        for (final Map.Entry<String, String> e : new TreeMap<>(m).entrySet()) {
            o.put(e.getKey(), e.getValue());
        }
        return o;
    }
}
