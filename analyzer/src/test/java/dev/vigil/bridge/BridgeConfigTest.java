package dev.vigil.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class BridgeConfigTest {

    @Test
    void shouldGiveEachTargetItsOwnDefaultGroup() {
        final Map<String, String> env = Map.of(BridgeConfig.ENV_PAGERDUTY_KEY, "pd-key-0123",
            BridgeConfig.ENV_SLACK_URL, "https://hooks.slack.com/services/T0/B0/tok",
            BridgeConfig.ENV_WEBHOOK_URL, "https://hooks.example.com/am");

        final BridgeConfig pd = BridgeConfig.builder().target(TargetKind.PAGERDUTY).environment(env).build();
        final BridgeConfig slack = BridgeConfig.builder().target(TargetKind.SLACK).environment(env).build();
        final BridgeConfig hook = BridgeConfig.builder().target(TargetKind.WEBHOOK).environment(env).build();

        assertEquals("vigil-bridge-pagerduty", pd.group());
        assertEquals("vigil-bridge-slack", slack.group());
        assertEquals("vigil-bridge-webhook", hook.group());
        assertEquals("localhost:9092", pd.bootstrapServers());
        assertEquals("vigil.alerts", pd.topic());
        assertEquals("vigil.bridge.deadletter", pd.deadLetterTopic());
        assertEquals("https://events.pagerduty.com/v2/enqueue", pd.url().toString());
        assertEquals("pd-key-0123", pd.pagerDutyRoute("critical").reveal());
    }

    @Test
    void shouldSayWhatIsMissing() {
        assertEquals("no PagerDuty routing key: set VIGIL_PAGERDUTY_ROUTING_KEY or --routing-key-file",
            message(BridgeConfig.builder().target(TargetKind.PAGERDUTY)));
        assertEquals("no Slack webhook URL: set VIGIL_SLACK_WEBHOOK_URL or --url",
            message(BridgeConfig.builder().target(TargetKind.SLACK)));
        assertEquals("no webhook URL: set VIGIL_WEBHOOK_URL or --url",
            message(BridgeConfig.builder().target(TargetKind.WEBHOOK)));
        assertEquals("no target: use --to pagerduty, --to slack or --to webhook", message(BridgeConfig.builder()));
    }

    @Test
    void shouldNotNeedADefaultKeyWhenEverySeverityIsRouted() {
        final BridgeConfig.Builder b = BridgeConfig.builder().target(TargetKind.PAGERDUTY)
            .route("critical", BridgeConfig.Route.to(Secret.of("key-a-000", "t")))
            .route("error", BridgeConfig.Route.to(Secret.of("key-a-000", "t")))
            .route("warning", BridgeConfig.Route.to(Secret.of("key-b-000", "t")))
            .route("info", BridgeConfig.Route.dropped());

        final BridgeConfig c = b.build();

        assertEquals("key-b-000", c.pagerDutyRoute("warning").reveal());
        assertNull(c.pagerDutyRoute("info"));
    }

    @Test
    void shouldNeverPrintTheSecretUrl() {
        final BridgeConfig c = BridgeConfig.builder().target(TargetKind.SLACK)
            .environment(Map.of(BridgeConfig.ENV_SLACK_URL, "https://hooks.slack.com/services/T0/B0/tok123"))
            .build();

        assertFalse(c.toString().contains("tok123"), c.toString());
        assertTrue(c.toString().contains("https://hooks.slack.com/…"), c.toString());
        assertTrue(c.secrets().contains("/services/T0/B0/tok123"));

        final String bad = message(BridgeConfig.builder().target(TargetKind.SLACK)
            .url(Secret.of("hooks.slack.com/services/T0/B0/tok123", "x"), "VIGIL_SLACK_WEBHOOK_URL"));
        assertEquals("the URL from VIGIL_SLACK_WEBHOOK_URL is not an http(s) URL with a host", bad);
        assertEquals("****", Secret.of("tok123", "x").toString());
    }

    @Test
    void shouldRejectHeadersTheBridgeOwns() {
        final BridgeConfig.Builder b = BridgeConfig.builder();
        assertThrows(IllegalArgumentException.class, () -> b.header("Content-Length", "1"));
        assertThrows(IllegalArgumentException.class, () -> b.header("X-Vigil-Signature", "x"));
        assertThrows(IllegalArgumentException.class, () -> b.header("X-Evil", "a\r\nHost: x"));
        assertThrows(IllegalArgumentException.class, () -> b.header("Bad Name", "x"));
        assertThrows(IllegalArgumentException.class, () -> b.route("fatal", BridgeConfig.Route.dropped()));
    }

    private static String message(final BridgeConfig.Builder b) {
        return assertThrows(IllegalArgumentException.class, b::build).getMessage();
    }
}
