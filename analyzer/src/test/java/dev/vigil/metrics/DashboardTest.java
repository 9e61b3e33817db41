package dev.vigil.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's structure: unique panel ids, a query and the templated data source on every panel, and only
 * variables it defines. (PrometheusIT checks that every metric it queries is one Vigil exports.)
 */
class DashboardTest {
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{?(\\w+)");
    private static final Set<String> BUILT_IN = Set.of("__rate_interval", "__range", "__interval");

    @Test
    void shouldGiveEveryPanelAQueryOnTheTemplatedDataSourceAndOnlyKnownVariables() throws IOException {
        final JsonNode dash = new ObjectMapper().readTree(
            PromText.root().resolve("deploy/grafana/dashboards/vigil.json").toFile());
        assertEquals("vigil-overview", dash.path("uid").asText());
        final Set<String> variables = new HashSet<>(BUILT_IN);
        dash.at("/templating/list").forEach(v -> variables.add(v.path("name").asText()));
        final Set<Integer> ids = new HashSet<>();
        int queries = 0;
        for (final JsonNode p : dash.path("panels")) {
            final String title = p.path("title").asText();
            assertTrue(ids.add(p.path("id").asInt()), "duplicate panel id " + p.path("id"));
            assertTrue(p.at("/gridPos/w").asInt() > 0 && p.at("/gridPos/x").asInt() + p.at("/gridPos/w").asInt() <= 24,
                title + ": gridPos");
            if ("row".equals(p.path("type").asText())) {
                continue;
            }
            assertFalse(p.path("targets").isEmpty(), title + " has no query");
            for (final JsonNode t : p.path("targets")) {
                final String expr = t.path("expr").asText();
                assertFalse(expr.isBlank(), title + " " + t.path("refId"));
                assertEquals("${datasource}", t.at("/datasource/uid").asText(), title);
                final Matcher m = VARIABLE.matcher(expr + " " + title);
                while (m.find()) {
                    assertTrue(variables.contains(m.group(1)), title + " uses undefined $" + m.group(1));
                }
                queries++;
            }
        }
        assertTrue(queries >= 30, "queries: " + queries);
    }
}
