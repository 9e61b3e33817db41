package dev.vigil.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.alert.Alert;
import dev.vigil.alert.AlertJson;
import dev.vigil.engine.Stats;
import dev.vigil.pack.PatternPack;
import dev.vigil.pack.TestPacks;
import dev.vigil.parse.Parsers;
import dev.vigil.parse.Source;
import dev.vigil.rule.AlertSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TopologyFactoryTest {

    private static final long MIN = 60_000;
    private static final PatternPack PACK = TestPacks.of(TestPacks.signature("nginx_upstream_refused", Source.NGINX,
        "connect\\(\\) failed \\(111: Connection refused\\) while connecting to upstream", 10 * MIN));

    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> logs;
    private TestOutputTopic<String, byte[]> alerts;
    private TestOutputTopic<String, byte[]> dead;

    static Topology topology() {
        return TopologyFactory.build(PACK, dev.vigil.parse.TestParsers.fixed(),
            EngineConfig.defaults(AlertSettings.defaults("https://rb.example")), new Stats());
    }

    static Properties props() {
        final Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "vigil-topology-test");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        p.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
        return p;
    }

    @BeforeEach
    void setUp() {
        driver = new TopologyTestDriver(topology(), props());
        logs = driver.createInputTopic(Topics.LOGS, new ByteArraySerializer(), new ByteArraySerializer());
        alerts = driver.createOutputTopic(Topics.ALERTS, new StringDeserializer(), new ByteArrayDeserializer());
        dead = driver.createOutputTopic(Topics.DEAD_LETTER, new StringDeserializer(), new ByteArrayDeserializer());
    }

    @AfterEach
    void tearDown() {
        driver.close();
    }

    private void send(final String line) {
        logs.pipeInput(new TestRecord<>(null, line.getBytes(StandardCharsets.UTF_8), Instant.ofEpochMilli(1)));
    }

    private static String refused(final String time) {
        return "2024/05/01 " + time + " [error] 31#31: *7 connect() failed (111: Connection refused) while "
            + "connecting to upstream, client: 10.0.0.1, server: _, request: \"GET / HTTP/1.1\", upstream: "
            + "\"http://127.0.0.1:8080/\", host: \"example.org\"";
    }

    private List<Alert> readAlerts() {
        return alerts.readValuesToList().stream().map(b -> AlertJson.read(new String(b, StandardCharsets.UTF_8)))
            .collect(Collectors.toList());
    }

    @Test
    void shouldMatchTheGoldenDescription() throws IOException {
        final String actual = topology().describe().toString();
        final Path golden = Paths.get("src/test/resources/topology/topology.golden.txt");
        if (Boolean.getBoolean("golden.update")) {
            Files.writeString(golden, actual);
        }
        assertEquals(Files.readString(golden), actual,
            "topology changed: review it, then rerun with -Dgolden.update=true");
    }

    @Test
    void shouldFireOnceForAnEpisodeAndResolveOnEventTime() {
        send(refused("10:00:00"));
        send(refused("10:01:00"));
        send(refused("10:05:00"));
        driver.advanceWallClockTime(Duration.ofSeconds(3)); // an error-log entry waits for possible continuations
        List<Alert> got = readAlerts();
        assertEquals(1, got.size());
        assertEquals(Alert.Status.FIRING, got.get(0).status());
        assertEquals(Instant.parse("2024-05-01T10:00:00Z").toEpochMilli(), got.get(0).startsAt());
        // unrelated traffic moves event time on: 9:59 minutes after the last hit it still fires …
        send("2024/05/01 10:14:59 [notice] 31#31: signal process started");
        driver.advanceWallClockTime(Duration.ofSeconds(3));
        assertTrue(readAlerts().isEmpty());
        // … and at 10 minutes it resolves, with endsAt = last hit + resolve_after
        send("2024/05/01 10:15:00 [notice] 31#31: signal process started");
        driver.advanceWallClockTime(Duration.ofSeconds(3));
        got = readAlerts();
        assertEquals(1, got.size());
        assertEquals(Alert.Status.RESOLVED, got.get(0).status());
        assertEquals(Instant.parse("2024-05-01T10:15:00Z").toEpochMilli(), got.get(0).endsAt());
        assertEquals(3, got.get(0).count());
    }

    @Test
    void shouldDeadLetterAPoisonPillWithItsOriginalBytesAndReason() {
        final byte[] garbage = {(byte) 0xff, (byte) 0xfe, 'x', 'y'};
        logs.pipeInput(new TestRecord<>(null, garbage, Instant.ofEpochMilli(1)));
        send(refused("10:00:00"));
        driver.advanceWallClockTime(Duration.ofSeconds(3));
        final List<TestRecord<String, byte[]>> dl = dead.readRecordsToList();
        assertEquals(1, dl.size());
        final Header reason = dl.get(0).headers().lastHeader(Topics.HEADER_REASON);
        assertEquals("unknown_source", new String(reason.value(), StandardCharsets.UTF_8));
        assertTrue(new String(dl.get(0).value(), StandardCharsets.UTF_8).endsWith("xy"));
        assertEquals(1, readAlerts().size(), "the stream goes on after a poison pill");
    }

    @Test
    void shouldFoldPostgresContinuationLinesAndFlushThemWhenIdle() {
        final PatternPack pack = TestPacks.of(TestPacks.signature("postgres_deadlock", Source.POSTGRES,
            "ERROR:\\s+deadlock detected\\nDETAIL:\\s+Process", 10 * MIN));
        try (TopologyTestDriver d = new TopologyTestDriver(TopologyFactory.build(pack, dev.vigil.parse.TestParsers.fixed(),
            EngineConfig.defaults(AlertSettings.defaults("x")), new Stats()), props())) {
            final TestInputTopic<byte[], byte[]> in = d.createInputTopic(Topics.LOGS, new ByteArraySerializer(),
                new ByteArraySerializer());
            final TestOutputTopic<String, byte[]> out = d.createOutputTopic(Topics.ALERTS, new StringDeserializer(),
                new ByteArrayDeserializer());
            for (final String l : List.of("2024-05-01 10:00:00.000 UTC [42] ERROR:  deadlock detected",
                "2024-05-01 10:00:00.000 UTC [42] DETAIL:  Process 42 waits for ShareLock on transaction 7; "
                    + "blocked by process 43.")) {
                in.pipeInput(new TestRecord<>(null, l.getBytes(StandardCharsets.UTF_8), Instant.ofEpochMilli(1)));
            }
            assertTrue(out.isEmpty(), "the entry is still pending: a STATEMENT line may follow");
            d.advanceWallClockTime(Duration.ofSeconds(5));
            assertEquals(1, out.readValuesToList().size());
        }
    }

    @Test
    void shouldCountLinesLateWithinGraceAndDeadLetterLinesLaterThanGrace() {
        final dev.vigil.pack.RuleSpec rule = TestPacks.countRule("nginx_401_burst", Source.NGINX, MIN, 10_000, 3, 0,
            MIN, 30_000, 100, List.of(), "status == 401");
        final PatternPack pack = TestPacks.of(List.of(), List.of(rule));
        try (TopologyTestDriver d = new TopologyTestDriver(TopologyFactory.build(pack, Parsers.defaults(),
            EngineConfig.defaults(AlertSettings.defaults("x")), new Stats()), props())) {
            final TestInputTopic<byte[], byte[]> in = d.createInputTopic(Topics.LOGS, new ByteArraySerializer(),
                new ByteArraySerializer());
            final TestOutputTopic<String, byte[]> out = d.createOutputTopic(Topics.ALERTS, new StringDeserializer(),
                new ByteArrayDeserializer());
            final TestOutputTopic<String, byte[]> dl = d.createOutputTopic(Topics.DEAD_LETTER,
                new StringDeserializer(), new ByteArrayDeserializer());
            final java.util.function.BiConsumer<String, Integer> access = (time, status) -> in.pipeInput(
                new TestRecord<>(null, ("203.0.113.9 - - [01/May/2024:" + time + " +0000] \"POST /login HTTP/1.1\" "
                    + status + " 12 \"-\" \"curl/8\"").getBytes(StandardCharsets.UTF_8), Instant.ofEpochMilli(1)));
            access.accept("10:00:20", 401);
            access.accept("10:00:25", 401);
            access.accept("10:00:50", 200);
            // 20 s behind the input's event time: within the 30 s grace, it still counts and makes three
            access.accept("10:00:30", 401);
            // 45 s behind: later than grace, left out of the rule and dead-lettered as late
            access.accept("10:00:05", 401);
            // the next tick evaluates the window [10:00:10, 10:01:10)
            access.accept("10:01:05", 200);
            final List<TestRecord<String, byte[]>> late = dl.readRecordsToList();
            assertEquals(1, late.size());
            assertEquals("late", new String(late.get(0).headers().lastHeader(Topics.HEADER_REASON).value(),
                StandardCharsets.UTF_8));
            final List<Alert> alerts = out.readValuesToList().stream()
                .map(b -> AlertJson.read(new String(b, StandardCharsets.UTF_8))).collect(Collectors.toList());
            assertEquals(1, alerts.size(), "three 401s within the minute fire: " + alerts);
            assertEquals("nginx_401_burst", alerts.get(0).name());
            assertEquals(3.0, alerts.get(0).value());
        }
    }
}
