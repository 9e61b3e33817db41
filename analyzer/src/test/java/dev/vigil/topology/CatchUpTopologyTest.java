package dev.vigil.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigil.alert.Alert;
import dev.vigil.alert.AlertJson;
import dev.vigil.engine.Stats;
import dev.vigil.pack.PatternPack;
import dev.vigil.pack.TestPacks;
import dev.vigil.parse.Source;
import dev.vigil.parse.TestParsers;
import dev.vigil.rule.AlertSettings;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/**
 * A shipper catching up on an hour of one host's backlog in a partition whose other host is current: the backlog's
 * outage is one episode, one page, as in a replay; not one page per line because the current host's time says the
 * outage has long been quiet.
 */
class CatchUpTopologyTest {

    private static final long MIN = 60_000;
    private static final PatternPack PACK = TestPacks.of(TestPacks.signature("nginx_upstream_refused", Source.NGINX,
        "connect\\(\\) failed \\(111: Connection refused\\) while connecting to upstream", 10 * MIN));
    private static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");
    private static final DateTimeFormatter ACCESS = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT)
        .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter ERROR = DateTimeFormatter.ofPattern("yyyy/MM/dd HH:mm:ss", Locale.ROOT)
        .withZone(ZoneOffset.UTC);

    private static String access(final Instant at) {
        return "10.0.0.1 - - [" + ACCESS.format(at) + "] \"GET / HTTP/1.1\" 200 5 \"-\" \"curl/8\"";
    }

    private static String refused(final Instant at) {
        return ERROR.format(at) + " [error] 7#7: *1 connect() failed (111: Connection refused) while connecting to "
            + "upstream, client: 10.0.0.2, server: shop, request: \"GET / HTTP/1.1\", upstream: "
            + "\"http://10.0.1.1:8080/\", host: \"web2\"";
    }

    @Test
    void shouldPageABacklogsOutageOnceWhileAnotherSourceOfThePartitionIsAnHourAhead() {
        try (TopologyTestDriver d = new TopologyTestDriver(TopologyFactory.build(PACK, TestParsers.fixed(),
            EngineConfig.defaults(AlertSettings.defaults("https://rb.example")), new Stats()),
            TopologyFactoryTest.props())) {
            final TestInputTopic<byte[], byte[]> logs = d.createInputTopic(Topics.LOGS, new ByteArraySerializer(),
                new ByteArraySerializer());
            final TestOutputTopic<String, byte[]> alerts = d.createOutputTopic(Topics.ALERTS,
                new StringDeserializer(), new ByteArrayDeserializer());
            for (int s = 0; s <= 3600; s += 5) {
                send(logs, "web1-access.log", access(T0.plusSeconds(s)));
            }
            for (int s = 0; s < 240; s += 20) {
                send(logs, "web2-error.log", refused(T0.plusSeconds(s)));
                send(logs, "web1-access.log", access(T0.plusSeconds(3600 + s)));
            }
            send(logs, "web2-error.log", access(T0.plusSeconds(3600 + 240)));

            final List<Alert> got = alerts.readValuesToList().stream()
                .map(b -> AlertJson.read(new String(b, StandardCharsets.UTF_8))).collect(Collectors.toList());
            assertEquals(List.of("firing 10:00:00 count 1", "resolved 10:00:00 count 12"), got.stream()
                .map(a -> a.status().id() + " " + AlertJson.iso(a.startsAt()).substring(11, 19) + " count " + a.count())
                .collect(Collectors.toList()), "one episode of 12 matches, resolved once the backlog caught up");
            assertEquals(T0.plusSeconds(220 + 600).toEpochMilli(), got.get(1).endsAt());
        }
    }

    @Test
    void shouldNotStopThePartitionsClockLongAfterALineOfARarelyWrittenFile() {
        try (TopologyTestDriver d = new TopologyTestDriver(TopologyFactory.build(PACK, TestParsers.fixed(),
            EngineConfig.defaults(AlertSettings.defaults("https://rb.example")), new Stats()),
            TopologyFactoryTest.props(), T0)) {
            final TestInputTopic<byte[], byte[]> logs = d.createInputTopic(Topics.LOGS, new ByteArraySerializer(),
                new ByteArraySerializer());
            final TestOutputTopic<String, byte[]> alerts = d.createOutputTopic(Topics.ALERTS,
                new StringDeserializer(), new ByteArrayDeserializer());
            // one line in the error log, current when written, then only the access log: 20 minutes of traffic
            // over 24 s of wall-clock time
            send(logs, "web2-error.log", refused(T0));
            for (int s = 0; s <= 1200; s += 5) {
                send(logs, "web1-access.log", access(T0.plusSeconds(s)));
                d.advanceWallClockTime(java.time.Duration.ofMillis(100));
            }

            final List<Alert> got = alerts.readValuesToList().stream()
                .map(b -> AlertJson.read(new String(b, StandardCharsets.UTF_8))).collect(Collectors.toList());
            assertEquals(List.of("firing", "resolved"), got.stream().map(a -> a.status().id())
                .collect(Collectors.toList()), "the episode resolved while the traffic went on: the quiet error log "
                + "held the partition's time back for seconds, not for the minute of the idle timeout");
            assertEquals(T0.plusSeconds(600).toEpochMilli(), got.get(1).endsAt());
        }
    }

    private static void send(final TestInputTopic<byte[], byte[]> logs, final String key, final String line) {
        logs.pipeInput(new TestRecord<>(key.getBytes(StandardCharsets.UTF_8), line.getBytes(StandardCharsets.UTF_8),
            Instant.ofEpochMilli(1)));
    }
}
