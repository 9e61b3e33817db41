package dev.vigil.app;

import dev.vigil.broker.EmbeddedKafka;
import dev.vigil.broker.EmbeddedKafkaException;
import dev.vigil.engine.Stats;
import dev.vigil.pack.PatternPack;
import dev.vigil.parse.Parsers;
import dev.vigil.rule.AlertSettings;
import dev.vigil.topology.EngineConfig;
import dev.vigil.topology.TopologyFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live mode: the embedded broker when no cluster is given, the topics, and the Kafka Streams application with
 * exactly-once processing by default. Every failure a user can cause (cluster unreachable, ACLs, port in use)
 * becomes one {@link UserError} line.
 */
final class LiveRunner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LiveRunner.class);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(15);

    private final VigilConfig cfg;
    private final PatternPack pack;
    private final AlertSettings settings;
    private final Parsers parsers;
    private final Stats stats = new Stats();
    private EmbeddedKafka broker;
    private KafkaStreams streams;
    private String bootstrap;
    private int inputTasks;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    LiveRunner(final VigilConfig cfg, final PatternPack pack, final AlertSettings settings, final Parsers parsers) {
        this.cfg = cfg;
        this.pack = pack;
        this.settings = settings;
        this.parsers = parsers;
    }

    /** Bootstrap servers in use (the embedded broker's when none were configured). */
    String bootstrap() {
        return bootstrap;
    }

    /** Whether this runner started the embedded broker. */
    boolean embedded() {
        return broker != null;
    }

    /** The counters of this instance. */
    Stats stats() {
        return stats;
    }

    /** Kafka client settings every client of this run uses. */
    Properties clientProperties() {
        final Properties p = new Properties();
        p.putAll(cfg.kafka);
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return p;
    }

    /** Starts the broker (if embedded), checks the cluster, creates missing topics. */
    void prepare() {
        if (cfg.bootstrapServers == null || cfg.bootstrapServers.isBlank()) {
            final long t0 = System.nanoTime();
            try {
                broker = EmbeddedKafka.start(EmbeddedKafka.Options.of(Path.of(cfg.embeddedDataDir))
                    .withPort(cfg.embeddedPort));
            } catch (final EmbeddedKafkaException e) {
                throw new UserError(e.getMessage(), 1);
            }
            bootstrap = broker.bootstrapServers();
            LOG.info("embedded Kafka broker ready on {} in {} ms (data in {})", bootstrap,
                (System.nanoTime() - t0) / 1_000_000, cfg.embeddedDataDir);
        } else {
            bootstrap = cfg.bootstrapServers;
        }
        ensureTopics();
    }

    private void ensureTopics() {
        if (broker == null) {
            KafkaCheck.reachable(bootstrap);
        }
        final Properties p = clientProperties();
        p.put(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, (int) CONNECT_TIMEOUT.toMillis());
        p.put(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) CONNECT_TIMEOUT.toMillis());
        try (Admin admin = Admin.create(p)) {
            try {
                admin.describeCluster().nodes().get(CONNECT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (final TimeoutException e) {
                throw new UserError("cannot reach Kafka at " + bootstrap + " within " + CONNECT_TIMEOUT.toSeconds()
                    + " s: is the broker up, and are bootstrap servers and security settings right?", 1);
            } catch (final ExecutionException e) {
                throw new UserError("cannot reach Kafka at " + bootstrap + ": " + cause(e), 1);
            }
            final Set<String> existing = admin.listTopics().names().get(CONNECT_TIMEOUT.toMillis(),
                TimeUnit.MILLISECONDS);
            final List<String> wanted = new ArrayList<>();
            if (cfg.inputPattern == null) {
                wanted.addAll(cfg.inputTopics);
            }
            wanted.add(cfg.alertsTopic);
            wanted.add(cfg.deadLetterTopic);
            final List<NewTopic> missing = new ArrayList<>();
            for (final String t : wanted) {
                if (!existing.contains(t)) {
                    final NewTopic nt = new NewTopic(t, java.util.Optional.of(cfg.partitions),
                        java.util.Optional.of(cfg.replicationFactor));
                    final Map<String, String> configs = new HashMap<>();
                    if (broker != null) {
                        // a dev broker: keep replayed logs whatever their timestamps say
                        configs.put("retention.ms", "-1");
                    }
                    missing.add(nt.configs(configs));
                }
            }
            if (!missing.isEmpty()) {
                for (final var e : admin.createTopics(missing).values().entrySet()) {
                    try {
                        e.getValue().get(CONNECT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                        LOG.info("created topic {}", e.getKey());
                    } catch (final ExecutionException ex) {
                        if (!(ex.getCause() instanceof TopicExistsException)) {
                            throw new UserError("topic " + e.getKey() + " is missing and cannot be created: "
                                + cause(ex) + (ex.getCause() instanceof AuthorizationException
                                ? " (ask for CREATE on the topic, or create it yourself)" : ""), 1);
                        }
                    }
                }
            }
            inputTasks = inputTasks(admin);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserError("interrupted while connecting to Kafka", 130);
        } catch (final TimeoutException e) {
            throw new UserError("Kafka at " + bootstrap + " did not answer within " + CONNECT_TIMEOUT.toSeconds()
                + " s", 1);
        } catch (final ExecutionException e) {
            throw new UserError("cannot list topics on " + bootstrap + ": " + cause(e), 1);
        } catch (final org.apache.kafka.common.KafkaException e) {
            throw new UserError("cannot connect to Kafka at " + bootstrap + ": " + cause(e), 1);
        }
    }

    /**
     * How many input tasks the application has: the partitions of the widest input topic (Kafka Streams makes one
     * task per partition number). 0 when no input topic matches yet.
     */
    private int inputTasks(final Admin admin) throws InterruptedException, ExecutionException, TimeoutException {
        final List<String> topics = new ArrayList<>();
        if (cfg.inputPattern == null) {
            topics.addAll(cfg.inputTopics);
        } else {
            final java.util.regex.Pattern p = java.util.regex.Pattern.compile(cfg.inputPattern);
            for (final String t : admin.listTopics().names().get(CONNECT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                if (p.matcher(t).matches()) {
                    topics.add(t);
                }
            }
        }
        final long end = System.nanoTime() + CONNECT_TIMEOUT.toNanos();
        while (true) {
            try {
                int max = 0;
                for (final var d : admin.describeTopics(topics).allTopicNames()
                    .get(CONNECT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).values()) {
                    max = Math.max(max, d.partitions().size());
                }
                return max;
            } catch (final ExecutionException e) {
                // a topic created a moment ago may not be in the broker's metadata yet
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > end) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }

    static String cause(final Throwable e) {
        Throwable c = e;
        while ((c instanceof ExecutionException || c.getCause() != null && c.getMessage() == null)
            && c.getCause() != null) {
            c = c.getCause();
        }
        final String what = c instanceof AuthenticationException ? "authentication failed"
            : c instanceof AuthorizationException ? "not authorized" : c.getClass().getSimpleName();
        return what + (c.getMessage() == null ? "" : ": " + c.getMessage());
    }

    /** Streams properties: exactly-once by default, explicit naming, state under the configured dir. */
    Properties streamsProperties() {
        final Properties p = clientProperties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, cfg.applicationId);
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, cfg.processingGuarantee);
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, cfg.streamThreads);
        p.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, cfg.standbyReplicas);
        p.put(StreamsConfig.STATE_DIR_CONFIG, cfg.stateDir);
        p.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
        p.putIfAbsent(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) cfg.replicationFactor);
        p.putIfAbsent(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 200);
        p.putIfAbsent(StreamsConfig.producerPrefix("compression.type"), "lz4");
        p.putIfAbsent(StreamsConfig.producerPrefix("linger.ms"), 5);
        // leave the group on close: the instances that stay, or this one restarted, take the tasks over at once
        // instead of after session.timeout.ms (45 s by default); Kafka Streams turns it off to spare rolling
        // bounces of big stateful apps a second rebalance, which Vigil's small in-memory stores do not need
        p.putIfAbsent(StreamsConfig.mainConsumerPrefix("internal.leave.group.on.close"), true);
        return p;
    }

    /** Starts the Streams application; returns at once. */
    void start() {
        final EngineConfig engine = new EngineConfig(cfg.inputTopics, cfg.inputPattern, cfg.topicSources,
            cfg.alertsTopic, cfg.deadLetterTopic, settings, dev.vigil.engine.FrontEnd.DEFAULT_TICK_MILLIS,
            cfg.idleFlushMillis, cfg.idleMillis).withInputTasks(inputTasks);
        streams = new KafkaStreams(TopologyFactory.build(pack, parsers, engine, stats), streamsProperties());
        streams.setUncaughtExceptionHandler(e -> {
            failure.compareAndSet(null, e);
            LOG.error("stream thread failed: {} — shutting down", cause(e));
            stopped.countDown();
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        streams.setStateListener((now, before) -> {
            LOG.info("streams {} → {}", before, now);
            if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.NOT_RUNNING) {
                stopped.countDown();
            }
        });
        streams.start();
    }

    /** The Streams application once {@link #start} made it (for its client metrics), else null. */
    KafkaStreams streams() {
        return streams;
    }

    /** The Streams state. */
    KafkaStreams.State state() {
        return streams == null ? KafkaStreams.State.CREATED : streams.state();
    }

    /** Waits until the application is RUNNING (or failed); true when running. */
    boolean awaitRunning(final Duration timeout) throws InterruptedException {
        final long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            final KafkaStreams.State s = state();
            if (s == KafkaStreams.State.RUNNING) {
                return true;
            }
            if (s == KafkaStreams.State.ERROR || s == KafkaStreams.State.NOT_RUNNING) {
                return false;
            }
            Thread.sleep(50);
        }
        return state() == KafkaStreams.State.RUNNING;
    }

    /** Blocks until the application stops by itself (failure) or {@link #close} is called. */
    void awaitStop() throws InterruptedException {
        stopped.await();
    }

    /** Makes {@link #awaitStop} return, so that the caller closes what it opened in order (then this runner). */
    void stop() {
        stopped.countDown();
    }

    /** The failure that stopped the application, or null. */
    Throwable failure() {
        return failure.get();
    }

    @Override
    public void close() {
        stopped.countDown();
        if (streams != null) {
            // leaveGroup removes a static member (group.instance.id); dynamic members leave through the consumer
            // setting in streamsProperties
            streams.close(new KafkaStreams.CloseOptions().timeout(Duration.ofSeconds(30)).leaveGroup(true));
        }
        if (broker != null) {
            broker.close();
        }
    }
}
