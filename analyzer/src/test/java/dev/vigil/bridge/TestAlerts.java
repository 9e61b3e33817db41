package dev.vigil.bridge;

import dev.vigil.alert.Alert;
import dev.vigil.alert.Fingerprint;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/** Alerts for bridge tests. */
final class TestAlerts {
    static final long T0 = Instant.parse("2024-05-01T10:00:00Z").toEpochMilli();
    static final String RUNBOOK = "https://runbooks.example.com/nginx.md#nginx_5xx_ratio";
    /** Everything a log line could throw at a chat message. */
    static final String HOSTILE = "<!channel> <!here> <@U12345> <https://evil.example|click me> & ``` ` "
        + "\u001b[31mred\u001b[0m \u0007bell @channel @here";

    private TestAlerts() {
    }

    static Alert firing(final String name, final Map<String, String> labels) {
        final SortedMap<String, String> l = new TreeMap<>(labels);
        return new Alert(Fingerprint.of(name, l), Alert.Status.FIRING, name, Alert.Kind.RULE, "critical", "nginx",
            "5xx ratio 23% on " + labels.getOrDefault("host", "?"), "Upstream failing or overloaded.", RUNBOOK, l,
            0.23, 0.05, T0 - 60_000, T0, T0, null, 42,
            List.of(new Alert.Evidence(T0 - 1000, "10.0.0.1 - - \"GET / HTTP/1.1\" 502 0")));
    }

    static Alert firing(final String host) {
        return firing("nginx_5xx_ratio", Map.of("host", host));
    }

    static Alert resolved(final Alert a, final long endsAt) {
        return new Alert(a.id(), Alert.Status.RESOLVED, a.name(), a.kind(), a.severity(), a.source(), a.summary(),
            a.diagnosis(), a.runbook(), a.labels(), a.value(), a.threshold(), a.windowStart(), a.windowEnd(),
            a.startsAt(), endsAt, a.count(), a.evidence());
    }

    static Alert withSeverity(final Alert a, final String severity) {
        return new Alert(a.id(), a.status(), a.name(), a.kind(), severity, a.source(), a.summary(), a.diagnosis(),
            a.runbook(), a.labels(), a.value(), a.threshold(), a.windowStart(), a.windowEnd(), a.startsAt(),
            a.endsAt(), a.count(), a.evidence());
    }

    /** A firing alert whose summary, labels and evidence are hostile, with a 100 kB evidence line. */
    static Alert hostile() {
        final SortedMap<String, String> labels = new TreeMap<>(Map.of("host", "web1 " + HOSTILE,
            "path", "/x`y`<!channel>", "severity", "fake"));
        final StringBuilder huge = new StringBuilder(HOSTILE);
        while (huge.length() < 100_000) {
            huge.append(" ```<!channel>\u001b[31m <https://evil.example|x> &amp; ");
        }
        final List<Alert.Evidence> evidence = new ArrayList<>();
        evidence.add(new Alert.Evidence(T0, huge.toString()));
        evidence.add(new Alert.Evidence(T0 + 1, "```\n<!everyone> escape attempt\n```"));
        return new Alert(Fingerprint.of("nginx_hostile", labels), Alert.Status.FIRING, "nginx_hostile",
            Alert.Kind.SIGNATURE, "critical", "nginx", "Summary " + HOSTILE + " " + "x".repeat(5000),
            "Diagnosis <!here>", RUNBOOK, labels, null, null, null, null, T0, null, 1, evidence);
    }

    static Pending pending(final Alert a) {
        return new Pending(null, a, 0, T0, 3_600_000);
    }

    static List<Pending> pending(final List<Alert> alerts) {
        final List<Pending> out = new ArrayList<>();
        long seq = 0;
        for (final Alert a : alerts) {
            out.add(new Pending(null, a, seq++, T0, 3_600_000));
        }
        return out;
    }
}
