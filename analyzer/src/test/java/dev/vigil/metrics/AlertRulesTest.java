package dev.vigil.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The habits of deploy/prometheus/vigil_alerts.yml that promtool does not check: CamelCase names, a severity, a
 * summary and a runbook section for every alert, and a test on both sides of each (one evaluation where it is
 * silent, one where it fires). `promtool test rules` (in .ci/run) checks that those tests pass.
 */
class AlertRulesTest {
    private static final Path DEPLOY = PromText.root().resolve("deploy/prometheus");
    private static final Set<String> SEVERITIES = Set.of("critical", "warning", "info");

    private static Map<String, JsonNode> alerts() throws IOException {
        final Map<String, JsonNode> out = new TreeMap<>();
        for (final JsonNode g : new YAMLMapper().readTree(DEPLOY.resolve("vigil_alerts.yml").toFile())
            .path("groups")) {
            for (final JsonNode r : g.path("rules")) {
                if (r.has("alert")) {
                    out.put(r.path("alert").asText(), r);
                }
            }
        }
        return out;
    }

    @Test
    void shouldGiveEveryAlertANameSeveritySummaryAndRunbookSection() throws IOException {
        final String runbook = Files.readString(PromText.root().resolve("docs/runbook-vigil.md"));
        final Map<String, JsonNode> alerts = alerts();
        assertTrue(alerts.size() >= 8, alerts::toString);
        for (final Map.Entry<String, JsonNode> e : alerts.entrySet()) {
            final String name = e.getKey();
            final JsonNode r = e.getValue();
            assertTrue(name.matches("Vigil([A-Z][a-z0-9]+)+"), name + " is not CamelCase with the Vigil prefix");
            assertTrue(SEVERITIES.contains(r.path("labels").path("severity").asText()), name + ": severity");
            assertTrue(!r.path("annotations").path("summary").asText().isBlank(), name + ": summary");
            final String url = r.path("annotations").path("runbook_url").asText();
            assertTrue(url.endsWith("/docs/runbook-vigil.md#" + name.toLowerCase(Locale.ROOT)), name + ": " + url);
            assertTrue(runbook.contains("\n## " + name + "\n"), name + " has no section in docs/runbook-vigil.md");
        }
    }

    @Test
    void shouldTestEveryAlertOnBothSides() throws IOException {
        final Set<String> silent = new HashSet<>();
        final Set<String> firing = new HashSet<>();
        for (final JsonNode t : new YAMLMapper().readTree(DEPLOY.resolve("tests/vigil_alerts_test.yml").toFile())
            .path("tests")) {
            for (final JsonNode a : t.path("alert_rule_test")) {
                (a.path("exp_alerts").size() == 0 ? silent : firing).add(a.path("alertname").asText());
            }
        }
        final Set<String> names = alerts().keySet();
        final Set<String> missingSilent = new TreeSet<>(names);
        missingSilent.removeAll(silent);
        final Set<String> missingFiring = new TreeSet<>(names);
        missingFiring.removeAll(firing);
        assertEquals(Set.of(), missingSilent, "alerts without a test where they stay silent");
        assertEquals(Set.of(), missingFiring, "alerts without a test where they fire");
    }
}
