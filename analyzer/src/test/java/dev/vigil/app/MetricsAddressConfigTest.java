package dev.vigil.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class MetricsAddressConfigTest {
    @TempDir
    Path dir;

    private VigilConfig load(final String yaml) throws Exception {
        return VigilConfig.load(Files.writeString(dir.resolve("vigil.yml"), yaml));
    }

    @Test
    void shouldDefaultToLoopback9464() {
        assertEquals(new InetSocketAddress("127.0.0.1", 9464), new VigilConfig().metricsSocket());
    }

    @Test
    void shouldReadTheAddressFromYamlAndTurnItOff() throws Exception {
        assertEquals(new InetSocketAddress(9464), load("metrics:\n  address: ':9464'\n").metricsSocket());
        assertEquals(new InetSocketAddress("0.0.0.0", 9500), load("metrics:\n  address: 0.0.0.0:9500\n").metricsSocket());
        assertNull(load("metrics:\n  address: off\n").metricsSocket());
    }

    @Test
    void shouldLoadTheExampleConfigWithItsMetricsAddress() {
        final VigilConfig c = VigilConfig.load(dev.vigil.metrics.PromText.root().resolve("config/vigil.example.yml"));
        assertEquals(new InetSocketAddress("127.0.0.1", 9464), c.metricsSocket());
    }

    @Test
    void shouldNameFileAndLineOfABadAddress() {
        final UserError e = assertThrows(UserError.class, () -> load("application_id: a\nmetrics:\n  address: web:x\n"));
        assertEquals(dir.resolve("vigil.yml") + ":3: metrics address 'web:x' must be HOST:PORT or off", e.getMessage());
    }

    @Test
    void shouldLetTheEnvironmentAndThenTheFlagOverrideTheFile() throws Exception {
        final Path file = Files.writeString(dir.resolve("v.yml"), "metrics:\n  address: 127.0.0.1:9000\n");
        final VigilConfig c = VigilConfig.load(file);
        c.applyEnv(Map.of("VIGIL_METRICS_ADDRESS", "127.0.0.1:9001"));
        assertEquals(9001, c.metricsSocket().getPort());

        final LiveOptions flags = new LiveOptions();
        new CommandLine(new Holder(flags)).parseArgs("--config", file.toString(), "--metrics-address", "off");
        assertNull(flags.resolve().metricsSocket());
    }

    @Test
    void shouldRejectABadFlagInOneLine() {
        final LiveOptions flags = new LiveOptions();
        new CommandLine(new Holder(flags)).parseArgs("--metrics-address", "nine");
        assertEquals("metrics address 'nine' must be HOST:PORT or off",
            assertThrows(UserError.class, flags::resolve).getMessage());
    }

    /** A command to parse the mixin with. */
    @CommandLine.Command(name = "t")
    static final class Holder {
        @CommandLine.Mixin
        final LiveOptions live;

        Holder(final LiveOptions live) {
            this.live = live;
        }
    }
}
