package dev.vigil.app;

import dev.vigil.metrics.Meters;
import dev.vigil.metrics.MetricsServer;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts the metrics server of a command, turning a bind failure into one line for the person who ran it. */
final class MetricsEndpoint {
    private static final Logger LOG = LoggerFactory.getLogger(MetricsEndpoint.class);

    private MetricsEndpoint() {
    }

    /**
     * @param address where to listen, or null for no server
     * @param flag    the setting to name in an error ("--metrics-address")
     * @return the running server, or null when {@code address} is null
     */
    static MetricsServer start(final InetSocketAddress address, final Meters meters,
                               final MetricsServer.Readiness readiness, final String flag) {
        if (address == null) {
            return null;
        }
        try {
            final MetricsServer s = MetricsServer.start(address, (PrometheusMeterRegistry) meters.registry(),
                readiness);
            LOG.debug("metrics on {}/metrics (probes: /healthz, /readyz)", s.url());
            return s;
        } catch (final IOException e) {
            throw new UserError("cannot serve metrics on " + address.getHostString() + ":" + address.getPort() + ": "
                + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
                + " (choose another with " + flag + ", or off)", 1);
        }
    }
}
