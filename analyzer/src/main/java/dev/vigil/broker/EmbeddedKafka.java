package dev.vigil.broker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker (KRaft, broker and controller in one) running inside this JVM: the broker of
 * {@code vigil run} and {@code vigil demo}, and of the integration tests.
 *
 * <pre>{@code
 * try (EmbeddedKafka kafka = EmbeddedKafka.start(EmbeddedKafka.Options.of(Path.of(".vigil/kafka")))) {
 *     kafka.createTopics(Map.of("logs-raw-nginx", 3), Map.of("retention.ms", "-1"));
 *     ... kafka.bootstrapServers() ...
 * }
 * }</pre>
 *
 * <h2>Storage</h2>
 * The first start formats the data directory with a new cluster id (what {@code kafka-storage format} does, without
 * its {@code System.exit}); later starts find {@code meta.properties} there and keep every topic, record and
 * committed offset. One data directory serves one running broker: a second start on a directory in use fails with
 * an {@link EmbeddedKafkaException} that says so. The quorum is a static voter set, so the controller port may
 * change from one start to the next (it defaults to a free port).
 *
 * <h2>Retention</h2>
 * Vigil's records may be stamped with their log's own event time, which for a replay or a backfill is days or
 * months old. With Kafka's default 7-day age-based retention the broker deletes such records seconds after they
 * arrive, and an application reading them stalls. This broker therefore
 * <ul>
 *   <li>never deletes by age ({@code log.retention.ms=-1}) and bounds each partition by size instead
 *       ({@code log.retention.bytes} = 1 GiB), so disk use stays bounded whatever the timestamps say;</li>
 *   <li>keeps {@code CreateTime} timestamps (broker-wide {@code LogAppendTime} would also rewrite the timestamps
 *       Kafka Streams writes to its repartition topics, i.e. lose event time between sub-topologies);</li>
 *   <li>accepts records stamped in the future ({@code log.message.timestamp.after.max.ms} = max): Kafka 4 rejects
 *       anything more than one hour ahead, and a shipper's skewed clock must not fail the producer.</li>
 * </ul>
 * Topics with a retention of their own override this: pass {@code retention.ms} to {@link #createTopics} for them.
 * Kafka Streams does so for the changelogs of windowed stores (window retention plus one day), so a windowed
 * store fed with old event time can still lose changelog records to age-based deletion; that is the topology's
 * to configure ({@code windowstore.changelog.additional.retention.ms}), not the broker's.
 *
 * <h2>Behaviour</h2>
 * {@link #start} returns once an admin client sees the broker in the cluster (it is unfenced and takes
 * requests), or fails within {@link Options#startTimeout()} with a message meant for the person who ran Vigil
 * ("port 9092 is already in use ..."), leaving no broker thread behind. The broker logs through SLF4J like the
 * rest of Vigil and prints nothing to stdout; its own loggers should stay at WARN (its INFO level prints the whole
 * configuration). A fatal fault while the broker starts or stops, which would halt a standalone broker's process,
 * becomes an exception here (see {@link #withoutProcessExit}); one while it runs still halts the JVM, as it would
 * standalone, after logging the fault at ERROR.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

    /** How many times a start retries with new ports when a port it picked itself was taken meanwhile. */
    private static final int AUTO_PORT_ATTEMPTS = 3;
    private static final Duration TOPIC_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration ADMIN_CLOSE_TIMEOUT = Duration.ofSeconds(2);
    private static final long POLL_INTERVAL_MS = 25;

    /** Data directories of the brokers running in this JVM (file locks cannot tell threads of one JVM apart). */
    private static final Set<Path> DIRS_IN_USE = ConcurrentHashMap.newKeySet();
    private static final Object EXIT_LOCK = new Object();

    private final KafkaRaftServer server;
    private final Admin admin;
    private final Path dataDir;
    private final String bootstrapServers;
    private final int port;
    private final int controllerPort;
    private final String clusterId;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EmbeddedKafka(final KafkaRaftServer server, final Admin admin, final Path dataDir, final String host,
                          final int port, final int controllerPort, final String clusterId) {
        this.server = server;
        this.admin = admin;
        this.dataDir = dataDir;
        this.bootstrapServers = host + ":" + port;
        this.port = port;
        this.controllerPort = controllerPort;
        this.clusterId = clusterId;
    }

    /**
     * How to start the broker. Build from {@link #of(Path)} and adjust with the {@code with...} methods.
     *
     * @param dataDir          the broker's storage; formatted on first start, reused afterwards
     * @param host             the address both listeners bind to and the broker advertises
     * @param port             the client port; 0 picks a free one
     * @param controllerPort   the KRaft controller port; 0 (the default) picks a free one
     * @param brokerProperties extra broker properties, applied over the defaults; the listener, quorum and
     *                         directory settings derived from the fields above cannot be overridden
     * @param startTimeout     how long {@link #start} waits for the broker to be ready
     */
    public record Options(Path dataDir, String host, int port, int controllerPort,
                          Map<String, String> brokerProperties, Duration startTimeout) {

        /** Where {@code vigil run} and {@code vigil demo} keep the broker's data, relative to the working dir. */
        public static final Path DEFAULT_DATA_DIR = Path.of(".vigil", "kafka");
        /** Kafka's usual client port. */
        public static final int DEFAULT_PORT = 9092;
        /** Loopback only: the embedded broker is for this machine. */
        public static final String DEFAULT_HOST = "127.0.0.1";
        /** Generous for a laptop under load; a start normally takes 2 to 4 seconds. */
        public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(60);

        /** Validates and copies; see the record components. */
        public Options {
            Objects.requireNonNull(dataDir, "dataDir");
            Objects.requireNonNull(host, "host");
            if (host.isBlank()) {
                throw new IllegalArgumentException("host must not be blank");
            }
            checkPort("port", port);
            checkPort("controllerPort", controllerPort);
            if (port != 0 && port == controllerPort) {
                throw new IllegalArgumentException("port and controllerPort must differ, both are " + port);
            }
            brokerProperties = Map.copyOf(Objects.requireNonNull(brokerProperties, "brokerProperties"));
            for (final String key : brokerProperties.keySet()) {
                if (BrokerProperties.RESERVED.contains(key)) {
                    throw new IllegalArgumentException("broker property '" + key
                        + "' is set by EmbeddedKafka from its options and cannot be overridden");
                }
            }
            Objects.requireNonNull(startTimeout, "startTimeout");
            if (startTimeout.isNegative() || startTimeout.isZero()) {
                throw new IllegalArgumentException("startTimeout must be positive, got " + startTimeout);
            }
        }

        /**
         * @param dataDir the broker's storage
         * @return options with the defaults: 127.0.0.1:9092, a free controller port, no extra properties
         */
        public static Options of(final Path dataDir) {
            return new Options(dataDir, DEFAULT_HOST, DEFAULT_PORT, 0, Map.of(), DEFAULT_START_TIMEOUT);
        }

        /**
         * @param newPort the client port, 0 for a free one
         * @return a copy with that port
         */
        public Options withPort(final int newPort) {
            return new Options(dataDir, host, newPort, controllerPort, brokerProperties, startTimeout);
        }

        /**
         * @param newControllerPort the controller port, 0 for a free one
         * @return a copy with that controller port
         */
        public Options withControllerPort(final int newControllerPort) {
            return new Options(dataDir, host, port, newControllerPort, brokerProperties, startTimeout);
        }

        /**
         * @param newHost the address to bind to and advertise
         * @return a copy with that host
         */
        public Options withHost(final String newHost) {
            return new Options(dataDir, newHost, port, controllerPort, brokerProperties, startTimeout);
        }

        /**
         * @param key   a broker property (not one of the listener, quorum or directory settings)
         * @param value its value
         * @return a copy with that property added or replaced
         */
        public Options withBrokerProperty(final String key, final String value) {
            final Map<String, String> merged = new HashMap<>(brokerProperties);
            merged.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return new Options(dataDir, host, port, controllerPort, merged, startTimeout);
        }

        /**
         * @param timeout how long to wait for the broker to be ready
         * @return a copy with that timeout
         */
        public Options withStartTimeout(final Duration timeout) {
            return new Options(dataDir, host, port, controllerPort, brokerProperties, timeout);
        }

        private static void checkPort(final String name, final int value) {
            if (value < 0 || value > 65535) {
                throw new IllegalArgumentException(name + " must be 0 (pick a free one) or 1-65535, got " + value);
            }
        }
    }

    /**
     * Starts a broker and waits until it takes requests.
     *
     * @param options where and how
     * @return the running broker; close it to stop it
     * @throws EmbeddedKafkaException when it cannot start (port in use, data dir in use, timeout...), with no
     *                                broker thread left running
     */
    public static EmbeddedKafka start(final Options options) {
        Objects.requireNonNull(options, "options");
        final long startNanos = System.nanoTime();
        final long deadline = startNanos + options.startTimeout().toNanos();
        final Path dataDir;
        try {
            // The real path, so that two spellings of one directory (a symlink, "./x" and "x") count as one.
            dataDir = Files.createDirectories(options.dataDir()).toRealPath();
        } catch (final IOException e) {
            throw new EmbeddedKafkaException("cannot create the Kafka data dir " + options.dataDir() + ": " + e, e);
        }
        if (!DIRS_IN_USE.add(dataDir)) {
            throw dataDirInUse(dataDir, null);
        }
        try {
            checkNotLockedByAnotherProcess(dataDir);
            if (options.port() != 0) {
                checkFree(options.host(), options.port(), false);
            }
            if (options.controllerPort() != 0) {
                checkFree(options.host(), options.controllerPort(), true);
            }
            final EmbeddedKafka kafka = withoutProcessExit(() -> startWithRetries(options, dataDir, deadline));
            LOG.info("Kafka broker ready at {} in {} ms (cluster {}, data {})", kafka.bootstrapServers,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos), kafka.clusterId, dataDir);
            return kafka;
        } catch (final RuntimeException | Error e) {
            DIRS_IN_USE.remove(dataDir);
            throw e;
        }
    }

    private static EmbeddedKafka startWithRetries(final Options options, final Path dataDir, final long deadline) {
        for (int attempt = 1; ; attempt++) {
            final int[] ports = choosePorts(options);
            final Properties props = BrokerProperties.of(dataDir, options.host(), ports[0], ports[1],
                remaining(deadline), options.brokerProperties());
            final KafkaConfig config;
            try {
                config = KafkaConfig.fromProps(props, false);
            } catch (final ConfigException e) {
                throw new EmbeddedKafkaException("invalid Kafka broker configuration: " + e.getMessage(), e);
            }
            formatIfNeeded(dataDir, props);
            final KafkaRaftServer server = startServer(config, options, dataDir, ports, deadline);
            if (server != null) {
                return awaitReady(server, options, dataDir, ports, deadline);
            }
            // startServer returned null: a port it picked itself was taken between picking and binding.
            if (attempt >= AUTO_PORT_ATTEMPTS) {
                throw new EmbeddedKafkaException("could not bind the Kafka broker to a free port on "
                    + options.host() + " after " + attempt + " attempts");
            }
            LOG.debug("a picked port was taken before the broker bound it; retrying with new ports");
        }
    }

    /** The client and controller ports for this attempt: as given, or free ones picked now. */
    private static int[] choosePorts(final Options options) {
        final List<ServerSocket> held = new ArrayList<>();
        try {
            final int p = options.port() != 0 ? options.port() : holdFreePort(options.host(), held);
            final int c = options.controllerPort() != 0 ? options.controllerPort() : holdFreePort(options.host(), held);
            return new int[] {p, c};
        } finally {
            for (final ServerSocket s : held) {
                closeQuietly(s);
            }
        }
    }

    private static int holdFreePort(final String host, final List<ServerSocket> held) {
        try {
            final ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(host));
            held.add(s);
            return s.getLocalPort();
        } catch (final IOException e) {
            throw new EmbeddedKafkaException("cannot find a free port on " + host + ": " + e.getMessage(), e);
        }
    }

    private static void formatIfNeeded(final Path dataDir, final Properties props) {
        if (Files.exists(dataDir.resolve("meta.properties"))) {
            return;
        }
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        Path propsFile = null;
        try (PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8)) {
            propsFile = Files.createTempFile("vigil-kafka-format-", ".properties");
            try (OutputStream os = Files.newOutputStream(propsFile)) {
                props.store(os, "written by Vigil to format " + dataDir);
            }
            final String[] args = {"format", "--cluster-id", Uuid.randomUuid().toString(),
                "--config", propsFile.toString()};
            // execute(), unlike main(), returns its status instead of calling System.exit.
            final int status = StorageTool.execute(args, print);
            if (status != 0) {
                throw new EmbeddedKafkaException("cannot format the Kafka data dir " + dataDir
                    + " (status " + status + "): " + out.toString(StandardCharsets.UTF_8).strip());
            }
            LOG.debug("formatted {}: {}", dataDir, out.toString(StandardCharsets.UTF_8).strip());
        } catch (final IOException e) {
            throw new EmbeddedKafkaException("cannot format the Kafka data dir " + dataDir + ": " + e, e);
        } catch (final EmbeddedKafkaException e) {
            throw e;
        } catch (final RuntimeException e) {
            // FormatterException and StorageTool's TerseFailure carry a readable message.
            throw new EmbeddedKafkaException("cannot format the Kafka data dir " + dataDir + ": " + e.getMessage(), e);
        } finally {
            if (propsFile != null) {
                try {
                    Files.deleteIfExists(propsFile);
                } catch (final IOException e) {
                    LOG.debug("cannot delete {}", propsFile, e);
                }
            }
        }
    }

    /**
     * Starts the server; returns null if it failed only because a port it had picked itself was taken meanwhile,
     * and throws an explained {@link EmbeddedKafkaException} for any other failure. On failure nothing is left
     * running.
     */
    private static KafkaRaftServer startServer(final KafkaConfig config, final Options options, final Path dataDir,
                                               final int[] ports, final long deadline) {
        KafkaRaftServer server = null;
        try {
            final long t0 = System.nanoTime();
            server = new KafkaRaftServer(config, Time.SYSTEM);
            server.startup();
            LOG.debug("KafkaRaftServer started in {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
            return server;
        } catch (final RuntimeException e) {
            if (server != null) {
                // KafkaRaftServer.startup() leaves the controller running when the broker part fails.
                stop(server);
            }
            explain(e, options, dataDir, ports, deadline);
            return null;
        }
    }

    /** Throws what the person can act on, or returns when a retry with new ports may help. */
    private static void explain(final RuntimeException e, final Options options, final Path dataDir,
                                final int[] ports, final long deadline) {
        if (causeMentions(e, "Failed to acquire lock")) {
            throw dataDirInUse(dataDir, e);
        }
        // The server is down now, so a port that is still taken is taken by someone else.
        final boolean clientTaken = !isFree(options.host(), ports[0]);
        final boolean controllerTaken = !isFree(options.host(), ports[1]);
        if (clientTaken && options.port() != 0) {
            throw portInUse(ports[0], false, e);
        }
        if (controllerTaken && options.controllerPort() != 0) {
            throw portInUse(ports[1], true, e);
        }
        final boolean bindFailed = causeIs(e, BindException.class) || causeMentions(e, "failed to bind");
        if (clientTaken || controllerTaken || bindFailed && (options.port() == 0 || options.controllerPort() == 0)) {
            return;
        }
        if (remaining(deadline) == 0) {
            throw notReady(options, dataDir, ports[0], e);
        }
        if (e instanceof ExitRefused) {
            throw new EmbeddedKafkaException("the Kafka broker failed to start: it hit a fatal fault, logged above "
                + "(data dir " + dataDir + ")", e);
        }
        throw new EmbeddedKafkaException("the Kafka broker failed to start: " + rootMessage(e), e);
    }

    private static boolean causeMentions(final Throwable t, final String text) {
        final String needle = text.toLowerCase(Locale.ROOT);
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c.getMessage() != null && c.getMessage().toLowerCase(Locale.ROOT).contains(needle)) {
                return true;
            }
        }
        return false;
    }

    private static boolean causeIs(final Throwable t, final Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(final Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == t ? String.valueOf(t.getMessage()) : t.getMessage() + " (" + root + ")";
    }

    private static EmbeddedKafka awaitReady(final KafkaRaftServer server, final Options options, final Path dataDir,
                                            final int[] ports, final long deadline) {
        final String bootstrap = options.host() + ":" + ports[0];
        Admin admin = null;
        try {
            final Map<String, Object> conf = new HashMap<>();
            conf.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            conf.put(AdminClientConfig.CLIENT_ID_CONFIG, "vigil-embedded-kafka");
            conf.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
            conf.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
            conf.put(AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, 50);
            admin = Admin.create(conf);
            while (true) {
                final long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw notReady(options, dataDir, ports[0], null);
                }
                try {
                    final var cluster = admin.describeCluster();
                    if (!cluster.nodes().get(left, TimeUnit.NANOSECONDS).isEmpty()) {
                        final String id = cluster.clusterId().get(left, TimeUnit.NANOSECONDS);
                        return new EmbeddedKafka(server, admin, dataDir, options.host(), ports[0], ports[1], id);
                    }
                } catch (final ExecutionException e) {
                    LOG.debug("broker not ready yet: {}", e.getCause().toString());
                } catch (final TimeoutException e) {
                    continue;
                } catch (final InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new EmbeddedKafkaException("interrupted while waiting for the Kafka broker", e);
                }
                sleep(POLL_INTERVAL_MS);
            }
        } catch (final RuntimeException | Error e) {
            if (admin != null) {
                admin.close(ADMIN_CLOSE_TIMEOUT);
            }
            stop(server);
            throw e;
        }
    }

    /**
     * Fails fast, before anything starts, on a port a person can free or change; {@link #explain} covers the
     * same failure when it happens while the broker starts.
     */
    private static void checkFree(final String host, final int port, final boolean controller) {
        final IOException problem = bindProblem(host, port);
        if (problem instanceof BindException && String.valueOf(problem.getMessage()).contains("in use")) {
            throw portInUse(port, controller, problem);
        }
        if (problem != null) {
            throw new EmbeddedKafkaException("cannot listen on " + host + ":" + port + ": " + problem.getMessage()
                + " — check the host", problem);
        }
    }

    private static EmbeddedKafkaException portInUse(final int port, final boolean controller, final Throwable cause) {
        final String msg = controller
            ? "controller port " + port + " is already in use — is another Vigil or Kafka running? "
                + "use --controller-port, or 0 for a free one"
            : "port " + port + " is already in use — is another Vigil or Kafka running? use --port";
        return new EmbeddedKafkaException(msg, cause);
    }

    private static EmbeddedKafkaException notReady(final Options options, final Path dataDir, final int port,
                                                   final Throwable cause) {
        return new EmbeddedKafkaException("the Kafka broker at " + options.host() + ":" + port
            + " did not become ready within " + options.startTimeout().toMillis() + " ms (data dir " + dataDir + ")",
            cause);
    }

    private static EmbeddedKafkaException dataDirInUse(final Path dataDir, final Throwable cause) {
        return new EmbeddedKafkaException("the Kafka data dir " + dataDir + " is in use by another running Vigil "
            + "or Kafka — stop it, or give this one another data dir", cause);
    }

    private static boolean isFree(final String host, final int port) {
        return bindProblem(host, port) == null;
    }

    /** Why a server socket cannot bind host:port right now, or null if it can. */
    private static IOException bindProblem(final String host, final int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getByName(host), port), 1);
            return null;
        } catch (final IOException e) {
            return e;
        }
    }

    private static void checkNotLockedByAnotherProcess(final Path dataDir) {
        // Kafka's LogManager holds an exclusive lock on <dir>/.lock while it runs. Only reached when no broker
        // of this JVM uses the dir: closing this channel would release the locks this JVM holds on the file.
        final Path lockFile = dataDir.resolve(".lock");
        try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            final FileLock lock = ch.tryLock();
            if (lock == null) {
                throw dataDirInUse(dataDir, null);
            }
            lock.release();
        } catch (final OverlappingFileLockException e) {
            throw dataDirInUse(dataDir, e);
        } catch (final IOException e) {
            throw new EmbeddedKafkaException("cannot use the Kafka data dir " + dataDir + ": " + e, e);
        }
    }

    /** The address clients connect to, {@code host:port}. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The client port (the one picked, if the options said 0). */
    public int port() {
        return port;
    }

    /** The controller port (the one picked, if the options said 0). */
    public int controllerPort() {
        return controllerPort;
    }

    /** The cluster id written to the data dir when it was formatted; the same after every restart. */
    public String clusterId() {
        return clusterId;
    }

    /** The broker's storage directory, absolute. */
    public Path dataDir() {
        return dataDir;
    }

    /**
     * Creates topics (replication factor 1) and waits until each partition has a leader, so a client may use them
     * at once. Idempotent: a topic that already exists is left as it is, whatever its partitions and configs.
     *
     * @param nameToPartitions topic name to partition count
     * @param topicConfigs     topic-level configs for every topic created here (e.g. {@code retention.ms}), may
     *                         be empty
     * @throws EmbeddedKafkaException when a topic cannot be created (invalid name or config, broker closed...)
     */
    public void createTopics(final Map<String, Integer> nameToPartitions, final Map<String, String> topicConfigs) {
        Objects.requireNonNull(nameToPartitions, "nameToPartitions");
        Objects.requireNonNull(topicConfigs, "topicConfigs");
        if (closed.get()) {
            throw new EmbeddedKafkaException("the embedded Kafka broker is closed");
        }
        if (nameToPartitions.isEmpty()) {
            return;
        }
        final List<NewTopic> topics = new ArrayList<>();
        for (final Map.Entry<String, Integer> e : nameToPartitions.entrySet()) {
            topics.add(new NewTopic(e.getKey(), e.getValue(), (short) 1).configs(topicConfigs));
        }
        final long deadline = System.nanoTime() + TOPIC_TIMEOUT.toNanos();
        final CreateTopicsResult result = admin.createTopics(topics);
        for (final Map.Entry<String, KafkaFuture<Void>> e : result.values().entrySet()) {
            try {
                e.getValue().get(remaining(deadline), TimeUnit.NANOSECONDS);
            } catch (final ExecutionException x) {
                if (!(x.getCause() instanceof TopicExistsException)) {
                    throw new EmbeddedKafkaException("cannot create topic " + e.getKey() + ": "
                        + x.getCause().getMessage(), x.getCause());
                }
            } catch (final TimeoutException x) {
                throw new EmbeddedKafkaException("timed out creating topic " + e.getKey(), x);
            } catch (final InterruptedException x) {
                Thread.currentThread().interrupt();
                throw new EmbeddedKafkaException("interrupted while creating topic " + e.getKey(), x);
            }
        }
        awaitLeaders(nameToPartitions.keySet(), deadline);
    }

    private void awaitLeaders(final Set<String> names, final long deadline) {
        String waitingFor = "";
        while (System.nanoTime() < deadline) {
            try {
                final Map<String, TopicDescription> described = admin.describeTopics(names).allTopicNames()
                    .get(remaining(deadline), TimeUnit.NANOSECONDS);
                waitingFor = firstWithoutLeader(described);
                if (waitingFor == null) {
                    return;
                }
            } catch (final ExecutionException e) {
                if (!(e.getCause() instanceof RetriableException)) {
                    throw new EmbeddedKafkaException("cannot describe topics " + names + ": "
                        + e.getCause().getMessage(), e.getCause());
                }
                waitingFor = e.getCause().getMessage();
            } catch (final TimeoutException e) {
                break;
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new EmbeddedKafkaException("interrupted while waiting for topics " + names, e);
            }
            sleep(POLL_INTERVAL_MS);
        }
        throw new EmbeddedKafkaException("topics " + names + " have no leader after " + TOPIC_TIMEOUT.toSeconds()
            + " s (" + waitingFor + ")");
    }

    private static String firstWithoutLeader(final Map<String, TopicDescription> described) {
        for (final TopicDescription d : described.values()) {
            for (final TopicPartitionInfo p : d.partitions()) {
                if (p.leader() == null || p.leader().isEmpty()) {
                    return d.name() + "-" + p.partition();
                }
            }
        }
        return null;
    }

    /**
     * Stops the broker and waits for it (a controlled shutdown takes well under a second when idle). Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        final long t0 = System.nanoTime();
        try {
            admin.close(ADMIN_CLOSE_TIMEOUT);
            withoutProcessExit(() -> {
                stop(server);
                return null;
            });
        } finally {
            DIRS_IN_USE.remove(dataDir);
        }
        LOG.info("Kafka broker at {} stopped in {} ms", bootstrapServers,
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    }

    private static void stop(final KafkaRaftServer server) {
        try {
            server.shutdown();
            server.awaitShutdown();
        } catch (final RuntimeException e) {
            LOG.warn("error while stopping the Kafka broker", e);
        }
    }

    /**
     * Runs a start or stop with Kafka's {@code Exit} procedures replaced by one that throws. A standalone broker
     * halts its process on a fatal fault while it starts (the controller does so even when a start merely times
     * out); inside Vigil or a test JVM that must become an exception, so that the caller can say what went wrong
     * and shut the half-started server down. The procedures are JVM-global: starts and stops are serialised, and
     * Kafka's defaults are restored afterwards, so a fault in a running broker still halts, as it would standalone.
     */
    private static <T> T withoutProcessExit(final Supplier<T> action) {
        synchronized (EXIT_LOCK) {
            Exit.setExitProcedure(EmbeddedKafka::refuseExit);
            Exit.setHaltProcedure(EmbeddedKafka::refuseExit);
            try {
                return action.get();
            } finally {
                Exit.resetExitProcedure();
                Exit.resetHaltProcedure();
            }
        }
    }

    private static void refuseExit(final int status, final String message) {
        throw new ExitRefused(status, message);
    }

    /** What Kafka's exit or halt becomes while the broker starts or stops. */
    private static final class ExitRefused extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ExitRefused(final int status, final String message) {
            super("Kafka asked to end the process with status " + status + (message == null ? "" : ": " + message));
        }
    }

    private static long remaining(final long deadline) {
        return Math.max(0, deadline - System.nanoTime());
    }

    private static void sleep(final long ms) {
        try {
            Thread.sleep(ms);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EmbeddedKafkaException("interrupted while waiting for the Kafka broker", e);
        }
    }

    private static void closeQuietly(final ServerSocket s) {
        try {
            s.close();
        } catch (final IOException e) {
            // Closing a listening socket that accepted nothing does not fail in practice; if it did, the broker's
            // bind would, and the start would retry with other ports.
            LOG.debug("cannot close probe socket {}", s, e);
        }
    }
}
