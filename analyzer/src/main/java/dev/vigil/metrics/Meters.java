package dev.vigil.metrics;

import dev.vigil.engine.Stats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Every meter Vigil exports: its name, its tags and where its value comes from. docs/metrics.md lists them with
 * their Prometheus names; a test holds the two to each other.
 *
 * <p>Names follow {@code vigil.<noun>.<verb>} (Micrometer dots; the Prometheus registry turns
 * {@code vigil.records.read} into {@code vigil_records_read_total}). Tag values come from bounded sets only —
 * sources, reason codes, signature and rule ids, severities, statuses — never hosts' clients, users or paths.
 *
 * <p>The engine counts into {@link Stats} (plain, thread-safe, no Micrometer on the hot path); {@link #bind}
 * publishes those cells as function counters and gauges that read the engine's counts at scrape time.
 */
public final class Meters implements AutoCloseable {

    /** Lines or records read, by {@code source}. */
    public static final String RECORDS_READ = "vigil.records.read";
    /** Entries parsed, by {@code source}. */
    public static final String RECORDS_PARSED = "vigil.records.parsed";
    /** Records dead-lettered, by {@code source} and {@code reason}. */
    public static final String RECORDS_DEADLETTERED = "vigil.records.deadlettered";
    /** Lines cut at the maximum entry length. */
    public static final String RECORDS_TRUNCATED = "vigil.records.truncated";
    /** Records that arrived after a stage's event-time clock had passed them, by {@code stage}. */
    public static final String RECORDS_LATE = "vigil.records.late";
    /** Entries a bounded cache forgot, by {@code cache}. */
    public static final String CACHE_EVICTED = "vigil.cache.evicted";
    /** Signature matches, by {@code signature}. */
    public static final String SIGNATURES_MATCHED = "vigil.signatures.matched";
    /** Alerts emitted, by {@code name}, {@code severity} and {@code status}. */
    public static final String ALERTS_EMITTED = "vigil.alerts.emitted";
    /** Alert episodes open now, by {@code name} and {@code severity} (gauge). */
    public static final String ALERTS_OPEN = "vigil.alerts.open";
    /** A rule's current value, by {@code rule} and {@code group} (gauge). */
    public static final String RULE_VALUE = "vigil.rule.value";
    /** A rule's threshold, by {@code rule} (gauge). */
    public static final String RULE_THRESHOLD = "vigil.rule.threshold";
    /** Always 1, with the {@code version} and {@code pack_version} tags (gauge). */
    public static final String BUILD_INFO = "vigil.build.info";
    /** 1 when the process would answer /readyz with 200, else 0 (gauge). */
    public static final String READY = "vigil.ready";

    /** Alerts by delivery outcome, by {@code target} and {@code outcome} (the bridge). */
    public static final String BRIDGE_DELIVERIES = "vigil.bridge.deliveries";
    /** Failed requests that will be retried, by {@code target} and {@code reason} (the bridge). */
    public static final String BRIDGE_RETRIES = "vigil.bridge.retries";
    /** Time of one HTTP request to the target, by {@code target} (the bridge; a timer). */
    public static final String BRIDGE_LATENCY = "vigil.bridge.delivery.latency";
    /** Alerts written to the bridge's dead-letter topic, by {@code target} and {@code reason}. */
    public static final String BRIDGE_DEADLETTERS = "vigil.bridge.deadletters";
    /** HTTP requests made, by {@code target} and {@code kind} (the bridge). */
    public static final String BRIDGE_REQUESTS = "vigil.bridge.requests";
    /** Alerts read and not yet settled, by {@code target} (the bridge; gauge). */
    public static final String BRIDGE_PENDING = "vigil.bridge.pending";

    private static final Map<Stats.Kind, String[]> ENGINE = new EnumMap<>(Stats.Kind.class);

    static {
        ENGINE.put(Stats.Kind.READ, new String[] {RECORDS_READ, "Lines or records read, by source"});
        ENGINE.put(Stats.Kind.PARSED, new String[] {RECORDS_PARSED, "Entries parsed, by source"});
        ENGINE.put(Stats.Kind.DEAD_LETTERED, new String[] {RECORDS_DEADLETTERED,
            "Records sent to the dead-letter output, by source and reason"});
        ENGINE.put(Stats.Kind.TRUNCATED, new String[] {RECORDS_TRUNCATED, "Lines cut at the maximum entry length"});
        ENGINE.put(Stats.Kind.LATE, new String[] {RECORDS_LATE,
            "Records that arrived after the event-time clock of a stage had passed them"});
        ENGINE.put(Stats.Kind.EVICTED, new String[] {CACHE_EVICTED,
            "Entries a bounded in-memory cache forgot to stay within its bound"});
        ENGINE.put(Stats.Kind.MATCHED, new String[] {SIGNATURES_MATCHED, "Signature matches, by signature"});
        ENGINE.put(Stats.Kind.ALERTED, new String[] {ALERTS_EMITTED,
            "Alerts emitted (firing, renotified, resolved), by name, severity and status"});
        ENGINE.put(Stats.Kind.OPEN, new String[] {ALERTS_OPEN, "Alert episodes open now, by name and severity"});
        ENGINE.put(Stats.Kind.RULE_VALUE, new String[] {RULE_VALUE, "Current value of a rule, by rule and group"});
        ENGINE.put(Stats.Kind.RULE_THRESHOLD, new String[] {RULE_THRESHOLD, "Threshold of a rule"});
    }

    private final MeterRegistry registry;
    private final List<AutoCloseable> binders = new ArrayList<>();

    /** Meters on a registry of the caller's (tests use a {@code SimpleMeterRegistry}). */
    public Meters(final MeterRegistry registry) {
        this.registry = registry;
    }

    /** Meters on a new Prometheus registry, what {@code vigil run}, {@code bridge} and {@code replay} use. */
    public static Meters prometheus() {
        return new Meters(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    }

    /** The Micrometer name of the meter an engine cell is published as. */
    public static String name(final Stats.Kind kind) {
        return ENGINE.get(kind)[0];
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** The registry's metrics in the Prometheus text exposition format (version 0.0.4). */
    public String scrape() {
        if (!(registry instanceof PrometheusMeterRegistry)) {
            throw new IllegalStateException("not a Prometheus registry: " + registry.getClass().getSimpleName());
        }
        return ((PrometheusMeterRegistry) registry).scrape();
    }

    /** Publishes the engine's counters and gauges: those it has now and every one it adds later. */
    public Meters bind(final Stats stats) {
        stats.observe(this::publish);
        return this;
    }

    private void publish(final Stats.Cell cell) {
        final String[] meta = ENGINE.get(cell.kind());
        final List<String> names = cell.kind().labels();
        final List<String> values = cell.labels();
        Tags tags = Tags.empty();
        for (int i = 0; i < names.size(); i++) {
            tags = tags.and(names.get(i), values.get(i));
        }
        if (cell.kind().gauge()) {
            Gauge.builder(meta[0], cell, Stats.Cell::value).description(meta[1]).tags(tags).strongReference(true)
                .register(registry);
        } else {
            FunctionCounter.builder(meta[0], cell, Stats.Cell::value).description(meta[1]).tags(tags)
                .register(registry);
        }
    }

    /** JVM and process meters: memory, GC, threads, class loading, CPU, uptime. */
    public Meters bindJvm() {
        new JvmMemoryMetrics().bindTo(registry);
        final JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        binders.add(gc);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        return this;
    }

    /** {@code vigil_build_info{version, pack_version} 1}; pack_version is "none" for processes without a pack. */
    public Meters buildInfo(final String version, final String packVersion) {
        Gauge.builder(BUILD_INFO, () -> 1).description("Vigil's version and its pattern pack's version")
            .tags("version", version, "pack_version", packVersion == null ? "none" : packVersion)
            .strongReference(true).register(registry);
        return this;
    }

    /** {@code vigil_ready}: 1 while {@code ready} says so (the same answer as /readyz). */
    public Meters ready(final BooleanSupplier ready) {
        Gauge.builder(READY, () -> ready.getAsBoolean() ? 1 : 0)
            .description("1 when this process is ready (the Kafka Streams application RUNNING), else 0")
            .strongReference(true).register(registry);
        return this;
    }

    /**
     * The Kafka Streams client's own metrics (stream threads, tasks, and its consumers' and producers' metrics,
     * consumer lag among them) as {@code kafka_*} meters, until {@link #close}.
     */
    public Meters bindStreams(final KafkaStreams streams) {
        final KafkaStreamsMetrics m = new KafkaStreamsMetrics(streams, Tags.empty(), new Refresher());
        m.bindTo(registry);
        binders.add(m);
        return this;
    }

    /**
     * The binder's scheduler. Kafka clients create metrics as they go (a partition's lag once it is assigned and
     * fetched), and the binder looks for new ones on a fixed schedule it offers no setting for: once a minute, so
     * after a rebalance a dashboard would miss the lag of new partitions for up to a minute. This scheduler runs
     * that look-up every {@link #REFRESH} instead; it is a scan of the clients' metric map, cheap at that rate.
     */
    static final class Refresher extends java.util.concurrent.ScheduledThreadPoolExecutor {
        static final java.time.Duration REFRESH = java.time.Duration.ofSeconds(10);

        Refresher() {
            super(1, r -> {
                final Thread t = new Thread(r, "vigil-kafka-metrics-refresh");
                t.setDaemon(true);
                return t;
            });
        }

        @Override
        public java.util.concurrent.ScheduledFuture<?> scheduleAtFixedRate(final Runnable command,
                                                                           final long initialDelay,
                                                                           final long period,
                                                                           final java.util.concurrent.TimeUnit unit) {
            final long ms = Math.min(unit.toMillis(period), REFRESH.toMillis());
            return super.scheduleAtFixedRate(command, Math.min(unit.toMillis(initialDelay), ms), ms,
                java.util.concurrent.TimeUnit.MILLISECONDS);
        }
    }

    /** Stops the binders that run threads or listeners (GC notifications, the Kafka metrics refresher). */
    @Override
    public void close() {
        for (final AutoCloseable b : binders) {
            try {
                b.close();
            } catch (final Exception e) {
                // closing a binder only stops its refresh; nothing to report
            }
        }
        binders.clear();
    }
}
