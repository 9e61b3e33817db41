package dev.vigil.bridge;

import dev.vigil.metrics.Meters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Every meter of the bridge, in one place; their names are {@link Meters}'. Tag values come from bounded sets only:
 * {@code target} is one of three ids, {@code outcome} one of four, {@code reason} one of the codes listed in
 * docs/bridges.md.
 */
final class BridgeMeters {
    static final String DELIVERIES = Meters.BRIDGE_DELIVERIES;
    static final String RETRIES = Meters.BRIDGE_RETRIES;
    static final String LATENCY = Meters.BRIDGE_LATENCY;
    static final String DEADLETTERS = Meters.BRIDGE_DEADLETTERS;
    static final String REQUESTS = Meters.BRIDGE_REQUESTS;
    static final String PENDING = Meters.BRIDGE_PENDING;

    /** Per-alert outcomes. */
    enum Outcome {
        DELIVERED("delivered"), RETRIED("retried"), DEAD_LETTERED("dead_lettered"), DROPPED("dropped");

        final String tag;

        Outcome(final String tag) {
            this.tag = tag;
        }
    }

    private final MeterRegistry registry;
    private final String target;
    private final Map<Outcome, Counter> deliveries = new ConcurrentHashMap<>();
    private final Map<String, Counter> retries = new ConcurrentHashMap<>();
    private final Map<String, Counter> deadletters = new ConcurrentHashMap<>();
    private final Map<String, Counter> requests = new ConcurrentHashMap<>();
    private final Timer latency;

    BridgeMeters(final MeterRegistry registry, final TargetKind target) {
        this.registry = registry;
        this.target = target.id();
        this.latency = Timer.builder(LATENCY).description("Time of one HTTP request to the target")
            .tag("target", this.target).register(registry);
        for (final Outcome o : Outcome.values()) {
            deliveries.put(o, Counter.builder(DELIVERIES).description("Alerts by delivery outcome")
                .tag("target", this.target).tag("outcome", o.tag).register(registry));
        }
        // Series that exist at zero from the start: Prometheus' increase() cannot see the first increment of a
        // series that appears at 1, and these are what alerting rules watch (deploy/prometheus/vigil_alerts.yml).
        for (final String reason : new String[] {"http_429", "http_408", "http_5xx", "timeout", "io"}) {
            retries.computeIfAbsent(reason, this::retryCounter);
        }
        for (final String reason : new String[] {"max_age", "rejected", "invalid_alert"}) {
            deadletters.computeIfAbsent(reason, this::deadLetterCounter);
        }
        for (final String kind : new String[] {"single", "grouped"}) {
            requests.computeIfAbsent(kind, this::requestCounter);
        }
    }

    private Counter retryCounter(final String reason) {
        return Counter.builder(RETRIES).description("Failed requests retried later")
            .tag("target", target).tag("reason", reason).register(registry);
    }

    private Counter deadLetterCounter(final String reason) {
        return Counter.builder(DEADLETTERS).description("Alerts written to the bridge dead-letter topic")
            .tag("target", target).tag("reason", reason).register(registry);
    }

    private Counter requestCounter(final String kind) {
        return Counter.builder(REQUESTS).description("HTTP requests made").tag("target", target).tag("kind", kind)
            .register(registry);
    }

    void delivery(final Outcome outcome, final int alerts) {
        deliveries.get(outcome).increment(alerts);
    }

    /** One failed request that will be retried, by reason code. */
    void retry(final String reason) {
        retries.computeIfAbsent(reason, this::retryCounter).increment();
    }

    void deadLetter(final String reason) {
        deadletters.computeIfAbsent(reason, this::deadLetterCounter).increment();
    }

    /** One HTTP request made, {@code single} or {@code grouped}. */
    void request(final boolean grouped) {
        final String kind = grouped ? "grouped" : "single";
        requests.computeIfAbsent(kind, this::requestCounter).increment();
    }

    void pendingGauge(final Supplier<Number> pending) {
        Gauge.builder(PENDING, pending).description("Alerts read and not yet settled")
            .tag("target", target).strongReference(true).register(registry);
    }

    Timer latency() {
        return latency;
    }
}
