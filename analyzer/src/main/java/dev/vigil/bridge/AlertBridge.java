package dev.vigil.bridge;

import dev.vigil.alert.Alert;
import dev.vigil.alert.AlertJson;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.DoubleSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One bridge: a consumer in its own group on the alerts topic that delivers every alert to one target and commits
 * an alert's offset only once it was delivered, dropped by configuration, or written to the dead-letter topic.
 *
 * <pre>{@code
 * try (AlertBridge bridge = AlertBridge.create(config, registry)) {
 *     bridge.run();          // until close() from another thread (e.g. a shutdown hook)
 * }
 * }</pre>
 *
 * <h2>Guarantees</h2>
 * At least once to the endpoint: an alert whose delivery has not been settled when the bridge stops (crash,
 * SIGTERM, rebalance) is not committed and is delivered again by the next owner of its partition. The targets
 * deduplicate by key: PagerDuty by {@code dedup_key} (the alert id), Alertmanager receivers by
 * {@code fingerprint}. Slack has no key, so a restart in the middle of a delivery may post a message twice.
 * Updates of one alert id are delivered in the order they were written.
 *
 * <h2>Dead letters</h2>
 * Written to {@link BridgeConfig#deadLetterTopic()} with the original key, value and headers, plus headers
 * {@code vigil.reason} ({@code max_age}, {@code rejected}, {@code invalid_alert}), {@code vigil.error},
 * {@code vigil.target}, {@code vigil.attempts}, {@code vigil.source.topic}, {@code vigil.source.partition} and
 * {@code vigil.source.offset}. The bridge creates the topic if it is missing.
 */
public final class AlertBridge implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AlertBridge.class);
    private static final long MAX_POLL_MS = 500;
    private static final long ROUND_BUDGET_MS = 10_000;
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private final BridgeConfig config;
    private final Clock clock;
    private final Masker masker;
    private final BridgeMeters meters;
    private final Dispatcher dispatcher;
    private final OffsetTracker offsets = new OffsetTracker();
    private final AtomicBoolean closing = new AtomicBoolean();
    private final AtomicBoolean started = new AtomicBoolean();
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Set<TopicPartition> assigned = new HashSet<>();
    private final Map<TopicPartition, OffsetAndMetadata> uncommitted = new HashMap<>();
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private KafkaProducer<byte[], byte[]> producer;
    private boolean paused;

    private AlertBridge(final BridgeConfig config, final MeterRegistry registry, final Clock clock,
                        final DoubleSupplier random) {
        this.config = config;
        this.clock = clock;
        this.masker = new Masker(config.secrets());
        this.meters = new BridgeMeters(registry, config.target());
        final Target target = targetFor(config);
        final Sender sender = new HttpSender(config.timeout(), clock, masker, meters.latency());
        this.dispatcher = new Dispatcher(target, config.policy(), sender, clock, random, meters, this::deadLetter,
            p -> offsets.settle(p.partition, p.record.offset()));
        meters.pendingGauge(dispatcher::size);
    }

    /**
     * A bridge for the config; connects nothing yet.
     *
     * @param registry where the meters go; null for a private {@link SimpleMeterRegistry}
     */
    public static AlertBridge create(final BridgeConfig config, final MeterRegistry registry) {
        return new AlertBridge(config, registry == null ? new SimpleMeterRegistry() : registry, Clock.systemUTC(),
            () -> ThreadLocalRandom.current().nextDouble());
    }

    static Target targetFor(final BridgeConfig config) {
        switch (config.target()) {
            case PAGERDUTY:
                return new PagerDutyTarget(config.url(), config::pagerDutyRoute, config.pagerDutyClient(),
                    config.pagerDutyClientUrl(), 100_000);
            case SLACK:
                return new SlackTarget(config.url());
            default:
                return new WebhookTarget(config.url(), config.headers(), config.hmacSecret(), config.receiver(),
                    config.externalUrl());
        }
    }

    /**
     * Runs the bridge on this thread until {@link #close()}.
     *
     * @throws BridgeException when the broker cannot be reached at start, or a dead letter cannot be written
     */
    public void run() {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("a bridge runs once");
        }
        try {
            checkBroker();
            producer = new KafkaProducer<>(producerProperties(), new ByteArraySerializer(), new ByteArraySerializer());
            consumer = new KafkaConsumer<>(consumerProperties(), new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
            if (closing.get()) {
                return;
            }
            LOG.info("{}", config);
            loop();
        } finally {
            shutdown();
            finished.countDown();
        }
    }

    /** Runs the bridge on a new thread; returns at once. */
    public Thread start() {
        final Thread t = new Thread(() -> {
            try {
                run();
            } catch (final RuntimeException e) {
                LOG.error("bridge to {} stopped: {}", config.target().id(), masker.mask(e.getMessage()));
            }
        }, "vigil-bridge-" + config.target().id());
        t.start();
        return t;
    }

    /** Stops polling, commits what was settled, and returns once the bridge has stopped (at most a few seconds). */
    @Override
    public void close() {
        closing.set(true);
        final KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        if (started.get()) {
            try {
                if (!finished.await(config.timeout().toMillis() + 10_000, TimeUnit.MILLISECONDS)) {
                    LOG.warn("bridge to {} did not stop in time", config.target().id());
                }
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Whether the bridge is consuming: connected, its loop running, not stopping (its /readyz). */
    public boolean running() {
        return consumer != null && !closing.get() && finished.getCount() > 0;
    }

    /** Partitions this bridge owns now (for tests and diagnostics). */
    synchronized Set<TopicPartition> assignment() {
        return Set.copyOf(assigned);
    }

    private void checkBroker() {
        final Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, "vigil-bridge-" + config.target().id() + "-admin");
        final int ms = (int) config.brokerTimeout().toMillis();
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, ms);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ms);
        try (Admin admin = Admin.create(p)) {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs(ms)).nodes().get(ms + 1000L,
                TimeUnit.MILLISECONDS);
            ensureDeadLetterTopic(admin, ms);
        } catch (final ExecutionException | TimeoutException | KafkaException e) {
            throw new BridgeException("cannot reach Kafka at " + config.bootstrapServers() + " within "
                + config.brokerTimeout().toSeconds() + "s — is `vigil run` running? (or use --bootstrap-servers)", e);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BridgeException("interrupted while connecting to Kafka", e);
        }
    }

    private void ensureDeadLetterTopic(final Admin admin, final int ms) throws InterruptedException {
        try {
            admin.createTopics(List.of(new NewTopic(config.deadLetterTopic(), Optional.empty(), Optional.empty())))
                .all().get(ms, TimeUnit.MILLISECONDS);
            LOG.info("created dead-letter topic {}", config.deadLetterTopic());
        } catch (final ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                LOG.warn("cannot create dead-letter topic {} ({}); dead letters need it to exist",
                    config.deadLetterTopic(), e.getCause() == null ? e : e.getCause().getClass().getSimpleName());
            }
        } catch (final TimeoutException e) {
            LOG.warn("no answer when creating dead-letter topic {}", config.deadLetterTopic());
        }
    }

    private Properties consumerProperties() {
        final Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, config.group());
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, config.group() + "-consumer");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, config.fromLatest() ? "latest" : "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500);
        return p;
    }

    private Properties producerProperties() {
        final Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ProducerConfig.CLIENT_ID_CONFIG, config.group() + "-deadletter");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        return p;
    }

    private void loop() {
        consumer.subscribe(List.of(config.topic()), new Rebalance());
        try {
            while (!closing.get()) {
                final long wake = dispatcher.nextWakeup();
                final long now = clock.millis();
                final long wait = wake == Long.MAX_VALUE ? MAX_POLL_MS : Math.max(0, Math.min(MAX_POLL_MS, wake - now));
                final ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(wait));
                for (final ConsumerRecord<byte[], byte[]> r : records) {
                    accept(r);
                }
                dispatcher.runDue(closing::get, ROUND_BUDGET_MS);
                flowControl();
                commit();
            }
        } catch (final WakeupException e) {
            if (!closing.get()) {
                throw e;
            }
        }
    }

    private void accept(final ConsumerRecord<byte[], byte[]> r) {
        final TopicPartition tp = new TopicPartition(r.topic(), r.partition());
        offsets.track(tp, r.offset());
        if (r.value() == null) {
            meters.delivery(BridgeMeters.Outcome.DROPPED, 1);
            offsets.settle(tp, r.offset());
            return;
        }
        final Alert alert;
        try {
            alert = AlertJson.read(new String(r.value(), StandardCharsets.UTF_8));
        } catch (final RuntimeException e) {
            deadLetter(r, "invalid_alert", LogText.line(e.getMessage(), 300), 0);
            meters.deadLetter("invalid_alert");
            meters.delivery(BridgeMeters.Outcome.DEAD_LETTERED, 1);
            LOG.warn("dead-lettered record {}-{}@{}: not a vigil.alert/v1 alert", r.topic(), r.partition(),
                r.offset());
            offsets.settle(tp, r.offset());
            return;
        }
        dispatcher.add(r, alert);
    }

    /** Pauses reading while too much is pending, so memory stays bounded whatever the backlog. */
    private void flowControl() {
        final int pending = dispatcher.size();
        if (!paused && pending >= config.maxPending()) {
            consumer.pause(consumer.assignment());
            paused = true;
            LOG.warn("{} alerts pending for {}; pausing reads until deliveries catch up", pending,
                config.target().id());
        } else if (paused && pending < config.maxPending() / 2) {
            consumer.resume(consumer.paused());
            paused = false;
        }
    }

    private void commit() {
        final Map<TopicPartition, OffsetAndMetadata> m = new HashMap<>(uncommitted);
        m.putAll(offsets.committable());
        if (m.isEmpty()) {
            return;
        }
        try {
            consumer.commitSync(m);
            uncommitted.clear();
        } catch (final WakeupException e) {
            uncommitted.putAll(m);
            throw e;
        } catch (final KafkaException e) {
            // a rebalance took the partitions, or the broker is away: they will be delivered again by their owner
            uncommitted.putAll(m);
            uncommitted.keySet().retainAll(assigned);
            LOG.warn("commit failed ({}); will retry", e.getClass().getSimpleName());
        }
    }

    private void shutdown() {
        final KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            try {
                commit();
            } catch (final RuntimeException e) {
                LOG.warn("final commit failed ({}); unsettled alerts will be delivered again",
                    e.getClass().getSimpleName());
            }
            try {
                c.close(CLOSE_TIMEOUT);
            } catch (final RuntimeException e) {
                LOG.warn("closing the consumer: {}", e.getClass().getSimpleName());
            }
        }
        if (producer != null) {
            producer.close(CLOSE_TIMEOUT);
        }
        final int left = offsets.unsettled();
        if (left > 0) {
            LOG.info("bridge to {} stopped with {} alert(s) not yet delivered; they will be delivered on restart",
                config.target().id(), left);
        }
    }

    private void deadLetter(final ConsumerRecord<byte[], byte[]> r, final String reason, final String detail,
                            final int attempts) {
        if (r == null) {
            return;
        }
        final RecordHeaders h = new RecordHeaders();
        for (final Header header : r.headers()) {
            h.add(header);
        }
        h.add("vigil.reason", utf8(reason));
        h.add("vigil.error", utf8(LogText.line(masker.mask(detail), 1000)));
        h.add("vigil.target", utf8(config.target().id()));
        h.add("vigil.attempts", utf8(Integer.toString(attempts)));
        h.add("vigil.source.topic", utf8(r.topic()));
        h.add("vigil.source.partition", utf8(Integer.toString(r.partition())));
        h.add("vigil.source.offset", utf8(Long.toString(r.offset())));
        try {
            producer.send(new ProducerRecord<>(config.deadLetterTopic(), null, r.key(), r.value(), h))
                .get(30, TimeUnit.SECONDS);
        } catch (final ExecutionException | TimeoutException e) {
            throw new BridgeException("cannot write to dead-letter topic " + config.deadLetterTopic() + ": "
                + (e.getCause() == null ? e : e.getCause()).getClass().getSimpleName(), e);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BridgeException("interrupted while writing a dead letter", e);
        }
    }

    private static byte[] utf8(final String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Keeps delivery state in step with the partitions this consumer owns. */
    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(final Collection<TopicPartition> partitions) {
            final Map<TopicPartition, OffsetAndMetadata> m = offsets.committable(partitions);
            for (final Map.Entry<TopicPartition, OffsetAndMetadata> e : uncommitted.entrySet()) {
                if (partitions.contains(e.getKey())) {
                    m.putIfAbsent(e.getKey(), e.getValue());
                }
            }
            if (!m.isEmpty()) {
                try {
                    consumer.commitSync(m);
                } catch (final KafkaException e) {
                    LOG.warn("commit on revocation failed ({})", e.getClass().getSimpleName());
                }
            }
            drop(partitions);
        }

        @Override
        public void onPartitionsLost(final Collection<TopicPartition> partitions) {
            drop(partitions);
        }

        @Override
        public void onPartitionsAssigned(final Collection<TopicPartition> partitions) {
            synchronized (AlertBridge.this) {
                assigned.addAll(partitions);
            }
            if (paused) {
                consumer.pause(partitions);
            }
        }

        private void drop(final Collection<TopicPartition> partitions) {
            dispatcher.forget(partitions);
            offsets.forget(partitions);
            uncommitted.keySet().removeAll(partitions);
            synchronized (AlertBridge.this) {
                assigned.removeAll(partitions);
            }
        }
    }
}
