package dev.vigil.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.prometheus.client.exporter.HTTPServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The HTTP endpoint of a Vigil process (live analysis or a bridge): {@code /metrics} in the Prometheus text format
 * (gzip and {@code name[]} filtering included), {@code /healthz} (200 while the process is up) and {@code /readyz}
 * (200 when {@link Readiness} says so, 503 with the reason otherwise).
 *
 * <p>The Prometheus simpleclient's {@link HTTPServer} serves {@code /metrics}; it is given a JDK
 * {@link HttpServer} of ours so that the two probe paths live on the same port. Its handler threads are daemons:
 * the server never keeps a stopping process alive.
 */
public final class MetricsServer implements AutoCloseable {

    /** The default address of {@code vigil run}: loopback only, so nothing is exposed by accident. */
    public static final String DEFAULT_ADDRESS = "127.0.0.1:9464";

    /** Why a process is not ready, or null when it is. */
    @FunctionalInterface
    public interface Readiness {
        /** Null when ready; else a short reason ("streams REBALANCING"). */
        String notReady();
    }

    private final HTTPServer prometheus;
    private final InetSocketAddress address;

    private MetricsServer(final HTTPServer prometheus, final InetSocketAddress address) {
        this.prometheus = prometheus;
        this.address = address;
    }

    /**
     * Parses an address setting.
     *
     * @param text {@code HOST:PORT}, {@code [IPv6]:PORT}, {@code :PORT} (all interfaces), {@code PORT} (loopback),
     *             or {@code off}
     * @return the address, or null for {@code off}
     * @throws IllegalArgumentException naming what is wrong
     */
    public static InetSocketAddress parse(final String text) {
        final String t = text == null ? "" : text.trim();
        final String lower = t.toLowerCase(Locale.ROOT);
        if (t.isEmpty() || "off".equals(lower) || "false".equals(lower)) { // YAML 1.1 readers may say false
            return null;
        }
        final int colon = t.lastIndexOf(':');
        String host = colon < 0 ? "127.0.0.1" : t.substring(0, colon);
        final String port = colon < 0 ? t : t.substring(colon + 1);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            throw new IllegalArgumentException("metrics address '" + text + "': write IPv6 hosts in brackets, "
                + "e.g. [::1]:9464");
        }
        final int p;
        try {
            p = Integer.parseInt(port);
        } catch (final NumberFormatException e) {
            throw new IllegalArgumentException("metrics address '" + text + "' must be HOST:PORT or off");
        }
        if (p < 0 || p > 65_535) {
            throw new IllegalArgumentException("metrics address '" + text + "': port " + p + " is out of range");
        }
        return host.isEmpty() ? new InetSocketAddress(p) : new InetSocketAddress(host, p);
    }

    /**
     * Starts serving {@code registry} on {@code address}.
     *
     * @throws IOException when the address cannot be bound (in use, not local)
     */
    public static MetricsServer start(final InetSocketAddress address, final PrometheusMeterRegistry registry,
                                      final Readiness readiness) throws IOException {
        final HttpServer http = HttpServer.create(address, 16);
        http.createContext("/healthz", exchange -> reply(exchange, 200, "ok\n"));
        http.createContext("/readyz", exchange -> {
            final String why = readiness.notReady();
            reply(exchange, why == null ? 200 : 503, why == null ? "ready\n" : "not ready: " + why + "\n");
        });
        final HTTPServer prometheus = new HTTPServer.Builder().withHttpServer(http)
            .withRegistry(registry.getPrometheusRegistry()).withDaemonThreads(true).build();
        return new MetricsServer(prometheus, new InetSocketAddress(address.getAddress(), prometheus.getPort()));
    }

    private static void reply(final HttpExchange exchange, final int status, final String body) throws IOException {
        try (exchange) {
            final String method = exchange.getRequestMethod();
            if (!"GET".equals(method) && !"HEAD".equals(method)) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            final byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            if ("HEAD".equals(method)) {
                exchange.sendResponseHeaders(status, -1);
                return;
            }
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    /** The bound address (its port is the real one when port 0 was asked for). */
    public InetSocketAddress address() {
        return address;
    }

    /** {@code http://host:port}, for log lines. */
    public String url() {
        final String host = address.getAddress() == null ? address.getHostString()
            : address.getAddress().isAnyLocalAddress() ? "0.0.0.0" : address.getAddress().getHostAddress();
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    @Override
    public void close() {
        prometheus.close();
    }
}
