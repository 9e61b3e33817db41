package dev.vigil.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

@Tag("integration")
class EmbeddedKafkaIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    static final KafkaTestBroker BROKER = new KafkaTestBroker();

    @Test
    void shouldRoundTripRecordsThroughAnIdempotentLz4Producer() throws Exception {
        final String topic = BROKER.createUniqueTopic("lz4", 3);
        final Properties p = BROKER.producerProperties();
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 10);
        final List<String> sent = new ArrayList<>();
        try (KafkaProducer<String, String> producer =
                 new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 500; i++) {
                final String line = "GET /item/" + i + " HTTP/1.1 200";
                sent.add(line);
                producer.send(new ProducerRecord<>(topic, "host-" + i % 7, line));
            }
            producer.flush();
        }

        final List<String> received = BROKER.consumeAll(topic, sent.size(), WAIT);

        assertEquals(Set.copyOf(sent), Set.copyOf(received));
        assertEquals(sent.size(), received.size());
    }

    @Test
    void shouldCommitAndAbortTransactionsWithOneReplica() {
        final String topic = BROKER.createUniqueTopic("tx", 1);
        final Properties p = BROKER.producerProperties();
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, BROKER.uniqueName("tx-producer"));
        try (KafkaProducer<String, String> producer =
                 new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "committed-1"));
            producer.send(new ProducerRecord<>(topic, "committed-2"));
            producer.commitTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "aborted"));
            producer.flush();
            producer.abortTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "committed-3"));
            producer.commitTransaction();
        }

        // One partition: had the aborted record been visible, it would come before committed-3.
        assertEquals(List.of("committed-1", "committed-2", "committed-3"), BROKER.consumeAll(topic, 3, WAIT));
    }

    @Test
    void shouldRunAnExactlyOnceStreamsApp() throws Exception {
        final String in = BROKER.createUniqueTopic("streams-in", 3);
        final String out = BROKER.createUniqueTopic("streams-out", 3);
        final StreamsBuilder builder = new StreamsBuilder();
        builder.stream(in, Consumed.with(Serdes.String(), Serdes.String()).withName("read-in"))
            .to(out, Produced.with(Serdes.String(), Serdes.String()).withName("write-out"));
        final Properties props = BROKER.streamsProperties(BROKER.uniqueName("pass-through"));
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);

        try (KafkaStreams streams = new KafkaStreams(builder.build(), props)) {
            streams.start();
            awaitRunning(streams);
            final List<String> lines = List.of("a", "b", "c", "d", "e", "f");
            BROKER.produce(in, lines);

            final List<String> copied = BROKER.consumeAll(out, lines.size(), WAIT);

            assertEquals(Set.copyOf(lines), Set.copyOf(copied));
            streams.close(Duration.ofSeconds(10));
        }
    }

    @Test
    void shouldCreateTopicsIdempotently() throws Exception {
        final String a = BROKER.uniqueName("idem-a");
        final String b = BROKER.uniqueName("idem-b");
        BROKER.kafka().createTopics(Map.of(a, 2), Map.of("retention.ms", "-1"));

        BROKER.kafka().createTopics(Map.of(a, 5, b, 1), Map.of());

        try (Admin admin = Admin.create(BROKER.adminProperties())) {
            final Map<String, TopicDescription> d = admin.describeTopics(List.of(a, b)).allTopicNames().get();
            assertEquals(2, d.get(a).partitions().size(), "an existing topic is left as it is");
            assertEquals(1, d.get(b).partitions().size());
        }
    }

    @Test
    void shouldKeepTopicsRecordsAndOffsetsAcrossARestart(@TempDir final Path dir) throws Exception {
        final EmbeddedKafka.Options options = EmbeddedKafka.Options.of(dir).withPort(0);
        final String topic = "restart-logs";
        final String group = "restart-group";
        final String clusterId;

        long t0 = System.nanoTime();
        try (EmbeddedKafka first = EmbeddedKafka.start(options)) {
            report("cold start (format)", t0);
            clusterId = first.clusterId();
            first.createTopics(Map.of(topic, 2), Map.of());
            produce(first, topic, List.of("one", "two", "three"));
            commitAll(first, topic, group);

            final EmbeddedKafkaException inUse =
                assertThrows(EmbeddedKafkaException.class, () -> EmbeddedKafka.start(options));
            assertTrue(inUse.getMessage().contains("is in use by another running Vigil or Kafka"), inUse.getMessage());

            t0 = System.nanoTime();
        }
        final long closeMs = report("close", t0);
        assertTrue(closeMs < 10_000, "close took " + closeMs + " ms");

        t0 = System.nanoTime();
        try (EmbeddedKafka second = EmbeddedKafka.start(options)) {
            report("warm restart", t0);
            assertEquals(clusterId, second.clusterId());
            second.createTopics(Map.of(topic, 2), Map.of());
            assertEquals(Set.of("one", "two", "three"), Set.copyOf(readAll(second, topic, 3)));
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", second.bootstrapServers()))) {
                final Map<TopicPartition, OffsetAndMetadata> offsets =
                    admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
                final long committed = offsets.values().stream().mapToLong(OffsetAndMetadata::offset).sum();
                assertEquals(3, committed, "committed offsets survive the restart: " + offsets);
            }
        }
    }

    @Test
    void shouldRefuseADataDirLockedByAnotherProcess(@TempDir final Path dir) throws Exception {
        // What a second Vigil would meet: another JVM holds the lock Kafka's log manager takes on <dir>/.lock.
        final Path locker = dir.resolve("Locker.java");
        Files.writeString(locker, String.join("\n",
            "import java.nio.channels.FileChannel;",
            "import java.nio.file.*;",
            "public class Locker {",
            "  public static void main(String[] a) throws Exception {",
            "    try (FileChannel ch = FileChannel.open(Path.of(a[0]), StandardOpenOption.CREATE,",
            "        StandardOpenOption.WRITE); var lock = ch.lock()) {",
            "      System.out.println(\"locked\");",
            "      System.out.flush();",
            "      System.in.read();",
            "    }",
            "  }",
            "}"));
        final Path kafkaDir = Files.createDirectories(dir.resolve("kafka"));
        final String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        final Process other = new ProcessBuilder(javaBin, locker.toString(), kafkaDir.resolve(".lock").toString())
            .redirectErrorStream(true).start();
        try {
            final String first = new BufferedReader(new InputStreamReader(other.getInputStream(),
                StandardCharsets.UTF_8)).readLine();
            assertEquals("locked", first);

            final EmbeddedKafkaException e = assertThrows(EmbeddedKafkaException.class,
                () -> EmbeddedKafka.start(EmbeddedKafka.Options.of(kafkaDir).withPort(0)));

            assertTrue(e.getMessage().contains(kafkaDir + " is in use by another running Vigil or Kafka"),
                e.getMessage());
        } finally {
            other.destroy();
            other.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void shouldExplainWhenThePortIsInUse(@TempDir final Path dir) throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            final int port = taken.getLocalPort();

            final EmbeddedKafkaException e = assertThrows(EmbeddedKafkaException.class,
                () -> EmbeddedKafka.start(EmbeddedKafka.Options.of(dir).withPort(port)));

            assertEquals("port " + port + " is already in use — is another Vigil or Kafka running? use --port",
                e.getMessage());
        }
    }

    @Test
    void shouldLeaveNoThreadsBehindWhenTheBrokerIsNotReadyInTime(@TempDir final Path dir) {
        final Set<Thread> before = new HashSet<>(Thread.getAllStackTraces().keySet());
        final EmbeddedKafka.Options options =
            EmbeddedKafka.Options.of(dir).withPort(0).withStartTimeout(Duration.ofMillis(1));

        final EmbeddedKafkaException e = assertThrows(EmbeddedKafkaException.class,
            () -> EmbeddedKafka.start(options));

        assertTrue(e.getMessage().contains("did not become ready within"), e.getMessage());
        final Set<String> left = newThreads(before, Duration.ofSeconds(5));
        assertTrue(left.isEmpty(), "threads left running: " + left);
    }

    @Test
    void shouldExplainADataDirFormattedForAnotherNode(@TempDir final Path dir) throws IOException {
        final Set<Thread> before = new HashSet<>(Thread.getAllStackTraces().keySet());
        Files.writeString(dir.resolve("meta.properties"),
            "version=1\ncluster.id=" + Uuid.randomUuid() + "\nnode.id=7\n");

        final EmbeddedKafkaException e = assertThrows(EmbeddedKafkaException.class,
            () -> EmbeddedKafka.start(EmbeddedKafka.Options.of(dir).withPort(0)));

        assertTrue(e.getMessage().startsWith("the Kafka broker failed to start: "), e.getMessage());
        assertTrue(e.getMessage().contains("node id 7"), e.getMessage());
        assertEquals(Set.of(), newThreads(before, Duration.ofSeconds(5)));
    }

    @Test
    void shouldRejectAnInvalidBrokerPropertyBeforeFormatting(@TempDir final Path dir) {
        final EmbeddedKafka.Options options =
            EmbeddedKafka.Options.of(dir).withPort(0).withBrokerProperty("num.partitions", "three");

        final EmbeddedKafkaException e = assertThrows(EmbeddedKafkaException.class,
            () -> EmbeddedKafka.start(options));

        assertTrue(e.getMessage().startsWith("invalid Kafka broker configuration: "), e.getMessage());
        assertTrue(e.getMessage().contains("num.partitions"), e.getMessage());
        assertTrue(Files.notExists(dir.resolve("meta.properties")), "nothing formatted");
    }

    private static Set<String> newThreads(final Set<Thread> before, final Duration grace) {
        final long deadline = System.nanoTime() + grace.toNanos();
        Set<String> left;
        do {
            left = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && !before.contains(t))
                // Yammer's metric tickers are created once per JVM by the first broker and are meant to stay.
                .filter(t -> !t.getName().startsWith("metrics-meter-tick-thread"))
                .filter(t -> !t.getName().startsWith("ForkJoinPool.commonPool"))
                .map(Thread::getName)
                .collect(Collectors.toCollection(TreeSet::new));
            if (left.isEmpty()) {
                return left;
            }
            sleep(50);
        } while (System.nanoTime() < deadline);
        return left;
    }

    private static void produce(final EmbeddedKafka kafka, final String topic, final List<String> values)
        throws Exception {
        final Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (KafkaProducer<String, String> producer =
                 new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            for (final String v : values) {
                producer.send(new ProducerRecord<>(topic, v)).get();
            }
        }
    }

    /** Reads the topic in a consumer group and commits what it read. */
    private static void commitAll(final EmbeddedKafka kafka, final String topic, final String group) {
        final List<String> read = readInGroup(kafka, topic, group, 3);
        assertEquals(3, read.size());
    }

    private static List<String> readAll(final EmbeddedKafka kafka, final String topic, final int expected) {
        return readInGroup(kafka, topic, "reader-" + System.nanoTime(), expected);
    }

    private static List<String> readInGroup(final EmbeddedKafka kafka, final String topic, final String group,
                                            final int expected) {
        final Properties p = new Properties();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        p.put("group.id", group);
        p.put("auto.offset.reset", "earliest");
        p.put("enable.auto.commit", "false");
        final List<String> values = new ArrayList<>();
        final long deadline = System.nanoTime() + WAIT.toNanos();
        try (KafkaConsumer<String, String> consumer =
                 new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            while (values.size() < expected && System.nanoTime() < deadline) {
                final ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(200));
                records.forEach(r -> values.add(r.value()));
            }
            consumer.commitSync();
        }
        return values;
    }

    private static void awaitRunning(final KafkaStreams streams) {
        final long deadline = System.nanoTime() + WAIT.toNanos();
        while (streams.state() != KafkaStreams.State.RUNNING) {
            if (System.nanoTime() > deadline || streams.state() == KafkaStreams.State.ERROR) {
                throw new AssertionError("Kafka Streams is " + streams.state() + ", not RUNNING");
            }
            sleep(50);
        }
    }

    private static long report(final String what, final long t0) {
        final long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        System.out.printf(Locale.ROOT, "EmbeddedKafkaIT: %s took %d ms%n", what, ms);
        return ms;
    }

    private static void sleep(final long ms) {
        try {
            Thread.sleep(ms);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
