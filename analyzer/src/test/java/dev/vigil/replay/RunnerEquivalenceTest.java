package dev.vigil.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.alert.Alert;
import dev.vigil.alert.AlertJson;
import dev.vigil.engine.Stats;
import dev.vigil.pack.PackException;
import dev.vigil.pack.PatternPack;
import dev.vigil.parse.TestParsers;
import dev.vigil.rule.AlertSettings;
import dev.vigil.topology.EngineConfig;
import dev.vigil.topology.Topics;
import dev.vigil.topology.TopologyFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * One engine, two runners: the same lines through the replay runner and through the Kafka Streams topology
 * (TopologyTestDriver, one partition) give the same alerts, byte for byte. Replay's end-of-input resolve is off
 * here, since a live run has not ended.
 */
class RunnerEquivalenceTest {

    private static final Path DATA = Paths.get(System.getProperty("patterns.dir", "../patterns"), "testdata");

    static PatternPack pack() throws PackException {
        return PatternPack.load(Paths.get(System.getProperty("patterns.dir", "../patterns")));
    }

    @TestFactory
    Stream<DynamicTest> shouldEmitTheSameAlertsInReplayAndStreams() throws IOException {
        final List<Path> files;
        try (Stream<Path> s = Files.walk(DATA)) {
            files = s.filter(p -> p.toString().endsWith(".log") && !p.toString().contains("/bench/"))
                .sorted().collect(Collectors.toList());
        }
        assertFalse(files.isEmpty(), "replay fixtures exist under " + DATA);
        return files.stream().map(f -> DynamicTest.dynamicTest(DATA.relativize(f).toString(), () -> compare(f)));
    }

    /** The demo incident and every replay fixture: a few thousand lines of all sources, with rules firing. */
    private static List<Path> demoAndFixtures() throws IOException {
        final List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Stream.concat(Files.list(Paths.get(System.getProperty("patterns.dir", "../patterns"))
            .resolve("../samples/demo")), Files.walk(DATA))) {
            s.filter(p -> p.toString().endsWith(".log")).sorted().forEach(files::add);
        }
        return files;
    }

    @org.junit.jupiter.api.Test
    void shouldGiveTheSameAlertsWithParallelReaders() throws Exception {
        final List<Path> files = demoAndFixtures();
        final PatternPack pack = pack();
        final AlertSettings settings = AlertSettings.defaults("x");
        final List<String> sequential = new ArrayList<>();
        final List<String> parallel = new ArrayList<>();
        final ReplayRunner.Result a = new ReplayRunner(pack, TestParsers.fixed(), settings,
            ReplayOptions.defaults().withThreads(1)).run(files, x -> sequential.add(AlertJson.write(x)), d -> { });
        final ReplayRunner.Result b = new ReplayRunner(pack, TestParsers.fixed(), settings,
            ReplayOptions.defaults().withThreads(4)).run(files, x -> parallel.add(AlertJson.write(x)), d -> { });
        assertFalse(sequential.isEmpty());
        assertEquals(String.join("\n", sequential), String.join("\n", parallel));
        assertEquals(a.stats().readBySource(), b.stats().readBySource());
        assertEquals(a.stats().deadLetteredByReason(), b.stats().deadLetteredByReason());
    }

    @org.junit.jupiter.api.Test
    void shouldGiveTheSameAlertsAndDeadLettersForOneFileParsedByItsLaneAndMatchedByWorkers() throws Exception {
        final PatternPack pack = pack();
        final AlertSettings settings = AlertSettings.defaults("x");
        int alerting = 0;
        for (final Path file : demoAndFixtures()) {
            final List<String> sequential = new ArrayList<>();
            final List<String> parallel = new ArrayList<>();
            final List<String> deadSequential = new ArrayList<>();
            final List<String> deadParallel = new ArrayList<>();
            final ReplayRunner.Result a = new ReplayRunner(pack, TestParsers.fixed(), settings,
                ReplayOptions.defaults().withThreads(1)).run(List.of(file), x -> sequential.add(AlertJson.write(x)),
                d -> deadSequential.add(d.reason() + " " + new String(d.original(), StandardCharsets.UTF_8)));
            final ReplayRunner.Result b = new ReplayRunner(pack, TestParsers.fixed(), settings,
                ReplayOptions.defaults().withThreads(2)).run(List.of(file), x -> parallel.add(AlertJson.write(x)),
                d -> deadParallel.add(d.reason() + " " + new String(d.original(), StandardCharsets.UTF_8)));
            assertEquals(String.join("\n", sequential), String.join("\n", parallel), file.toString());
            // the same dead letters; in a parallel replay a parse failure is reported by the file's thread as it is
            // found, a late line by the merging thread, so the two kinds may interleave differently
            java.util.Collections.sort(deadSequential);
            java.util.Collections.sort(deadParallel);
            assertEquals(deadSequential, deadParallel, file.toString());
            assertEquals(a.stats().readBySource(), b.stats().readBySource(), file.toString());
            alerting += sequential.isEmpty() ? 0 : 1;
        }
        assertTrue(alerting > 1, "files that raise alerts on their own: " + alerting);
    }

    /**
     * Without an observer (a report), the rule engine skips evaluations that cannot change anything; with one it
     * evaluates every group at every tick. The alerts must not tell the two apart.
     */
    @org.junit.jupiter.api.Test
    void shouldGiveTheSameAlertsWhetherOrNotAReportWatchesEveryEvaluation() throws Exception {
        final List<Path> files = demoAndFixtures();
        final PatternPack pack = pack();
        final AlertSettings settings = AlertSettings.defaults("x");
        final List<String> plain = new ArrayList<>();
        final List<String> watched = new ArrayList<>();
        final int[] evaluations = {0};
        new ReplayRunner(pack, TestParsers.fixed(), settings, ReplayOptions.defaults().withThreads(1))
            .run(files, x -> plain.add(AlertJson.write(x)), d -> { });
        final ReplayRunner observed = new ReplayRunner(pack, TestParsers.fixed(), settings,
            ReplayOptions.defaults().withThreads(1));
        observed.observeRules((rule, id, labels, time, value) -> evaluations[0]++);
        observed.run(files, x -> watched.add(AlertJson.write(x)), d -> { });
        assertTrue(plain.stream().anyMatch(a -> a.contains("\"kind\":\"rule\"")), "rules fired");
        assertTrue(evaluations[0] > 0);
        assertEquals(String.join("\n", watched), String.join("\n", plain));
    }

    private static String brief(final List<String> alerts) {
        return alerts.stream().map(AlertJson::read).map(a -> a.status().id() + " " + a.name() + " " + a.id() + " "
            + AlertJson.iso(a.startsAt()) + (a.endsAt() == null ? "" : " → " + AlertJson.iso(a.endsAt())))
            .collect(Collectors.joining("\n"));
    }

    private static void compare(final Path file) throws Exception {
        final PatternPack pack = pack();
        final AlertSettings settings = AlertSettings.defaults("https://runbooks.example/");
        final List<String> replayed = new ArrayList<>();
        new ReplayRunner(pack, TestParsers.fixed(), settings, ReplayOptions.defaults().withoutResolveAtEnd())
            .run(List.of(file), a -> replayed.add(AlertJson.write(a)), d -> { });

        final Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "vigil-equivalence");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        final List<String> streamed;
        try (TopologyTestDriver d = new TopologyTestDriver(TopologyFactory.build(pack, TestParsers.fixed(),
            EngineConfig.defaults(settings), new Stats()), p)) {
            final TestInputTopic<byte[], byte[]> in = d.createInputTopic(Topics.LOGS, new ByteArraySerializer(),
                new ByteArraySerializer());
            final TestOutputTopic<String, byte[]> out = d.createOutputTopic(Topics.ALERTS, new StringDeserializer(),
                new ByteArrayDeserializer());
            final List<TestRecord<byte[], byte[]>> records = new ArrayList<>();
            long ts = 1;
            for (final String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    records.add(new TestRecord<>(null, line.getBytes(StandardCharsets.UTF_8),
                        Instant.ofEpochMilli(ts++)));
                }
            }
            in.pipeRecordList(records);
            d.advanceWallClockTime(Duration.ofSeconds(10));
            streamed = out.readValuesToList().stream().map(b -> new String(b, StandardCharsets.UTF_8))
                .collect(Collectors.toList());
        }
        assertEquals(brief(replayed), brief(streamed), "alerts differ in order, id, status or time");
        assertEquals(String.join("\n", replayed), String.join("\n", streamed));
        assertFalse(replayed.isEmpty() && file.toString().contains("incident"), "an incident fixture alerts");
        final List<Alert> parsed = streamed.stream().map(AlertJson::read).collect(Collectors.toList());
        assertEquals(streamed.size(), parsed.size());
    }
}
