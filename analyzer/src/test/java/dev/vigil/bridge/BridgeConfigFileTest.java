package dev.vigil.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BridgeConfigFileTest {
    @TempDir
    Path dir;

    private Path write(final String yaml) throws IOException {
        return Files.writeString(dir.resolve("bridge.yml"), yaml);
    }

    private BridgeConfig load(final String yaml, final TargetKind target, final Map<String, String> env)
        throws IOException {
        final BridgeConfig.Builder b = BridgeConfig.builder().target(target);
        BridgeConfigFile.read(write(yaml)).applyTo(b, env);
        return b.build();
    }

    private String error(final String yaml, final TargetKind target) throws IOException {
        final Path f = write(yaml);
        return assertThrows(IllegalArgumentException.class, () -> {
            final BridgeConfig.Builder b = BridgeConfig.builder().target(target);
            BridgeConfigFile.read(f).applyTo(b, Map.of());
            b.build();
        }).getMessage();
    }

    @Test
    void shouldApplyTopLevelSettingsThenTheTargetSection() throws IOException {
        Files.writeString(dir.resolve("slack-url"), "https://hooks.slack.com/services/T0/B0/tok\n");

        final BridgeConfig c = load(String.join("\n",
            "bootstrap_servers: kafka:9092",
            "topic: my.alerts",
            "rate: 30",
            "max_age: 15m",
            "backoff_initial: 2s",
            "backoff_max: 1m",
            "slack:",
            "  url_file: slack-url",
            "  rate: 10",
            "  group: team-slack",
            "webhook:",
            "  url: https://hooks.example.com/am",
            ""), TargetKind.SLACK, Map.of());

        assertEquals("kafka:9092", c.bootstrapServers());
        assertEquals("my.alerts", c.topic());
        assertEquals("team-slack", c.group());
        assertEquals(10.0, c.policy().ratePerMinute());
        assertEquals(Duration.ofMinutes(15), c.policy().maxAge());
        assertEquals(Duration.ofSeconds(2), c.policy().initialBackoff());
        assertEquals(Duration.ofMinutes(1), c.policy().maxBackoff());
        assertEquals("https://hooks.slack.com/services/T0/B0/tok", c.url().toString());
    }

    @Test
    void shouldTakeTheTargetFromTheFileWhenNotGiven() throws IOException {
        final BridgeConfig.Builder b = BridgeConfig.builder();
        BridgeConfigFile.read(write("to: webhook\nwebhook:\n  url: http://127.0.0.1:9/x\n")).applyTo(b, Map.of());

        assertEquals(TargetKind.WEBHOOK, b.build().target());
    }

    @Test
    void shouldRouteBySeverityFromFilesAndTheEnvironment() throws IOException {
        Files.writeString(dir.resolve("key-b"), "key-b-0123\n");

        final BridgeConfig c = load(String.join("\n",
            "pagerduty:",
            "  routing_key_env: PD_DEFAULT",
            "  url: https://events.eu.pagerduty.com/v2/enqueue",
            "  routing:",
            "    critical: {env: PD_A}",
            "    warning: {file: key-b}",
            "    info: drop",
            ""), TargetKind.PAGERDUTY, Map.of("PD_DEFAULT", "key-default", "PD_A", "key-a-0123"));

        assertEquals("key-a-0123", c.pagerDutyRoute("critical").reveal());
        assertEquals("key-default", c.pagerDutyRoute("error").reveal());
        assertEquals("key-b-0123", c.pagerDutyRoute("warning").reveal());
        assertNull(c.pagerDutyRoute("info"));
        assertEquals("events.eu.pagerduty.com", c.url().getHost());
    }

    @Test
    void shouldRejectAnUnknownKeyWithFileAndLine() throws IOException {
        final String m = error("topic: a\nwebhook:\n  url: http://x/\n  retries: 3\n", TargetKind.WEBHOOK);

        assertTrue(m.startsWith(dir.resolve("bridge.yml") + ":4: unknown key 'webhook.retries'"), m);
        assertTrue(m.contains("expected one of"), m);
    }

    @Test
    void shouldRefuseSecretsWrittenIntoTheFile() throws IOException {
        final String m = error("pagerduty:\n  routing_key: abc123\n", TargetKind.PAGERDUTY);

        assertTrue(m.endsWith(":2: unknown key 'pagerduty.routing_key' (routing keys are secrets: use"
            + " routing_key_file or routing_key_env)"), m);
        assertTrue(error("slack:\n  url: https://hooks.slack.com/x\n", TargetKind.SLACK)
            .contains("a Slack webhook URL is a secret"));
    }

    @Test
    void shouldReportBadValuesWithTheirLine() throws IOException {
        assertTrue(error("rate: 30\nmax_age: soon\n", TargetKind.WEBHOOK).contains(":2: max_age: 'soon' is not a"
            + " duration"));
        assertTrue(error("burst: 0\n", TargetKind.WEBHOOK).contains(":1: burst must be at least 1"));
        assertTrue(error("pagerduty:\n  routing:\n    critical: {env: NOPE_NOT_SET}\n", TargetKind.PAGERDUTY)
            .contains(":3: env: environment variable NOPE_NOT_SET is not set"));
        assertTrue(error("pagerduty:\n  routing:\n    fatal: drop\n", TargetKind.PAGERDUTY)
            .contains(":3: unknown severity 'fatal'"));
        assertTrue(error("topic: [a\n", TargetKind.WEBHOOK).contains(": invalid YAML"));
        assertTrue(error("topic: a\ntopic: b\n", TargetKind.WEBHOOK).contains(":2: duplicate key 'topic'"));
        assertTrue(error("webhook:\n  hmac_secret_file: missing.txt\n", TargetKind.WEBHOOK)
            .contains(":2: cannot read secret file"));
    }
}
