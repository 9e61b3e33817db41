package dev.vigil.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.alert.Alert;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WebhookTargetTest {

    /** Alertmanager's webhook payload, version 4: every documented field with its type. */
    static void assertAlertmanagerV4(final JsonNode p) {
        assertEquals("4", p.get("version").asText());
        assertTrue(p.get("version").isTextual());
        assertTrue(p.get("groupKey").isTextual());
        assertTrue(p.get("truncatedAlerts").isInt());
        assertTrue(Set.of("firing", "resolved").contains(p.get("status").asText()));
        assertTrue(p.get("receiver").isTextual());
        for (final String m : List.of("groupLabels", "commonLabels", "commonAnnotations")) {
            assertTrue(p.get(m).isObject(), m);
            p.get(m).fields().forEachRemaining(e -> assertTrue(e.getValue().isTextual(), m + "." + e.getKey()));
        }
        assertTrue(p.get("externalURL").isTextual());
        assertTrue(p.get("alerts").isArray() && p.get("alerts").size() > 0);
        for (final JsonNode a : p.get("alerts")) {
            assertTrue(Set.of("firing", "resolved").contains(a.get("status").asText()));
            assertTrue(a.get("labels").get("alertname").isTextual());
            assertTrue(a.get("labels").get("severity").isTextual());
            a.get("labels").fields().forEachRemaining(e -> assertTrue(e.getValue().isTextual()));
            a.get("annotations").fields().forEachRemaining(e -> assertTrue(e.getValue().isTextual()));
            assertTrue(a.get("annotations").get("summary").isTextual());
            Instant.parse(a.get("startsAt").asText());
            Instant.parse(a.get("endsAt").asText());
            assertTrue(a.get("generatorURL").isTextual());
            assertTrue(a.get("fingerprint").isTextual());
        }
    }

    @Test
    void shouldMapAFiringAlertToAlertmanagerV4() {
        final Alert a = TestAlerts.firing("web1");

        final JsonNode p = WebhookTarget.payload(List.of(a), "vigil", "http://vigil.example");

        assertAlertmanagerV4(p);
        assertEquals("firing", p.get("status").asText());
        assertEquals("{}:{alertname=\"nginx_5xx_ratio\"}", p.get("groupKey").asText());
        assertEquals(0, p.get("truncatedAlerts").asInt());
        assertEquals("vigil", p.get("receiver").asText());
        assertEquals("http://vigil.example", p.get("externalURL").asText());
        assertEquals("nginx_5xx_ratio", p.get("groupLabels").get("alertname").asText());
        final JsonNode x = p.get("alerts").get(0);
        assertEquals("nginx_5xx_ratio", x.get("labels").get("alertname").asText());
        assertEquals("critical", x.get("labels").get("severity").asText());
        assertEquals("web1", x.get("labels").get("host").asText());
        assertEquals("nginx", x.get("labels").get("source").asText());
        assertEquals("5xx ratio 23% on web1", x.get("annotations").get("summary").asText());
        assertEquals("Upstream failing or overloaded.", x.get("annotations").get("description").asText());
        assertEquals(TestAlerts.RUNBOOK, x.get("annotations").get("runbook_url").asText());
        assertEquals("0.23", x.get("annotations").get("value").asText());
        assertEquals("2024-05-01T10:00:00Z", x.get("startsAt").asText());
        assertEquals(WebhookTarget.UNSET_TIME, x.get("endsAt").asText());
        assertEquals(a.id(), x.get("fingerprint").asText());
        assertEquals(x.get("labels"), p.get("commonLabels"));
    }

    @Test
    void shouldSetEndsAtForAResolvedAlert() {
        final Alert a = TestAlerts.resolved(TestAlerts.firing("web1"), TestAlerts.T0 + 60_000);

        final JsonNode p = WebhookTarget.payload(List.of(a), "vigil", "");

        assertAlertmanagerV4(p);
        assertEquals("resolved", p.get("status").asText());
        assertEquals("2024-05-01T10:01:00Z", p.get("alerts").get(0).get("endsAt").asText());
    }

    @Test
    void shouldGroupManyAlertsWithCommonLabels() {
        final Alert a = TestAlerts.firing("web1");
        final Alert b = TestAlerts.resolved(TestAlerts.firing("web2"), TestAlerts.T0 + 1);
        final Alert c = TestAlerts.firing("other_rule", Map.of("host", "web3"));

        final JsonNode p = WebhookTarget.payload(List.of(a, b, c), "vigil", "");

        assertAlertmanagerV4(p);
        assertEquals(3, p.get("alerts").size());
        assertEquals("firing", p.get("status").asText());
        assertEquals("{}:{}", p.get("groupKey").asText());
        assertEquals(0, p.get("groupLabels").size());
        assertEquals("critical", p.get("commonLabels").get("severity").asText());
        assertFalse(p.get("commonLabels").has("host"));
    }

    @Test
    void shouldKeepALogLabelThatCollidesWithAReservedOne() {
        final Map<String, String> labels = WebhookTarget.labels(TestAlerts.hostile());

        assertEquals("fake", labels.get("exported_severity"));
        assertEquals("critical", labels.get("severity"));
    }

    @Test
    void shouldCleanAndCapAHostileAlert() {
        final JsonNode p = WebhookTarget.payload(List.of(TestAlerts.hostile()), "vigil", "");

        assertAlertmanagerV4(p);
        final String raw = p.toString();
        assertFalse(raw.contains("\\u001b") || raw.contains("\\u0007"), raw);
        assertTrue(raw.length() < 20_000, "payload is " + raw.length());
        assertTrue(p.get("alerts").get(0).get("annotations").get("summary").asText().length()
            <= WebhookTarget.SUMMARY_MAX);
    }

    @Test
    void shouldSignTheBodyWithHmacSha256() {
        // RFC 4231 test case 2
        assertEquals("sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
            WebhookTarget.signature("what do ya want for nothing?".getBytes(StandardCharsets.UTF_8), "Jefe"));
    }

    @Test
    void shouldAddHeadersAndSignatureToEachCall() {
        final WebhookTarget t = new WebhookTarget(URI.create("http://127.0.0.1/hook"), Map.of("X-Team", "sre"),
            Secret.of("s3cret-value", "test"), "vigil", "");

        final List<Message> ms = t.plan(TestAlerts.pending(List.of(TestAlerts.firing("web1"))), false, 10);

        final HttpCall c = ms.get(0).calls().get(0);
        assertEquals("sre", c.headers().get("X-Team"));
        assertEquals(WebhookTarget.signature(c.body(), "s3cret-value"), c.headers().get("X-Vigil-Signature"));
    }
}
