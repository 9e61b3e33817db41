package dev.vigil.bridge;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.alert.Alert;
import dev.vigil.alert.AlertJson;
import dev.vigil.pack.Severity;
import java.net.URI;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PagerDuty Events API v2. A firing alert is a {@code trigger} and a resolved one a {@code resolve}, both with
 * {@code dedup_key} = the alert id, so PagerDuty folds repeats into one incident and a resolve closes it. The
 * routing key is chosen per severity ({@link BridgeConfig#pagerDutyRoute}); a severity routed to "drop" is not sent.
 *
 * <h2>Storms</h2>
 * Over the rate limit, firing alerts are aggregated per (routing key, alert name) into one trigger with
 * {@code dedup_key = vigil-storm:<name>}, listing the member alert ids in {@code custom_details}: one incident per
 * alert name rather than one per host. Repeated storm triggers fold into that incident while it is open. The bridge
 * remembers (in memory) which alert ids a storm incident stands for; when the last of them resolves, it resolves
 * the storm incident. Resolves of alerts that were only ever part of a storm need no request of their own. This
 * memory does not survive a restart: a storm incident open across a bridge restart must then be resolved by hand
 * (or by the service's auto-resolve), and resolves of its members are sent one by one (PagerDuty accepts a resolve
 * for an unknown dedup_key and ignores it).
 */
final class PagerDutyTarget implements Target {
    static final String DEFAULT_URL = "https://events.pagerduty.com/v2/enqueue";
    static final String STORM_PREFIX = "vigil-storm:";
    static final int SUMMARY_MAX = 1024;
    static final int FIELD_MAX = 255;
    private static final Logger LOG = LoggerFactory.getLogger(PagerDutyTarget.class);

    /** The storm incident an alert belongs to: its dedup key on the routing key's service. */
    record Storm(String dedupKey, Secret routingKey) {
    }

    private final URI url;
    private final Function<String, Secret> routing;
    private final String client;
    private final String clientUrl;
    private final int maxTracked;
    /** Ids triggered one by one by this process (bounded, oldest forgotten first). */
    private final Set<String> triggered = new LinkedHashSet<>();
    /** Storm membership of alert ids (bounded). */
    private final Map<String, Storm> stormOf = new LinkedHashMap<>();
    private final Map<Storm, Set<String>> open = new LinkedHashMap<>();
    private boolean warnedForgetting;

    /**
     * @param routing    severity → routing key, or null to drop that severity
     * @param maxTracked how many alert ids the storm bookkeeping remembers
     */
    PagerDutyTarget(final URI url, final Function<String, Secret> routing, final String client,
                    final String clientUrl, final int maxTracked) {
        this.url = url;
        this.routing = routing;
        this.client = client;
        this.clientUrl = clientUrl;
        this.maxTracked = maxTracked;
    }

    @Override
    public TargetKind kind() {
        return TargetKind.PAGERDUTY;
    }

    @Override
    public List<Message> plan(final List<Pending> alerts, final boolean grouped, final int maxBatch) {
        final List<Message> out = new ArrayList<>();
        final Map<Storm, List<Pending>> stormTriggers = new LinkedHashMap<>();
        final Map<Storm, List<Pending>> stormResolves = new LinkedHashMap<>();
        for (final Pending p : alerts) {
            final Alert a = p.alert;
            final Secret key = routing.apply(a.severity());
            if (key == null) {
                out.add(Message.drop(p));
            } else if (a.status() == Alert.Status.FIRING) {
                if (grouped) {
                    stormTriggers.computeIfAbsent(new Storm(stormKey(a.name()), key), k -> new ArrayList<>()).add(p);
                } else {
                    out.add(Message.send(List.of(p), false, List.of(call(trigger(a, key.reveal(), client, clientUrl))),
                        () -> remember(triggered, a.id())));
                }
            } else {
                final Storm storm = stormOf.get(a.id());
                if (storm == null) {
                    out.add(Message.send(List.of(p), false, List.of(call(resolve(a.id(), key.reveal()))),
                        () -> triggered.remove(a.id())));
                } else {
                    stormResolves.computeIfAbsent(storm, k -> new ArrayList<>()).add(p);
                }
            }
        }
        for (final Map.Entry<Storm, List<Pending>> e : stormTriggers.entrySet()) {
            final List<Pending> members = e.getValue();
            for (int i = 0; i < members.size(); i += maxBatch) {
                final List<Pending> chunk = List.copyOf(members.subList(i, Math.min(members.size(), i + maxBatch)));
                final List<Alert> as = new ArrayList<>();
                for (final Pending p : chunk) {
                    as.add(p.alert);
                }
                final Storm storm = e.getKey();
                out.add(Message.send(chunk, true,
                    List.of(call(stormTrigger(as, storm.dedupKey(), storm.routingKey().reveal(), client, clientUrl))),
                    () -> join(storm, as)));
            }
        }
        for (final Map.Entry<Storm, List<Pending>> e : stormResolves.entrySet()) {
            out.add(resolveStormMembers(e.getKey(), e.getValue()));
        }
        return out;
    }

    private Message resolveStormMembers(final Storm storm, final List<Pending> members) {
        final List<HttpCall> calls = new ArrayList<>();
        final Set<String> ids = new LinkedHashSet<>();
        for (final Pending p : members) {
            ids.add(p.id());
            if (triggered.contains(p.id())) {
                // it also had an incident of its own before the storm
                final Secret key = routing.apply(p.alert.severity());
                calls.add(call(resolve(p.id(), (key == null ? storm.routingKey() : key).reveal())));
            }
        }
        final Set<String> remaining = new LinkedHashSet<>(open.getOrDefault(storm, Set.of()));
        remaining.removeAll(ids);
        if (remaining.isEmpty()) {
            calls.add(call(resolve(storm.dedupKey(), storm.routingKey().reveal())));
        }
        return Message.send(members, members.size() > 1, calls, () -> leave(storm, ids));
    }

    private void join(final Storm storm, final List<Alert> members) {
        final Set<String> ids = open.computeIfAbsent(storm, k -> new LinkedHashSet<>());
        for (final Alert a : members) {
            final Storm before = stormOf.remove(a.id());
            if (before != null && !before.equals(storm)) {
                final Set<String> old = open.get(before);
                if (old != null) {
                    old.remove(a.id());
                }
            }
            stormOf.put(a.id(), storm);
            ids.add(a.id());
        }
        while (stormOf.size() > maxTracked) {
            final Iterator<Map.Entry<String, Storm>> it = stormOf.entrySet().iterator();
            final Map.Entry<String, Storm> eldest = it.next();
            it.remove();
            final Set<String> s = open.get(eldest.getValue());
            if (s != null) {
                s.remove(eldest.getKey());
                if (s.isEmpty()) {
                    open.remove(eldest.getValue());
                }
            }
            if (!warnedForgetting) {
                warnedForgetting = true;
                LOG.warn("pagerduty storm bookkeeping is over {} alert ids; the oldest are forgotten, and their storm"
                    + " incidents will not resolve by themselves", maxTracked);
            }
        }
    }

    private void leave(final Storm storm, final Set<String> ids) {
        final Set<String> s = open.get(storm);
        for (final String id : ids) {
            stormOf.remove(id);
            triggered.remove(id);
            if (s != null) {
                s.remove(id);
            }
        }
        if (s != null && s.isEmpty()) {
            open.remove(storm);
        }
    }

    private void remember(final Set<String> set, final String id) {
        set.remove(id);
        set.add(id);
        if (set.size() > maxTracked) {
            final Iterator<String> it = set.iterator();
            it.next();
            it.remove();
        }
    }

    private HttpCall call(final ObjectNode body) {
        return new HttpCall(url, Json.bytes(body), Map.of());
    }

    /** The storm incident's dedup key for an alert name (at most 255 chars). */
    static String stormKey(final String name) {
        final String k = STORM_PREFIX + LogText.line(name, FIELD_MAX);
        return k.length() <= FIELD_MAX ? k : k.substring(0, FIELD_MAX);
    }

    /** PagerDuty's severity for ours: the same four names; anything else becomes {@code error}. */
    static String severity(final String s) {
        return Severity.fromId(s) == null ? "error" : s;
    }

    /** The trigger event for one alert (pure). */
    static ObjectNode trigger(final Alert a, final String routingKey, final String client, final String clientUrl) {
        final ObjectNode root = envelope(routingKey, "trigger", a.id(), client, clientUrl);
        final ObjectNode payload = root.putObject("payload");
        payload.put("summary", summary(a));
        payload.put("source", source(a));
        payload.put("severity", severity(a.severity()));
        payload.put("timestamp", AlertJson.iso(a.startsAt()));
        payload.put("component", LogText.line(a.source(), FIELD_MAX));
        final String group = group(a);
        if (group != null) {
            payload.put("group", group);
        }
        payload.put("class", LogText.line(a.name(), FIELD_MAX));
        final ObjectNode details = payload.putObject("custom_details");
        details.put("alert_id", a.id());
        details.put("kind", a.kind().id());
        details.put("diagnosis", LogText.multiline(a.diagnosis(), 4096));
        final ObjectNode labels = details.putObject("labels");
        for (final Map.Entry<String, String> e : WebhookTarget.labels(a).entrySet()) {
            labels.put(e.getKey(), e.getValue());
        }
        if (a.value() != null) {
            details.put("value", a.value());
        }
        if (a.threshold() != null) {
            details.put("threshold", a.threshold());
        }
        if (a.windowStart() != null && a.windowEnd() != null) {
            details.put("window", AlertJson.iso(a.windowStart()) + "/" + AlertJson.iso(a.windowEnd()));
        }
        details.put("count", a.count());
        final ArrayNode evidence = details.putArray("evidence");
        int n = 0;
        int total = 0;
        for (final Alert.Evidence e : a.evidence()) {
            final String line = AlertJson.iso(e.time()) + " " + LogText.line(e.line(), 1024);
            if (n++ >= WebhookTarget.EVIDENCE_LINES || total + line.length() > 8192) {
                break;
            }
            total += line.length();
            evidence.add(line);
        }
        links(root, a.runbook());
        return root;
    }

    /** The resolve event for a dedup key (pure). */
    static ObjectNode resolve(final String dedupKey, final String routingKey) {
        final ObjectNode root = Json.object();
        root.put("routing_key", routingKey);
        root.put("event_action", "resolve");
        root.put("dedup_key", dedupKey);
        return root;
    }

    /** The trigger standing for several firing alerts of one name (pure). */
    static ObjectNode stormTrigger(final List<Alert> alerts, final String dedupKey, final String routingKey,
                                   final String client, final String clientUrl) {
        final Alert first = alerts.get(0);
        final ObjectNode root = envelope(routingKey, "trigger", dedupKey, client, clientUrl);
        final ObjectNode payload = root.putObject("payload");
        Severity worst = Severity.INFO;
        final Set<String> sources = new LinkedHashSet<>();
        for (final Alert a : alerts) {
            final Severity s = Severity.fromId(a.severity());
            if (s != null && s.compareTo(worst) > 0) {
                worst = s;
            }
            sources.add(source(a));
        }
        payload.put("summary", LogText.cap("Alert storm: " + alerts.size() + " × " + LogText.line(first.name(), FIELD_MAX)
            + " firing, e.g. " + summary(first), SUMMARY_MAX));
        payload.put("source", sources.size() == 1 ? sources.iterator().next() : "vigil (" + sources.size()
            + " sources)");
        payload.put("severity", worst.id());
        payload.put("timestamp", AlertJson.iso(first.startsAt()));
        payload.put("component", LogText.line(first.source(), FIELD_MAX));
        payload.put("class", LogText.line(first.name(), FIELD_MAX));
        final ObjectNode details = payload.putObject("custom_details");
        details.put("storm", true);
        details.put("alert_count", alerts.size());
        details.put("diagnosis", LogText.multiline(first.diagnosis(), 4096));
        final ArrayNode ids = details.putArray("alert_ids");
        final ArrayNode samples = details.putArray("alerts");
        for (final Alert a : alerts) {
            ids.add(a.id());
            if (samples.size() < 20) {
                final ObjectNode s = samples.addObject();
                s.put("id", a.id());
                s.put("summary", LogText.line(a.summary(), 256));
                final ObjectNode labels = s.putObject("labels");
                for (final Map.Entry<String, String> e : new TreeMap<>(a.labels()).entrySet()) {
                    if (labels.size() >= 16) {
                        break;
                    }
                    labels.put(LogText.line(e.getKey(), 64), LogText.line(e.getValue(), 256));
                }
            }
        }
        links(root, first.runbook());
        return root;
    }

    private static ObjectNode envelope(final String routingKey, final String action, final String dedupKey,
                                       final String client, final String clientUrl) {
        final ObjectNode root = Json.object();
        root.put("routing_key", routingKey);
        root.put("event_action", action);
        root.put("dedup_key", dedupKey);
        if (client != null && !client.isEmpty()) {
            root.put("client", client);
        }
        if (clientUrl != null && !clientUrl.isEmpty()) {
            root.put("client_url", clientUrl);
        }
        return root;
    }

    private static void links(final ObjectNode root, final String runbook) {
        final String href = Json.httpUrl(runbook, 2048);
        if (href != null) {
            final ObjectNode link = root.putArray("links").addObject();
            link.put("href", href);
            link.put("text", "Runbook");
        }
    }

    private static String summary(final Alert a) {
        final String s = LogText.line(a.summary(), SUMMARY_MAX);
        return s.isBlank() ? LogText.line(a.name(), SUMMARY_MAX) : s;
    }

    /** The affected system: the host label when there is one, else the log source. */
    static String source(final Alert a) {
        for (final String k : List.of("host", "hostname", "instance", "node")) {
            final String v = a.labels().get(k);
            if (v != null && !v.isBlank()) {
                return LogText.line(v, FIELD_MAX);
            }
        }
        final String s = LogText.line(a.source(), FIELD_MAX);
        return s.isBlank() ? "vigil" : s;
    }

    /** The logical group: the service, unit or database label when there is one. */
    static String group(final Alert a) {
        for (final String k : List.of("service", "unit", "database", "job")) {
            final String v = a.labels().get(k);
            if (v != null && !v.isBlank()) {
                return LogText.line(v, FIELD_MAX);
            }
        }
        return null;
    }
}
