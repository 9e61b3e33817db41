package dev.vigil.app;

import dev.vigil.alert.Alert;
import dev.vigil.alert.AlertJson;
import dev.vigil.broker.KafkaTestBroker;
import dev.vigil.broker.TopicPartitions;
import dev.vigil.pack.PackException;
import dev.vigil.pack.PatternPack;
import dev.vigil.parse.Parsers;
import dev.vigil.parse.TestParsers;
import dev.vigil.replay.ReplayOptions;
import dev.vigil.replay.ReplayRunner;
import dev.vigil.rule.AlertSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * What the live-mode integration tests share: the pack, a config per test (unique topics, application id and
 * state dir on the test broker, short commits), shipping the demo incident the way {@code vigil demo} does, a
 * read_committed reader of the alerts topic, and the replay of the same input to compare with.
 */
final class LiveHarness {

    static final Path PATTERNS = Paths.get(System.getProperty("patterns.dir", "../patterns"));
    static final Path DEMO = PATTERNS.resolveSibling("samples").resolve("demo");
    static final Duration WAIT = Duration.ofSeconds(60);
    /**
     * A benign access line long after the demo incident and the outage corpus. Shipped as the last line of every
     * file it moves the event time of every source past every deadline, which is what lets live mode resolve the
     * last episodes: event time only advances with events.
     */
    static final String LATER = "10.0.0.9 - - [03/May/2024:00:00:00 +0000] \"GET /healthz HTTP/1.1\" 200 2 \"-\" "
        + "\"kube-probe/1.29\"";

    private LiveHarness() {
    }

    static PatternPack pack() {
        try {
            return PatternPack.load(PATTERNS);
        } catch (final PackException e) {
            throw new IllegalStateException(e);
        }
    }

    static AlertSettings settings() {
        return AlertSettings.defaults("https://runbooks.example/");
    }

    static Parsers parsers() {
        return TestParsers.fixed();
    }

    /** A config of its own on the test broker: topics, application id and state dir named after {@code name}. */
    static VigilConfig config(final KafkaTestBroker broker, final String name) {
        final VigilConfig c = new VigilConfig();
        c.bootstrapServers = broker.bootstrapServers();
        c.applicationId = broker.uniqueName("vigil-" + name);
        c.inputTopics = new ArrayList<>(List.of(broker.uniqueName(name + "-logs")));
        c.alertsTopic = broker.uniqueName(name + "-alerts");
        c.deadLetterTopic = broker.uniqueName(name + "-deadletter");
        c.partitions = 3;
        c.replicationFactor = 1;
        c.stateDir = broker.newTempDir("state-" + name).toString();
        c.kafka.put("commit.interval.ms", "100");
        return c;
    }

    /** A runner of {@code cfg} that is RUNNING. */
    static LiveRunner start(final VigilConfig cfg) throws InterruptedException {
        final LiveRunner runner = new LiveRunner(cfg, pack(), settings(), parsers());
        try {
            runner.prepare();
            runner.start();
            if (!runner.awaitRunning(WAIT)) {
                throw new AssertionError("the streams application did not start: " + runner.state()
                    + (runner.failure() == null ? "" : " " + runner.failure()));
            }
            return runner;
        } catch (final RuntimeException | InterruptedException | AssertionError e) {
            runner.close();
            throw e;
        }
    }

    static List<Path> demoFiles() {
        try (Stream<Path> s = Files.list(DEMO)) {
            return s.filter(f -> f.toString().endsWith(".log")).sorted().collect(Collectors.toList());
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Ships the entries of {@code files} merged by event time, as {@code vigil demo} does, keyed by file name (the
     * demo files then land on all three partitions), keeping those {@code which} accepts.
     *
     * @return the number of lines shipped
     */
    static long ship(final VigilConfig cfg, final List<Path> files, final Predicate<Long> which)
        throws IOException {
        try (Shipper s = new Shipper(client(cfg), cfg.inputTopics.get(0), Shipper.Envelope.RAW)) {
            ReplayRunner.forEachEntry(files, Parsers.defaults(), (file, event) -> {
                if (which.test(event.time())) {
                    s.shipEntry(file.getFileName().toString(), event.line());
                }
            });
            s.flush();
            return s.lines();
        }
    }

    /**
     * Ships {@link #LATER} as the next line of each of {@code files}: every source (record key) moves on, and with it
     * the event time of every input task, which is the slowest of its sources.
     */
    static void shipLater(final VigilConfig cfg, final List<Path> files) {
        try (Shipper s = new Shipper(client(cfg), cfg.inputTopics.get(0), Shipper.Envelope.RAW)) {
            for (final Path f : files) {
                s.shipEntry(f.getFileName().toString(), LATER);
            }
            s.flush();
        }
    }

    /** A file holding {@link #LATER}, for the replay of the same input. */
    static Path laterFile(final Path dir) throws IOException {
        return Files.writeString(dir.resolve("later.log"), LATER + "\n", StandardCharsets.UTF_8);
    }

    static Properties client(final VigilConfig cfg) {
        final Properties p = new Properties();
        p.put("bootstrap.servers", cfg.bootstrapServers);
        return p;
    }

    /** The alerts a replay of {@code files} emits, with the end-of-input resolve off (a live run has not ended). */
    static List<Alert> replay(final List<Path> files) throws IOException {
        final List<Alert> out = new ArrayList<>();
        new ReplayRunner(pack(), parsers(), settings(), ReplayOptions.defaults().withoutResolveAtEnd())
            .run(files, out::add, d -> { });
        return out;
    }

    /** The fields live and replay must agree on: status, name, id, labels, startsAt, endsAt, count. */
    /**
     * Stable fields. A rule's times and counts are left out: rules are evaluated at ticks, and over several
     * partitions the order in which the tasks' ticks arrive can move an evaluation by a tick (the single-partition
     * equivalence test holds them to the exact value).
     */
    static String stable(final Alert a) {
        if (a.kind() == Alert.Kind.RULE) {
            return a.status().id() + " " + a.name() + " " + a.id() + " " + a.labels();
        }
        return a.status().id() + " " + a.name() + " " + a.id() + " " + a.labels() + " " + AlertJson.iso(a.startsAt())
            + " → " + (a.endsAt() == null ? "-" : AlertJson.iso(a.endsAt())) + " count " + a.count();
    }

    /** The stable fields of each alert, sorted: what must be equal whatever the order across partitions. */
    static List<String> stableSorted(final List<Alert> alerts) {
        return alerts.stream().map(LiveHarness::stable).sorted().collect(Collectors.toList());
    }

    /** Firing (or resolved) alerts per episode, {@code id@startsAt} → how many arrived. */
    static Map<String, Integer> perEpisode(final List<Alert> alerts, final Alert.Status status) {
        final Map<String, Integer> m = new TreeMap<>();
        for (final Alert a : alerts) {
            if (a.status() == status) {
                // a rule's episode by its id only: its start can move by a tick across partitions (see stable)
                final String start = a.kind() == Alert.Kind.RULE ? "" : "@" + AlertJson.iso(a.startsAt());
                m.merge(a.name() + " " + a.id() + start, 1, Integer::sum);
            }
        }
        return m;
    }

    /**
     * Reads a topic from the beginning, committed records only, without a group, and keeps what it read; each
     * {@link #await} polls on.
     */
    static final class TopicReader implements AutoCloseable {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        private final String topic;

        TopicReader(final String bootstrap, final String topic) {
            this.topic = topic;
            final Properties p = new Properties();
            p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            final List<TopicPartition> parts = TopicPartitions.of(consumer, topic, Duration.ofSeconds(15));
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
        }

        /** Polls until {@code done} holds for what was read so far, or fails after {@code timeout}. */
        List<ConsumerRecord<byte[], byte[]>> await(final Predicate<List<ConsumerRecord<byte[], byte[]>>> done,
                                                   final Duration timeout, final String what) {
            final long end = System.nanoTime() + timeout.toNanos();
            while (!done.test(records)) {
                if (System.nanoTime() > end) {
                    throw new AssertionError("waited " + timeout.toSeconds() + " s for " + what + " on " + topic
                        + "; got " + records.size() + " records" + (records.isEmpty() ? "" : ": " + describe()));
                }
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
            }
            return List.copyOf(records);
        }

        /** Polls for {@code quiet} more and returns everything read (to see that nothing more arrives). */
        List<ConsumerRecord<byte[], byte[]>> drain(final Duration quiet) {
            final long end = System.nanoTime() + quiet.toNanos();
            while (System.nanoTime() < end) {
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
            }
            return List.copyOf(records);
        }

        private String describe() {
            final List<Alert> alerts = alerts(records);
            return alerts.isEmpty() ? "" : "\n  " + alerts.stream().map(LiveHarness::stable)
                .collect(Collectors.joining("\n  "));
        }

        /** Alerts of what was read so far (records that are not alerts are skipped). */
        List<Alert> alerts() {
            return alerts(records);
        }

        static List<Alert> alerts(final List<ConsumerRecord<byte[], byte[]>> records) {
            final List<Alert> out = new ArrayList<>();
            for (final ConsumerRecord<byte[], byte[]> r : records) {
                try {
                    out.add(AlertJson.read(new String(r.value(), StandardCharsets.UTF_8)));
                } catch (final IllegalArgumentException e) {
                    // not an alert: the dead-letter topic, or garbage someone wrote
                }
            }
            return out;
        }

        @Override
        public void close() {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    /** Predicate: at least {@code n} alerts of {@code status}. */
    static Predicate<List<ConsumerRecord<byte[], byte[]>>> atLeast(final int n, final Alert.Status status) {
        return records -> TopicReader.alerts(records).stream().filter(a -> a.status() == status).count() >= n;
    }
}
