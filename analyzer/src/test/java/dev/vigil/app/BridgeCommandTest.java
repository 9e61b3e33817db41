package dev.vigil.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.bridge.BridgeConfig;
import dev.vigil.bridge.TargetKind;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class BridgeCommandTest {
    @TempDir
    Path dir;

    private static BridgeCommand parse(final Map<String, String> env, final String... args) {
        final BridgeCommand cmd = new BridgeCommand(env);
        new CommandLine(cmd).parseArgs(args);
        return cmd;
    }

    @Test
    void shouldExplainAMissingRoutingKeyInOneLine() {
        final UserError e = assertThrows(UserError.class, () -> parse(Map.of(), "--to", "pagerduty").resolve());

        assertEquals("no PagerDuty routing key: set VIGIL_PAGERDUTY_ROUTING_KEY or --routing-key-file",
            e.getMessage());
        assertEquals(2, e.exitCode());
    }

    @Test
    void shouldExplainAnUnknownTarget() {
        final UserError e = assertThrows(UserError.class, () -> parse(Map.of(), "--to", "email").resolve());

        assertEquals("unknown target 'email' (use pagerduty, slack or webhook)", e.getMessage());
    }

    @Test
    void shouldBuildAPagerDutyBridgeFromFlagsAndFiles() throws IOException {
        final Path key = Files.writeString(dir.resolve("pd.key"), "file-key-0123\n");

        final BridgeConfig c = parse(Map.of("VIGIL_PAGERDUTY_ROUTING_KEY", "env-key-0123", "PD_WARN", "warn-key-01"),
            "--to", "pagerduty", "--routing-key-file", key.toString(), "--route", "info=drop",
            "--route", "warning=env:PD_WARN", "--url", "https://events.eu.pagerduty.com/v2/enqueue",
            "--bootstrap-servers", "kafka:9092", "--max-age", "30m", "--rate", "12", "--timeout", "3s").resolve();

        assertEquals(TargetKind.PAGERDUTY, c.target());
        assertEquals("file-key-0123", c.pagerDutyRoute("critical").reveal(), "the flag beats the environment");
        assertEquals("warn-key-01", c.pagerDutyRoute("warning").reveal());
        assertNull(c.pagerDutyRoute("info"));
        assertEquals("events.eu.pagerduty.com", c.url().getHost());
        assertEquals("kafka:9092", c.bootstrapServers());
        assertEquals(Duration.ofMinutes(30), c.policy().maxAge());
        assertEquals(12.0, c.policy().ratePerMinute());
        assertEquals(Duration.ofSeconds(3), c.timeout());
        assertEquals("vigil-bridge-pagerduty", c.group());
    }

    @Test
    void shouldLetFlagsOverrideTheEnvironmentAndTheEnvironmentTheFile() throws IOException {
        final Path cfg = Files.writeString(dir.resolve("bridge.yml"),
            "topic: from.file\nwebhook:\n  url: http://file.example/hook\n  receiver: team\n");

        final BridgeConfig c = parse(Map.of("VIGIL_WEBHOOK_URL", "http://env.example/hook"),
            "--to", "webhook", "--config", cfg.toString(), "--topic", "from.flag", "--header", "X-Team=sre",
            "--header", "Authorization=Bearer abc").resolve();

        assertEquals("env.example", c.url().getHost());
        assertEquals("from.flag", c.topic());
        assertEquals("team", c.receiver());
        assertEquals(Map.of("X-Team", "sre", "Authorization", "Bearer abc"), c.headers());
    }

    @Test
    void shouldNeverEchoARoutingKeyGivenOnTheCommandLine() {
        final UserError e = assertThrows(UserError.class, () -> parse(Map.of("VIGIL_PAGERDUTY_ROUTING_KEY", "k-0123"),
            "--to", "pagerduty", "--route", "critical=R0UT1NGKEY").resolve());

        assertFalse(e.getMessage().contains("R0UT1NGKEY"), e.getMessage());
        assertTrue(e.getMessage().contains("routing keys are secrets"), e.getMessage());
        final UserError h = assertThrows(UserError.class, () -> parse(Map.of("VIGIL_WEBHOOK_URL", "http://x/"),
            "--to", "webhook", "--header", "Bearer-s3cr3t").resolve());
        assertFalse(h.getMessage().contains("s3cr3t"), h.getMessage());
    }

    @Test
    void shouldReportConfigFileErrorsWithFileAndLine() throws IOException {
        final Path cfg = Files.writeString(dir.resolve("bad.yml"), "to: slack\nsalck:\n  url_env: X\n");

        final UserError e = assertThrows(UserError.class, () -> parse(Map.of(), "--config", cfg.toString())
            .resolve());

        assertTrue(e.getMessage().startsWith(cfg + ":2: unknown key 'salck'"), e.getMessage());
    }

    @Test
    void shouldExplainAnUnreachableBrokerInOneLine() throws IOException {
        final int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        final Path cfg = Files.writeString(dir.resolve("bridge.yml"), "broker_timeout: 1s\n");
        final BridgeCommand cmd = parse(Map.of("VIGIL_WEBHOOK_URL", "http://127.0.0.1:9/hook"), "--to", "webhook",
            "--config", cfg.toString(), "--bootstrap-servers", "127.0.0.1:" + port);

        final UserError e = assertThrows(UserError.class, cmd::call);

        assertEquals("cannot reach Kafka at 127.0.0.1:" + port + " within 1s — is `vigil run` running? (or use"
            + " --bootstrap-servers)", e.getMessage());
        assertEquals(1, e.exitCode());
    }

    @Test
    void shouldDescribeItsOptions() {
        final String usage = new CommandLine(new BridgeCommand(Map.of())).getUsageMessage();

        for (final String option : new String[] {"--to", "--url", "--bootstrap-servers", "--topic", "--group",
            "--config", "--routing-key-file", "--hmac-secret-file", "--header", "--timeout", "--max-age", "--rate"}) {
            assertTrue(usage.contains(option), option);
        }
    }
}
