package dev.vigil.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.alert.Alert;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class PagerDutyTargetTest {
    private static final Secret KEY_A = Secret.of("key-a-0123456789", "test");
    private static final Secret KEY_B = Secret.of("key-b-0123456789", "test");
    private static final Set<String> SEVERITIES = Set.of("critical", "error", "warning", "info");

    /** The fields PagerDuty Events API v2 requires or documents, with their types. */
    static void assertValidTrigger(final JsonNode e) {
        assertTrue(e.get("routing_key").isTextual());
        assertEquals("trigger", e.get("event_action").asText());
        assertTrue(e.get("dedup_key").isTextual() && e.get("dedup_key").asText().length() <= 255);
        final JsonNode p = e.get("payload");
        assertTrue(p.get("summary").isTextual());
        assertTrue(p.get("summary").asText().length() <= 1024, "summary of " + p.get("summary").asText().length());
        assertTrue(p.get("source").isTextual() && !p.get("source").asText().isEmpty());
        assertTrue(SEVERITIES.contains(p.get("severity").asText()));
        Instant.parse(p.get("timestamp").asText());
        for (final String optional : List.of("component", "group", "class")) {
            assertTrue(!p.has(optional) || p.get(optional).isTextual(), optional);
        }
        assertTrue(p.get("custom_details").isObject());
        if (e.has("links")) {
            for (final JsonNode l : e.get("links")) {
                assertTrue(l.get("href").asText().startsWith("http"));
                assertTrue(l.get("text").isTextual());
            }
        }
    }

    static void assertValidResolve(final JsonNode e) {
        assertTrue(e.get("routing_key").isTextual());
        assertEquals("resolve", e.get("event_action").asText());
        assertTrue(e.get("dedup_key").isTextual());
    }

    @Test
    void shouldMapAFiringAlertToATrigger() {
        final Alert a = TestAlerts.firing("web1");

        final JsonNode e = PagerDutyTarget.trigger(a, "rk", "Vigil", null);

        assertValidTrigger(e);
        assertEquals(a.id(), e.get("dedup_key").asText());
        assertEquals("rk", e.get("routing_key").asText());
        final JsonNode p = e.get("payload");
        assertEquals("5xx ratio 23% on web1", p.get("summary").asText());
        assertEquals("web1", p.get("source").asText());
        assertEquals("critical", p.get("severity").asText());
        assertEquals("2024-05-01T10:00:00Z", p.get("timestamp").asText());
        assertEquals("nginx", p.get("component").asText());
        assertEquals("nginx_5xx_ratio", p.get("class").asText());
        final JsonNode d = p.get("custom_details");
        assertEquals("Upstream failing or overloaded.", d.get("diagnosis").asText());
        assertEquals("web1", d.get("labels").get("host").asText());
        assertEquals(0.23, d.get("value").asDouble());
        assertEquals(0.05, d.get("threshold").asDouble());
        assertEquals(1, d.get("evidence").size());
        assertEquals(TestAlerts.RUNBOOK, e.get("links").get(0).get("href").asText());
        assertEquals("Vigil", e.get("client").asText());
    }

    @Test
    void shouldMapAResolvedAlertToAResolveWithTheSameDedupKey() {
        final Alert a = TestAlerts.firing("web1");

        final JsonNode e = PagerDutyTarget.resolve(a.id(), "rk");

        assertValidResolve(e);
        assertEquals(a.id(), e.get("dedup_key").asText());
    }

    @Test
    void shouldNeutraliseAndCapAHostileAlert() {
        final JsonNode e = PagerDutyTarget.trigger(TestAlerts.hostile(), "rk", "Vigil", null);

        assertValidTrigger(e);
        final String raw = e.toString();
        assertFalse(raw.contains("\u001b") || raw.contains("\\u001b") || raw.contains("\\u0007"), raw);
        assertTrue(raw.length() < 20_000, "event is " + raw.length() + " chars");
        assertEquals(1024, e.get("payload").get("summary").asText().length());
    }

    @Test
    void shouldRouteBySeverityAndDropWhereConfigured() {
        final Function<String, Secret> routing = s -> Map.of("critical", KEY_A, "warning", KEY_B).get(s);
        final PagerDutyTarget t = target(routing);
        final Alert crit = TestAlerts.firing("web1");
        final Alert warn = TestAlerts.withSeverity(TestAlerts.firing("web2"), "warning");
        final Alert info = TestAlerts.withSeverity(TestAlerts.firing("web3"), "info");

        final List<Message> ms = t.plan(TestAlerts.pending(List.of(crit, warn, info)), false, 10);

        assertEquals(3, ms.size());
        assertEquals(KEY_A.reveal(), json(ms.get(0)).get("routing_key").asText());
        assertEquals(KEY_B.reveal(), json(ms.get(1)).get("routing_key").asText());
        assertTrue(ms.get(2).dropped());
        assertTrue(ms.get(2).calls().isEmpty());
    }

    @Test
    void shouldAggregateAStormPerNameAndResolveItWhenItsLastMemberResolves() {
        final PagerDutyTarget t = target(s -> KEY_A);
        final List<Alert> alerts = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            alerts.add(TestAlerts.firing(i % 5 == 0 ? "postgres_slow" : "nginx_5xx_ratio", Map.of("host", "h" + i)));
        }

        final List<Message> storm = t.plan(TestAlerts.pending(alerts), true, 100);

        // 200 nginx in chunks of 100 + 50 postgres
        assertEquals(3, storm.size());
        final Set<String> ids = new HashSet<>();
        for (final Message m : storm) {
            assertTrue(m.grouped());
            final JsonNode e = json(m);
            assertValidTrigger(e);
            assertTrue(e.get("dedup_key").asText().startsWith(PagerDutyTarget.STORM_PREFIX));
            assertTrue(e.get("payload").get("custom_details").get("storm").asBoolean());
            e.get("payload").get("custom_details").get("alert_ids").forEach(id -> ids.add(id.asText()));
            m.onDelivered().run();
        }
        assertEquals(250, ids.size());

        // resolving all but one nginx member needs no request; the last one resolves the storm incident
        final List<Alert> nginx = alerts.stream().filter(a -> a.name().equals("nginx_5xx_ratio")).toList();
        final List<Alert> allButLast = nginx.subList(0, nginx.size() - 1).stream()
            .map(a -> TestAlerts.resolved(a, TestAlerts.T0 + 1)).toList();
        final List<Message> quiet = t.plan(TestAlerts.pending(allButLast), false, 100);
        assertEquals(1, quiet.size());
        assertTrue(quiet.get(0).calls().isEmpty());
        assertFalse(quiet.get(0).dropped());
        quiet.get(0).onDelivered().run();

        final List<Message> last = t.plan(TestAlerts.pending(List.of(TestAlerts.resolved(nginx.get(nginx.size() - 1),
            TestAlerts.T0 + 2))), false, 100);
        assertEquals(1, last.get(0).calls().size());
        final JsonNode resolve = json(last.get(0));
        assertValidResolve(resolve);
        assertEquals(PagerDutyTarget.stormKey("nginx_5xx_ratio"), resolve.get("dedup_key").asText());
    }

    @Test
    void shouldResolveTheOwnIncidentOfAnAlertThatJoinedAStormLater() {
        final PagerDutyTarget t = target(s -> KEY_A);
        final Alert a = TestAlerts.firing("web1");
        final Alert b = TestAlerts.firing("web2");
        t.plan(TestAlerts.pending(List.of(a)), false, 10).forEach(m -> m.onDelivered().run());
        t.plan(TestAlerts.pending(List.of(a, b)), true, 10).forEach(m -> m.onDelivered().run());

        final List<Message> ms = t.plan(TestAlerts.pending(List.of(TestAlerts.resolved(a, 1),
            TestAlerts.resolved(b, 1))), false, 10);

        assertEquals(1, ms.size());
        final List<String> keys = ms.get(0).calls().stream().map(c -> parse(c).get("dedup_key").asText()).toList();
        assertEquals(List.of(a.id(), PagerDutyTarget.stormKey(a.name())), keys);
    }

    @Test
    void shouldNotChangeStateWhenAPlanIsNotDelivered() {
        final PagerDutyTarget t = target(s -> KEY_A);
        final Alert a = TestAlerts.firing("web1");
        t.plan(TestAlerts.pending(List.of(a)), true, 10); // planned, never delivered

        final List<Message> ms = t.plan(TestAlerts.pending(List.of(TestAlerts.resolved(a, 1))), false, 10);

        assertEquals(a.id(), json(ms.get(0)).get("dedup_key").asText());
    }

    @Test
    void shouldFallBackToErrorForAnUnknownSeverity() {
        assertEquals("error", PagerDutyTarget.severity("fatal"));
        assertEquals("warning", PagerDutyTarget.severity("warning"));
        assertNull(PagerDutyTarget.group(TestAlerts.firing("web1")));
    }

    private static PagerDutyTarget target(final Function<String, Secret> routing) {
        return new PagerDutyTarget(URI.create("http://127.0.0.1/v2/enqueue"), routing, "Vigil", null, 1000);
    }

    private static JsonNode json(final Message m) {
        return parse(m.calls().get(0));
    }

    private static JsonNode parse(final HttpCall c) {
        try {
            return Json.MAPPER.readTree(new String(c.body(), StandardCharsets.UTF_8));
        } catch (final IOException e) {
            throw new AssertionError(e);
        }
    }
}
