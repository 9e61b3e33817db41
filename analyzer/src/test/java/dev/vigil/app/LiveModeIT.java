package dev.vigil.app;

import static dev.vigil.app.LiveHarness.WAIT;
import static dev.vigil.app.LiveHarness.atLeast;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.alert.Alert;
import dev.vigil.alert.AlertJson;
import dev.vigil.app.LiveHarness.TopicReader;
import dev.vigil.broker.KafkaTestBroker;
import dev.vigil.topology.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live mode on a real broker, one {@link LiveRunner} per test (exactly_once_v2, three input partitions): the demo
 * incident shipped as {@code vigil demo} ships it comes out as the expected alerts, the same alerts a replay of the
 * same input gives, and a poison pill is dead-lettered without stopping anything.
 */
@Tag("integration")
class LiveModeIT {

    @RegisterExtension
    static final KafkaTestBroker BROKER = new KafkaTestBroker();

    @TempDir
    Path tmp;

    /** The demo incident's alerts: name, status, startsAt, endsAt (from its timeline, checked by hand). */
    private static final List<String> DEMO_ALERTS = List.of(
        "firing journald_ssh_failed_password 2024-05-01T10:05:00Z -",
        "firing postgres_too_many_clients 2024-05-01T10:08:00.896Z -",
        "firing synapse_database_connection_failed 2024-05-01T10:09:00.429Z -",
        "firing nginx_http_502_bad_gateway 2024-05-01T10:12:00Z -",
        "firing nginx_upstream_connection_refused 2024-05-01T10:12:00Z -",
        "firing journald_kernel_oom_killed_process 2024-05-01T10:15:00Z -",
        "firing journald_unit_main_process_failed 2024-05-01T10:15:01Z -",
        "firing journald_unit_failed 2024-05-01T10:15:01Z -",
        "firing postgres_deadlock_detected 2024-05-01T10:20:00.608Z -",
        "firing postgres_slow_query 2024-05-01T10:21:00.467Z -",
        "resolved journald_ssh_failed_password 2024-05-01T10:05:00Z 2024-05-01T10:20:48Z",
        "resolved postgres_too_many_clients 2024-05-01T10:08:00.896Z 2024-05-01T10:23:15.358Z",
        "resolved synapse_database_connection_failed 2024-05-01T10:09:00.429Z 2024-05-01T10:24:00.429Z",
        "resolved journald_kernel_oom_killed_process 2024-05-01T10:15:00Z 2024-05-01T10:30:00Z",
        "resolved journald_unit_failed 2024-05-01T10:15:01Z 2024-05-01T10:30:01Z",
        "resolved journald_unit_main_process_failed 2024-05-01T10:15:01Z 2024-05-01T10:30:01Z",
        "resolved nginx_upstream_connection_refused 2024-05-01T10:12:00Z 2024-05-01T10:30:40Z",
        "resolved nginx_http_502_bad_gateway 2024-05-01T10:12:00Z 2024-05-01T10:30:51Z",
        "resolved postgres_deadlock_detected 2024-05-01T10:20:00.608Z 2024-05-01T10:35:00.608Z",
        "resolved postgres_slow_query 2024-05-01T10:21:00.467Z 2024-05-01T10:36:00.467Z",
        // the windowed rules: two addresses brute-forcing sshd, and the 5xx ratio of the outage
        "firing all_auth_brute_force",
        "firing all_auth_brute_force",
        "firing nginx_5xx_ratio",
        "resolved all_auth_brute_force",
        "resolved all_auth_brute_force",
        "resolved nginx_5xx_ratio");

    private static String brief(final Alert a) {
        if (a.kind() == Alert.Kind.RULE) {
            // evaluated at ticks: over 3 partitions the tick order can move a rule's times by a tick
            return a.status().id() + " " + a.name();
        }
        return a.status().id() + " " + a.name() + " " + AlertJson.iso(a.startsAt()) + " "
            + (a.endsAt() == null ? "-" : AlertJson.iso(a.endsAt()));
    }

    private static List<String> sorted(final List<String> l) {
        return l.stream().sorted().collect(Collectors.toList());
    }

    @Test
    void shouldTurnTheShippedDemoIncidentIntoItsAlerts() throws Exception {
        final VigilConfig cfg = LiveHarness.config(BROKER, "e2e");
        try (LiveRunner runner = LiveHarness.start(cfg);
             TopicReader alerts = new TopicReader(BROKER.bootstrapServers(), cfg.alertsTopic)) {
            final long shipped = LiveHarness.ship(cfg, LiveHarness.demoFiles(), t -> true);
            alerts.await(atLeast(13, Alert.Status.FIRING), WAIT, "the incident's 13 firing alerts");
            LiveHarness.shipLater(cfg, LiveHarness.demoFiles());
            alerts.await(atLeast(13, Alert.Status.RESOLVED), WAIT, "13 resolved alerts");
            final List<Alert> got = TopicReader.alerts(alerts.drain(java.time.Duration.ofMillis(500)));

            assertEquals(sorted(DEMO_ALERTS), sorted(got.stream().map(LiveModeIT::brief).collect(Collectors.toList())));
            assertTrue(shipped >= 550, "the demo has ~558 lines; shipped " + shipped);
            assertEquals(0, runner.stats().totalDeadLettered(), "every demo line parses: "
                + runner.stats().deadLetteredByReason());
        }
    }

    @Test
    void shouldEmitWhatAReplayOfTheSameInputEmits() throws Exception {
        final List<Path> files = new ArrayList<>(LiveHarness.demoFiles());
        final List<Alert> replayed = LiveHarness.replay(
            java.util.stream.Stream.concat(files.stream(), java.util.stream.Stream.of(LiveHarness.laterFile(tmp)))
                .collect(Collectors.toList()));
        final VigilConfig cfg = LiveHarness.config(BROKER, "equivalence");
        try (LiveRunner runner = LiveHarness.start(cfg);
             TopicReader alerts = new TopicReader(BROKER.bootstrapServers(), cfg.alertsTopic)) {
            LiveHarness.ship(cfg, files, t -> true);
            LiveHarness.shipLater(cfg, files);
            alerts.await(r -> TopicReader.alerts(r).size() >= replayed.size(), WAIT,
                replayed.size() + " alerts like the replay");
            final List<Alert> live = TopicReader.alerts(alerts.drain(java.time.Duration.ofMillis(500)));

            assertEquals(String.join("\n", LiveHarness.stableSorted(replayed)),
                String.join("\n", LiveHarness.stableSorted(live)));
        }
    }

    @Test
    void shouldDeadLetterPoisonPillsWithTheirOriginalBytesAndGoOn() throws Exception {
        final VigilConfig cfg = LiveHarness.config(BROKER, "poison");
        final byte[] empty = "{\"message\":\"  \",\"source_type\":\"file\",\"host\":\"web9\"}"
            .getBytes(StandardCharsets.UTF_8);
        final byte[] notUtf8 = {(byte) 0xff, (byte) 0xfe, 'n', 'o', ' ', 's', 'h', 'a', 'p', 'e', (byte) 0xc3};
        final byte[] wrapped = ("{\"message\":\"this line has no shape any parser knows\",\"source_type\":\"file\","
            + "\"host\":\"web9\",\"file\":\"/var/log/odd.log\"}").getBytes(StandardCharsets.UTF_8);
        try (LiveRunner runner = LiveHarness.start(cfg);
             TopicReader dead = new TopicReader(BROKER.bootstrapServers(), cfg.deadLetterTopic);
             TopicReader alerts = new TopicReader(BROKER.bootstrapServers(), cfg.alertsTopic)) {
            BROKER.produceBytes(cfg.inputTopics.get(0), List.of(empty, notUtf8, wrapped));
            final List<ConsumerRecord<byte[], byte[]>> letters = dead.await(r -> r.size() >= 3, WAIT,
                "three dead letters");
            LiveHarness.ship(cfg, LiveHarness.demoFiles(), t -> true);
            alerts.await(atLeast(10, Alert.Status.FIRING), WAIT, "the incident's alerts after the poison pills");

            assertEquals(3, letters.size());
            assertEquals("decode_empty", header(letter(letters, empty), Topics.HEADER_REASON));
            assertEquals("unknown_source", header(letter(letters, notUtf8), Topics.HEADER_REASON));
            assertEquals("unknown_source", header(letter(letters, wrapped), Topics.HEADER_REASON));
            assertTrue(header(letter(letters, wrapped), Topics.HEADER_ORIGIN).startsWith(cfg.inputTopics.get(0) + "/"),
                header(letter(letters, wrapped), Topics.HEADER_ORIGIN));
            assertEquals(3, runner.stats().totalDeadLettered(), runner.stats().deadLetteredByReason().toString());
        }
    }

    /** The dead letter whose value is exactly {@code original}: the bytes as they came, not a decoded text. */
    private static ConsumerRecord<byte[], byte[]> letter(final List<ConsumerRecord<byte[], byte[]>> letters,
                                                        final byte[] original) {
        return letters.stream().filter(r -> java.util.Arrays.equals(original, r.value())).findFirst()
            .orElseThrow(() -> new AssertionError("no dead letter holds the original bytes of "
                + new String(original, StandardCharsets.UTF_8) + "; got " + letters.stream()
                .map(r -> new String(r.value(), StandardCharsets.UTF_8)).collect(Collectors.toList())));
    }

    private static String header(final ConsumerRecord<byte[], byte[]> r, final String name) {
        final Header h = r.headers().lastHeader(name);
        return h == null ? "<no " + name + " header>" : new String(h.value(), StandardCharsets.UTF_8);
    }
}
