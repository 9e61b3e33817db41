package dev.vigil.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.engine.Stats;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class MetricsServerTest {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private HttpResponse<String> get(final MetricsServer s, final String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(s.url() + path)).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldServeMetricsHealthAndReadinessOnOnePort() throws Exception {
        final Stats stats = new Stats();
        stats.read("nginx");
        stats.read("nginx");
        final AtomicReference<String> notReady = new AtomicReference<>("streams REBALANCING");
        try (Meters meters = Meters.prometheus().buildInfo("1.2.3", "0.4.0").bind(stats);
             MetricsServer s = MetricsServer.start(new InetSocketAddress("127.0.0.1", 0),
                 (PrometheusMeterRegistry) meters.registry(), notReady::get)) {
            assertTrue(s.address().getPort() > 0);

            final HttpResponse<String> metrics = get(s, "/metrics");
            assertEquals(200, metrics.statusCode());
            assertTrue(metrics.body().contains("vigil_records_read_total{source=\"nginx\",} 2.0"), metrics.body());
            assertTrue(metrics.body().contains("vigil_build_info{pack_version=\"0.4.0\",version=\"1.2.3\",} 1.0"));

            assertEquals(200, get(s, "/healthz").statusCode());
            final HttpResponse<String> before = get(s, "/readyz");
            assertEquals(503, before.statusCode());
            assertEquals("not ready: streams REBALANCING\n", before.body());

            notReady.set(null);
            assertEquals(200, get(s, "/readyz").statusCode());
        }
    }

    @Test
    void shouldSayWhenTheAddressIsTaken() throws Exception {
        try (Meters meters = Meters.prometheus();
             MetricsServer first = MetricsServer.start(new InetSocketAddress("127.0.0.1", 0),
                 (PrometheusMeterRegistry) meters.registry(), () -> null)) {
            assertThrows(java.io.IOException.class, () -> MetricsServer.start(first.address(),
                (PrometheusMeterRegistry) meters.registry(), () -> null));
        }
    }

    @Test
    void shouldParseAddressesAndOff() {
        assertEquals(new InetSocketAddress("127.0.0.1", 9464), MetricsServer.parse(MetricsServer.DEFAULT_ADDRESS));
        assertEquals(new InetSocketAddress(9464), MetricsServer.parse(":9464"));
        assertEquals(new InetSocketAddress("127.0.0.1", 9500), MetricsServer.parse("9500"));
        assertEquals(new InetSocketAddress("::1", 9464), MetricsServer.parse("[::1]:9464"));
        assertNull(MetricsServer.parse("off"));
        assertNull(MetricsServer.parse("OFF"));
        assertEquals("metrics address 'localhost:http' must be HOST:PORT or off",
            assertThrows(IllegalArgumentException.class, () -> MetricsServer.parse("localhost:http")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> MetricsServer.parse("::1:9464"));
        assertThrows(IllegalArgumentException.class, () -> MetricsServer.parse("127.0.0.1:70000"));
    }
}
