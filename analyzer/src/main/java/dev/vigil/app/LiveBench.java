package dev.vigil.app;

import dev.vigil.broker.EmbeddedKafka;
import dev.vigil.broker.EmbeddedKafkaException;
import dev.vigil.broker.TopicPartitions;
import dev.vigil.engine.Stats;
import dev.vigil.pack.PatternPack;
import dev.vigil.parse.Parsers;
import dev.vigil.rule.AlertSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.TopicPartition;

/**
 * {@code vigil bench --live}: the end-to-end throughput of live mode through a real broker. An embedded broker on a
 * free port in a temporary directory, {@code vigil run}'s Streams application (exactly_once_v2 unless told
 * otherwise, three input partitions), and the corpus shipped the way {@code vigil ship} ships (one key per file,
 * idempotent lz4 producer), the files interleaved so that every partition moves through time together. Measured:
 * from the first record sent until the application has committed its position at the end of every input
 * partition, i.e. consumed, parsed, matched and committed all input; the time until the lifecycle has also read
 * all that the first step wrote (the repartition topic) is shown too. Each round uses fresh topics and a fresh
 * application id on the same broker. As with the other stages of {@code vigil bench}, warm-up rounds over the same
 * corpus come first and are shown but not counted: in one JVM that holds the broker, the clients and the
 * application, a cold round spends about as much CPU compiling as processing (C2 alone took 18 s of a 57 s cold
 * round here), which a long-running {@code vigil run} pays once. One warm-up round is not enough for this JVM:
 * the round after it still spent 6–9 µs of JIT and GC per line against 1.4–3 once compiled (2026-11-22), so the
 * default is two.
 */
final class LiveBench {

    private static final Duration TIMEOUT = Duration.ofMinutes(10);

    private final PatternPack pack;
    private final AlertSettings settings;
    private final PrintStream out;

    LiveBench(final PatternPack pack, final AlertSettings settings, final PrintStream out) {
        this.pack = pack;
        this.settings = settings;
        this.out = out;
    }

    /** One measured round. */
    record Round(long lines, long shipNanos, long consumedNanos, long drainedNanos, long alerts, Stats stats,
                 long cpuNanos, long repartitioned, Map<Part, Long> cpuByPart,
                 Map<String, Long> topicBytes) {
        /** CPU time of the Kafka Streams threads, ns: what bounds the application's own rate. */
        long streamThreadCpuNanos() {
            return cpuByPart.get(Part.STREAMS);
        }

        double rate() {
            return lines / (consumedNanos / 1e9);
        }
    }

    /** Where a round's CPU time went, by the threads' names. */
    enum Part {
        /** The Kafka Streams threads: poll, parse, match, rules, lifecycle, commits. */
        STREAMS("stream threads"),
        /** The network threads of the application's producers. */
        STREAMS_IO("streams producer I/O"),
        /** The bench's own thread (reading and sending the corpus, then polling offsets) and its producer. */
        SHIPPER("shipper"),
        /** Everything else that is a Java thread: the embedded broker, mostly. */
        BROKER("broker and other threads"),
        /** The process's CPU time that no Java thread accounts for: JIT compilers and GC. */
        JIT_GC("JIT and GC");

        final String label;

        Part(final String label) {
            this.label = label;
        }

        static Part of(final String thread, final boolean current) {
            if (thread.contains("-StreamThread-")) {
                return thread.startsWith("kafka-producer-network-thread") ? STREAMS_IO : STREAMS;
            }
            if (current || thread.startsWith("kafka-producer-network-thread | producer-")) {
                return SHIPPER;
            }
            return BROKER;
        }
    }

    /** Runs {@code warmUp} uncounted rounds, then {@code rounds} over {@code files} with {@code guarantee}. */
    List<Round> run(final List<Path> files, final int warmUp, final int rounds, final String guarantee,
                    final int partitions) throws Exception {
        final Path dir = Files.createTempDirectory("vigil-bench-live");
        final List<Round> done = new ArrayList<>();
        try (EmbeddedKafka broker = EmbeddedKafka.start(EmbeddedKafka.Options.of(dir.resolve("kafka")).withPort(0))) {
            out.printf(Locale.ROOT, "live: embedded broker %s, %d input partitions, %s, pack %s (%d signatures)%n",
                broker.bootstrapServers(), partitions, guarantee, pack.version(), pack.signatures().size());
            for (int i = 0; i < warmUp + rounds; i++) {
                final boolean warming = i < warmUp;
                final VigilConfig cfg = new VigilConfig();
                cfg.applyEnv(System.getenv()); // VIGIL_KAFKA_* client settings, to try producer or consumer tuning
                cfg.bootstrapServers = broker.bootstrapServers();
                cfg.applicationId = "vigil-bench-" + i;
                cfg.inputTopics = new ArrayList<>(List.of("bench-logs-" + i));
                cfg.alertsTopic = "bench-alerts-" + i;
                cfg.deadLetterTopic = "bench-deadletter-" + i;
                cfg.partitions = partitions;
                cfg.replicationFactor = 1;
                cfg.processingGuarantee = guarantee;
                cfg.stateDir = dir.resolve("state").toString();
                final Round r;
                try (LiveRunner runner = new LiveRunner(cfg, pack, settings, Parsers.defaults())) {
                    runner.prepare();
                    r = round(runner, cfg, files);
                }
                if (!warming) {
                    done.add(r);
                }
                out.printf(Locale.ROOT, "live %s: %,10.0f lines/s end to end  (%,d lines: shipped in %.2f s, "
                    + "all consumed after %.2f s, repartition topic drained after %.2f s; CPU %.1f s in all, stream "
                    + "thread %.2f µs/line; %,d alerts, %,d dead-lettered; %,d offsets of hits, rule partials and "
                    + "ticks in the repartition topic)%n", warming ? "warm-up " + (i + 1) + " (not counted)"
                    : "round " + (i + 1 - warmUp),
                    r.rate(), r.lines(), r.shipNanos() / 1e9, r.consumedNanos() / 1e9, r.drainedNanos() / 1e9,
                    r.cpuNanos() / 1e9, r.streamThreadCpuNanos() / 1e3 / r.lines(), r.alerts(),
                    r.stats().totalDeadLettered(), r.repartitioned());
                out.printf(Locale.ROOT, "  CPU µs per line: %s%n", r.cpuByPart().entrySet().stream()
                    .map(e -> String.format(Locale.ROOT, "%s %.2f", e.getKey().label, e.getValue() / 1e3 / r.lines()))
                    .collect(Collectors.joining(", ")));
                out.printf(Locale.ROOT, "  MB written to the broker: %s%n", r.topicBytes().entrySet().stream()
                    .map(e -> String.format(Locale.ROOT, "%s %.1f", e.getKey(), e.getValue() / 1e6))
                    .collect(Collectors.joining(", ")));
            }
        } catch (final EmbeddedKafkaException e) {
            throw new UserError(e.getMessage(), 1);
        } finally {
            deleteTree(dir);
        }
        return done;
    }

    private Round round(final LiveRunner runner, final VigilConfig cfg, final List<Path> files) throws Exception {
        runner.start();
        if (!runner.awaitRunning(Duration.ofSeconds(90))) {
            throw new UserError("the streams application did not start: " + runner.state(), 1);
        }
        final Properties client = runner.clientProperties();
        final long cpu0 = processCpu();
        final Map<Long, Long> threads0 = threadCpu();
        final long t0 = System.nanoTime();
        final long lines = ship(client, cfg.inputTopics.get(0), files);
        final long shipped = System.nanoTime() - t0;
        try (Admin admin = Admin.create(client)) {
            final List<TopicPartition> input = new ArrayList<>();
            for (int p = 0; p < cfg.partitions; p++) {
                input.add(new TopicPartition(cfg.inputTopics.get(0), p));
            }
            final long consumed = awaitConsumed(admin, cfg.applicationId, input, 0) - t0;
            final long cpu = processCpu() - cpu0;
            final Map<Part, Long> byPart = cpuByPart(threads0, cpu);
            final String repartition = cfg.applicationId + "-by-alert-id-repartition";
            final List<TopicPartition> internal = new ArrayList<>();
            for (int p = 0; p < cfg.partitions; p++) {
                internal.add(new TopicPartition(repartition, p));
            }
            final long drained = awaitConsumed(admin, cfg.applicationId, internal, 1) - t0;
            final long repartitioned = admin.listOffsets(internal.stream().collect(Collectors.toMap(t -> t,
                t -> OffsetSpec.latest()))).all().get(30, TimeUnit.SECONDS).values().stream()
                .mapToLong(o -> o.offset()).sum();
            return new Round(lines, shipped, consumed, drained, count(client, cfg.alertsTopic), runner.stats(), cpu,
                repartitioned, byPart, topicBytes(admin, cfg));
        }
    }

    /**
     * Bytes in the log of each topic of this round (input, outputs, the application's internal topics; the
     * application id prefix cut), as the broker stores them (compressed batches, transaction markers included).
     */
    private static Map<String, Long> topicBytes(final Admin admin, final VigilConfig cfg)
        throws InterruptedException, ExecutionException, TimeoutException {
        final Map<String, Long> bytes = new java.util.TreeMap<>();
        for (final var dir : admin.describeLogDirs(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).stream()
                .map(org.apache.kafka.common.Node::id).collect(Collectors.toList()))
            .allDescriptions().get(30, TimeUnit.SECONDS).values()) {
            for (final var logDir : dir.values()) {
                logDir.replicaInfos().forEach((tp, info) -> {
                    final String t = tp.topic();
                    if (t.startsWith(cfg.applicationId + "-")) {
                        bytes.merge(t.substring(cfg.applicationId.length() + 1), info.size(), Long::sum);
                    } else if (cfg.inputTopics.contains(t) || t.equals(cfg.alertsTopic)
                        || t.equals(cfg.deadLetterTopic)) {
                        bytes.merge(t, info.size(), Long::sum);
                    }
                });
            }
        }
        return bytes;
    }

    /** CPU time of each live Java thread by id, ns. */
    private static Map<Long, Long> threadCpu() {
        final java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        final Map<Long, Long> cpu = new java.util.HashMap<>();
        for (final long id : mx.getAllThreadIds()) {
            cpu.put(id, Math.max(0, mx.getThreadCpuTime(id)));
        }
        return cpu;
    }

    /**
     * The CPU time since {@code before} by part: each Java thread's growth (threads started since count from 0,
     * threads ended since are lost, a few ms of the application's start-up threads), the rest of {@code process}
     * as JIT and GC.
     */
    private static Map<Part, Long> cpuByPart(final Map<Long, Long> before, final long process) {
        final java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        final Map<Part, Long> parts = new java.util.EnumMap<>(Part.class);
        for (final Part p : Part.values()) {
            parts.put(p, 0L);
        }
        final long self = Thread.currentThread().getId();
        long threads = 0;
        for (final java.lang.management.ThreadInfo t : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (t == null) {
                continue;
            }
            final long used = Math.max(0, mx.getThreadCpuTime(t.getThreadId())
                - before.getOrDefault(t.getThreadId(), 0L));
            parts.merge(Part.of(t.getThreadName(), t.getThreadId() == self), used, Long::sum);
            threads += used;
        }
        parts.put(Part.JIT_GC, Math.max(0, process - threads));
        return parts;
    }

    /** CPU time of this process (shipper, broker and application), ns. */
    private static long processCpu() {
        final java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory
            .getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean
            ? ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime() : 0;
    }

    /** Committed records on {@code topic}: the alerts, as a bridge would read them. */
    private static long count(final Properties client, final String topic) {
        final Properties p = new Properties();
        p.putAll(client);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
            final List<TopicPartition> parts = TopicPartitions.of(c, topic, Duration.ofSeconds(30));
            c.assign(parts);
            c.seekToBeginning(parts);
            final Map<TopicPartition, Long> ends = c.endOffsets(parts);
            long n = 0;
            final long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (parts.stream().anyMatch(t -> c.position(t) < ends.get(t)) && System.nanoTime() < end) {
                n += c.poll(Duration.ofMillis(200)).count();
            }
            return n;
        }
    }

    /**
     * Ships the files interleaved by progress (the file furthest behind in bytes goes next), so that the partitions
     * advance through event time together as live shippers would.
     */
    private static long ship(final Properties client, final String topic, final List<Path> files) throws IOException {
        final List<InputStream> opened = new ArrayList<>();
        try (Shipper s = new Shipper(client, topic, Shipper.Envelope.RAW)) {
            final PriorityQueue<Cursor> queue = new PriorityQueue<>((a, b) -> Double.compare(a.progress(),
                b.progress()));
            for (final Path f : files) {
                final InputStream in = Shipper.open(f);
                opened.add(in);
                queue.add(new Cursor(f.getFileName().toString(), new dev.vigil.ingest.LineReader(in, false),
                    Math.max(1, Files.size(f))));
            }
            while (!queue.isEmpty()) {
                final Cursor c = queue.poll();
                for (int i = 0; i < 64; i++) {
                    final byte[] line = c.reader.next();
                    if (line == null) {
                        c.done = true;
                        break;
                    }
                    c.read += line.length + 1;
                    s.shipLine(c.name, line);
                }
                if (!c.done) {
                    queue.add(c);
                }
            }
            s.flush();
            return s.lines();
        } finally {
            for (final InputStream in : opened) {
                in.close();
            }
        }
    }

    /** One file being shipped. */
    private static final class Cursor {
        final String name;
        final dev.vigil.ingest.LineReader reader;
        final long size;
        long read;
        boolean done;

        Cursor(final String name, final dev.vigil.ingest.LineReader reader, final long size) {
            this.name = name;
            this.reader = reader;
            this.size = size;
        }

        double progress() {
            return (double) read / size;
        }
    }

    /**
     * Waits until the group's committed offsets reach the end of each of {@code parts} (within {@code slack}: a
     * transactional topic ends with a commit marker the consumer may not have stepped over yet), and returns the
     * {@link System#nanoTime} when it saw so. A partition that has no data needs no committed offset.
     */
    private static long awaitConsumed(final Admin admin, final String group, final List<TopicPartition> parts,
                                      final long slack)
        throws InterruptedException, ExecutionException, TimeoutException {
        final Map<TopicPartition, OffsetSpec> latest = parts.stream()
            .collect(Collectors.toMap(t -> t, t -> OffsetSpec.latest()));
        final long end = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < end) {
            final Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            final var ends = admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS);
            boolean all = true;
            for (final TopicPartition t : parts) {
                final OffsetAndMetadata c = committed.get(t);
                if ((c == null ? 0 : c.offset()) + slack < ends.get(t).offset()) {
                    all = false;
                    break;
                }
            }
            if (all) {
                return System.nanoTime();
            }
            Thread.sleep(20);
        }
        throw new UserError("the application did not consume its input within " + TIMEOUT.toMinutes() + " min", 1);
    }

    private static void deleteTree(final Path dir) {
        try (var s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (final IOException e) {
            // a temp dir left behind is not worth failing the benchmark for
        }
    }
}
