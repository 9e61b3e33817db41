package dev.vigil.broker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One real Kafka broker ({@link EmbeddedKafka}) per test class, on free ports and a temporary data dir, with the
 * helpers integration tests keep needing.
 *
 * <pre>{@code
 * @Tag("integration")
 * class PipelineIT {
 *     @RegisterExtension
 *     static final KafkaTestBroker BROKER = new KafkaTestBroker();
 *
 *     @Test
 *     void shouldCopyLines() {
 *         final String in = BROKER.createUniqueTopic("in", 3);
 *         BROKER.produce(in, List.of("a", "b"));
 *         assertEquals(List.of("a", "b"), BROKER.consumeAll(in, 2, Duration.ofSeconds(10)));
 *     }
 * }
 * }</pre>
 *
 * The field must be {@code static} (the broker starts before the first test and stops after the last; {@code @Nested}
 * classes share it). Tests of one class share the broker, so give every test its own topics and application ids:
 * {@link #uniqueName}, {@link #createUniqueTopic}. Consumers made here read committed records only, from the
 * beginning, without a consumer group.
 */
public final class KafkaTestBroker implements BeforeAllCallback, AfterAllCallback {

    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private final Map<String, String> brokerProperties;
    private int users;
    private Path root;
    private EmbeddedKafka kafka;
    private KafkaProducer<byte[], byte[]> producer;

    /** A broker with Vigil's embedded defaults. */
    public KafkaTestBroker() {
        this(Map.of());
    }

    private KafkaTestBroker(final Map<String, String> brokerProperties) {
        this.brokerProperties = Map.copyOf(brokerProperties);
    }

    /**
     * @param key   a broker property (see {@link EmbeddedKafka.Options#brokerProperties()})
     * @param value its value
     * @return a broker that also sets that property
     */
    public KafkaTestBroker withBrokerProperty(final String key, final String value) {
        final Map<String, String> merged = new HashMap<>(brokerProperties);
        merged.put(key, value);
        return new KafkaTestBroker(merged);
    }

    @Override
    public synchronized void beforeAll(final ExtensionContext context) throws IOException {
        if (users++ > 0) {
            return; // a @Nested class of the class that started it
        }
        root = Files.createTempDirectory("vigil-kafka-it-");
        EmbeddedKafka.Options options = EmbeddedKafka.Options.of(root.resolve("kafka")).withPort(0);
        for (final Map.Entry<String, String> e : brokerProperties.entrySet()) {
            options = options.withBrokerProperty(e.getKey(), e.getValue());
        }
        try {
            kafka = EmbeddedKafka.start(options);
        } catch (final RuntimeException e) {
            users = 0;
            deleteRecursively(root);
            throw e;
        }
    }

    @Override
    public synchronized void afterAll(final ExtensionContext context) {
        if (--users > 0) {
            return;
        }
        try {
            if (producer != null) {
                producer.close(Duration.ofSeconds(5));
            }
            if (kafka != null) {
                kafka.close();
            }
        } finally {
            producer = null;
            kafka = null;
            deleteRecursively(root);
        }
    }

    /** The running broker, e.g. for {@link EmbeddedKafka#createTopics} with several topics at once. */
    public synchronized EmbeddedKafka kafka() {
        if (kafka == null) {
            throw new IllegalStateException("the test broker is not running: register it as a static field with "
                + "@RegisterExtension and use it from tests, not from static initializers");
        }
        return kafka;
    }

    /** {@code host:port} of the broker. */
    public String bootstrapServers() {
        return kafka().bootstrapServers();
    }

    /**
     * A name no other call in this JVM returns, safe for topics, application ids and group ids.
     *
     * @param prefix readable part; characters Kafka does not allow in topic names become '-'
     * @return {@code <prefix>-<n>-<random>}
     */
    public String uniqueName(final String prefix) {
        final String clean = prefix.replaceAll("[^A-Za-z0-9._-]", "-");
        return clean + "-" + SEQUENCE.incrementAndGet() + "-"
            + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
    }

    /** A new empty directory, deleted with the broker (for Kafka Streams' {@code state.dir}, files...). */
    public Path newTempDir(final String prefix) {
        try {
            return Files.createTempDirectory(kafkaRoot(), prefix.replaceAll("[^A-Za-z0-9._-]", "-") + "-");
        } catch (final IOException e) {
            throw new IllegalStateException("cannot create a temp dir under " + root, e);
        }
    }

    /** Creates a topic (idempotent) with the broker's topic defaults and waits until it can be used. */
    public void createTopic(final String name, final int partitions) {
        createTopic(name, partitions, Map.of());
    }

    /** Creates a topic (idempotent) with the given topic configs and waits until it can be used. */
    public void createTopic(final String name, final int partitions, final Map<String, String> configs) {
        kafka().createTopics(Map.of(name, partitions), configs);
    }

    /**
     * @return the name of a new topic, {@link #uniqueName} of the prefix
     */
    public String createUniqueTopic(final String prefix, final int partitions) {
        final String name = uniqueName(prefix);
        createTopic(name, partitions);
        return name;
    }

    /** Writes UTF-8 values without keys (spread over the partitions) and waits until all are acknowledged. */
    public void produce(final String topic, final List<String> values) {
        final List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(values.size());
        for (final String v : values) {
            records.add(new ProducerRecord<>(topic, v == null ? null : v.getBytes(StandardCharsets.UTF_8)));
        }
        send(records);
    }

    /** Writes raw values without keys and waits until all are acknowledged. */
    public void produceBytes(final String topic, final List<byte[]> values) {
        final List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(values.size());
        for (final byte[] v : values) {
            records.add(new ProducerRecord<>(topic, v));
        }
        send(records);
    }

    /**
     * Writes records with keys, timestamps, partitions or headers as given (UTF-8) and waits until all are
     * acknowledged, in order.
     */
    public void produceRecords(final List<ProducerRecord<String, String>> records) {
        final List<ProducerRecord<byte[], byte[]>> raw = new ArrayList<>(records.size());
        for (final ProducerRecord<String, String> r : records) {
            raw.add(new ProducerRecord<>(r.topic(), r.partition(), r.timestamp(), utf8(r.key()), utf8(r.value()),
                r.headers()));
        }
        send(raw);
    }

    /**
     * Reads the topic from the beginning until at least {@code expectedCount} values arrived.
     *
     * @return the values (UTF-8) in the order they arrived: per partition in offset order; may hold more than
     *         expected if more arrived in the last poll
     * @throws AssertionError if fewer arrived within the timeout, listing what did
     */
    public List<String> consumeAll(final String topic, final int expectedCount, final Duration timeout) {
        final List<String> values = new ArrayList<>();
        for (final ConsumerRecord<String, String> r : consumeRecords(topic, expectedCount, timeout)) {
            values.add(r.value());
        }
        return values;
    }

    /** {@link #consumeAll} for raw values. */
    public List<byte[]> consumeAllBytes(final String topic, final int expectedCount, final Duration timeout) {
        final List<byte[]> values = new ArrayList<>();
        poll(topic, expectedCount, timeout, new ByteArrayDeserializer(), r -> values.add(r.value()));
        return values;
    }

    /** {@link #consumeAll} with keys, timestamps, partitions and headers. */
    public List<ConsumerRecord<String, String>> consumeRecords(final String topic, final int expectedCount,
                                                               final Duration timeout) {
        final List<ConsumerRecord<String, String>> records = new ArrayList<>();
        poll(topic, expectedCount, timeout, new StringDeserializer(), records::add);
        return records;
    }

    /** Properties for a producer of this broker: bootstrap servers and a client id; add serializers. */
    public Properties producerProperties() {
        final Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        p.put(ProducerConfig.CLIENT_ID_CONFIG, uniqueName("test-producer"));
        return p;
    }

    /**
     * Properties for a consumer of this broker: bootstrap servers, the group, earliest, read_committed; add
     * deserializers.
     */
    public Properties consumerProperties(final String groupId) {
        final Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return p;
    }

    /** Properties for an admin client of this broker. */
    public Properties adminProperties() {
        final Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return p;
    }

    /**
     * Properties for a Kafka Streams app against this broker: bootstrap servers, the application id, a fresh
     * {@code state.dir} (deleted with the broker) and {@code commit.interval.ms=100} so cached results show up
     * quickly. Processing guarantee, serdes and everything else stay the caller's.
     */
    public Properties streamsProperties(final String applicationId) {
        final Properties p = new Properties();
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        p.put(StreamsConfig.STATE_DIR_CONFIG, newTempDir("streams-" + applicationId).toString());
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        return p;
    }

    private synchronized KafkaProducer<byte[], byte[]> producer() {
        if (producer == null) {
            final Properties p = producerProperties();
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
            // one request in flight: tests produce to topics created a moment before, and a first batch refused
            // with NOT_LEADER_OR_FOLLOWER while the next one (a new producer: any first sequence is accepted) lands
            // leaves the retried first batch out of sequence until delivery.timeout.ms (seen once in CI, 120 s)
            p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
            producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        }
        return producer;
    }

    private void send(final List<ProducerRecord<byte[], byte[]>> records) {
        final KafkaProducer<byte[], byte[]> p = producer();
        final List<Future<RecordMetadata>> acks = new ArrayList<>(records.size());
        for (final ProducerRecord<byte[], byte[]> r : records) {
            acks.add(p.send(r));
        }
        p.flush();
        for (int i = 0; i < acks.size(); i++) {
            try {
                acks.get(i).get(30, TimeUnit.SECONDS);
            } catch (final ExecutionException | TimeoutException e) {
                throw new IllegalStateException("cannot produce record " + i + " to " + records.get(i).topic(), e);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while producing", e);
            }
        }
    }

    private <V> void poll(final String topic, final int expectedCount, final Duration timeout,
                          final Deserializer<V> valueDeserializer, final Consumer<ConsumerRecord<String, V>> sink) {
        Objects.requireNonNull(topic, "topic");
        final long deadline = System.nanoTime() + timeout.toNanos();
        final Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, uniqueName("test-consumer"));
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        final List<String> seen = new ArrayList<>();
        int count = 0;
        try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(p, new StringDeserializer(), valueDeserializer)) {
            final List<TopicPartition> partitions = partitions(consumer, topic, deadline);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (count < expectedCount) {
                final long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("expected " + expectedCount + " records in topic " + topic + " within "
                        + timeout + " but got " + count + (seen.isEmpty() ? "" : ", starting with " + seen));
                }
                final ConsumerRecords<String, V> batch =
                    consumer.poll(Duration.ofNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(200))));
                for (final ConsumerRecord<String, V> r : batch) {
                    sink.accept(r);
                    if (seen.size() < 5) {
                        seen.add(r.value() instanceof byte[] ? ((byte[]) r.value()).length + " bytes"
                            : String.valueOf(r.value()));
                    }
                    count++;
                }
            }
        }
    }

    private static List<TopicPartition> partitions(final KafkaConsumer<?, ?> consumer, final String topic,
                                                   final long deadline) {
        while (true) {
            final List<TopicPartition> partitions = TopicPartitions.of(consumer, topic, Duration.ofSeconds(5));
            if (!partitions.isEmpty()) {
                return partitions;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("topic " + topic + " does not exist (create it with createTopic)");
            }
            try {
                Thread.sleep(50);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for topic " + topic, e);
            }
        }
    }

    private synchronized Path kafkaRoot() {
        kafka();
        return root;
    }

    private static byte[] utf8(final String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    private static void deleteRecursively(final Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(final Path file, final BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(final Path d, final IOException e) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (final IOException e) {
            // A leftover temp dir is not worth failing a test run for.
            System.err.println("KafkaTestBroker: could not delete " + dir + ": " + e);
        }
    }
}
