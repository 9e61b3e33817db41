package dev.vigil.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.alert.Alert;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SlackTargetTest {

    @Test
    void shouldFormatAFiringAlertAsBlockKitWithAFallback() {
        final Alert a = TestAlerts.firing("web1");

        final JsonNode m = SlackTarget.firing(a);

        assertTrue(m.get("text").asText().contains("nginx_5xx_ratio"));
        assertFalse(m.get("link_names").asBoolean());
        assertFalse(m.get("unfurl_links").asBoolean());
        assertFalse(m.get("unfurl_media").asBoolean());
        final JsonNode blocks = m.get("blocks");
        assertEquals("header", blocks.get(0).get("type").asText());
        assertEquals("plain_text", blocks.get(0).get("text").get("type").asText());
        assertTrue(blocks.get(0).get("text").get("text").asText().contains("CRITICAL"));
        final String all = m.toString();
        assertTrue(all.contains("*Summary*"), all);
        assertTrue(all.contains("*Diagnosis*"), all);
        assertTrue(all.contains("host=`web1`"), all);
        assertTrue(all.contains("```\\n2024-05-01T09:59:59Z 10.0.0.1"), all);
        final JsonNode button = find(blocks, "actions").get("elements").get(0);
        assertEquals("button", button.get("type").asText());
        assertEquals(TestAlerts.RUNBOOK, button.get("url").asText());
    }

    @Test
    void shouldNeutraliseAHostileAlert() {
        final Alert a = TestAlerts.hostile();

        final ObjectNode m = SlackTarget.firing(a);

        assertNeutral(m);
        final String evidence = findSection(m.get("blocks"), "*Evidence*");
        assertTrue(evidence.startsWith("*Evidence*\n```\n"), evidence);
        assertTrue(evidence.endsWith("\n```"), evidence);
        assertEquals(2, count(evidence, "```"), "only our own fences: " + evidence);
    }

    @Test
    void shouldNeutraliseAHostileResolvedAlertAndGroup() {
        final Alert a = TestAlerts.hostile();
        assertNeutral(SlackTarget.resolved(TestAlerts.resolved(a, TestAlerts.T0 + 60_000)));
        assertNeutral(SlackTarget.group(List.of(a, TestAlerts.firing("web2"))));
    }

    @Test
    void shouldSendAShortResolvedFollowUp() {
        final Alert a = TestAlerts.resolved(TestAlerts.firing("web1"), TestAlerts.T0 + 12 * 60_000);

        final JsonNode m = SlackTarget.resolved(a);

        assertTrue(m.get("text").asText().startsWith("[RESOLVED] nginx_5xx_ratio"));
        assertEquals(2, m.get("blocks").size());
        assertTrue(m.get("blocks").get(0).get("text").get("text").asText().contains("after 12m"));
    }

    @Test
    void shouldOmitTheButtonForANonHttpRunbook() {
        final Alert x = TestAlerts.firing("web1");
        final Alert a = new Alert(x.id(), x.status(), x.name(), x.kind(), x.severity(), x.source(), x.summary(),
            x.diagnosis(), "javascript:alert(1)", x.labels(), x.value(), x.threshold(), x.windowStart(),
            x.windowEnd(), x.startsAt(), x.endsAt(), x.count(), x.evidence());

        assertEquals(null, find(SlackTarget.firing(a).get("blocks"), "actions"));
    }

    @Test
    void shouldListEveryAlertIdOfAGroupWithinSlackLimits() {
        final List<Alert> alerts = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            alerts.add(TestAlerts.firing("name_" + (i % 40), Map.of("host", "web" + i)));
        }

        final JsonNode m = SlackTarget.group(alerts);

        assertNeutral((ObjectNode) m);
        final String all = m.toString();
        for (final Alert a : alerts) {
            assertTrue(all.contains(a.id()), a.id());
        }
        assertTrue(m.get("blocks").size() <= SlackTarget.MAX_BLOCKS);
        assertTrue(all.contains("more alert names"));
    }

    @Test
    void shouldPlanOneMessagePerAlertUnlessGrouped() {
        final SlackTarget t = new SlackTarget(URI.create("http://127.0.0.1/hook"));
        final List<Pending> ps = TestAlerts.pending(List.of(TestAlerts.firing("a"), TestAlerts.firing("b"),
            TestAlerts.firing("c")));

        assertEquals(3, t.plan(ps, false, 100).size());
        final List<Message> grouped = t.plan(ps, true, 2);
        assertEquals(2, grouped.size());
        assertTrue(grouped.get(0).grouped());
        assertEquals(2, grouped.get(0).alerts().size());
    }

    /** No mention, link, fence break, escape character or oversized text anywhere in the message. */
    static void assertNeutral(final ObjectNode m) {
        final String raw = new String(Json.bytes(m), StandardCharsets.UTF_8);
        for (final String bad : List.of("<!channel>", "<!here>", "<!everyone>", "<@U", "<https://evil",
            "\\u001b", "\u001b", "\\u0007")) {
            assertFalse(raw.contains(bad), "payload contains " + bad);
        }
        assertTrue(raw.length() < 40_000, "payload is " + raw.length() + " chars");
        assertTrue(m.get("text").asText().length() <= SlackTarget.FALLBACK_MAX);
        for (final JsonNode b : m.get("blocks")) {
            final String type = b.get("type").asText();
            if ("header".equals(type)) {
                assertTrue(b.get("text").get("text").asText().length() <= SlackTarget.HEADER_MAX);
            } else if ("section".equals(type) && b.has("text")) {
                final String text = b.get("text").get("text").asText();
                assertTrue(text.length() <= SlackTarget.SECTION_MAX, "section of " + text.length());
                final int fences = count(text, "```");
                assertTrue(fences == 0 || fences == 2, text);
                assertFalse(text.replace("```", "").contains("`") && fences > 0, text);
            }
        }
        // every text: backticks only where we put them (inline code around label values and ids, fences)
        assertFalse(raw.contains("````"), raw);
    }

    static JsonNode find(final JsonNode blocks, final String type) {
        for (final JsonNode b : blocks) {
            if (type.equals(b.get("type").asText())) {
                return b;
            }
        }
        return null;
    }

    static String findSection(final JsonNode blocks, final String prefix) {
        for (final JsonNode b : blocks) {
            if (b.has("text") && b.get("text").get("text").asText().startsWith(prefix)) {
                return b.get("text").get("text").asText();
            }
        }
        throw new AssertionError("no section starting with " + prefix);
    }

    static int count(final String s, final String sub) {
        int n = 0;
        for (int i = s.indexOf(sub); i >= 0; i = s.indexOf(sub, i + sub.length())) {
            n++;
        }
        return n;
    }
}
