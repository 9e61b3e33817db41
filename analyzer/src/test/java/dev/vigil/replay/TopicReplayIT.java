package dev.vigil.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.alert.Alert;
import dev.vigil.broker.KafkaTestBroker;
import dev.vigil.pack.PatternPack;
import dev.vigil.parse.TestParsers;
import dev.vigil.rule.AlertSettings;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code vigil replay --topic}: the demo incident published to a topic (one partition per file, entries in event-time
 * order as the demo publishes them) replays to the same alerts as the files, whole and for a time range, without
 * creating a consumer group.
 */
class TopicReplayIT {

    @RegisterExtension
    static final KafkaTestBroker BROKER = new KafkaTestBroker();

    private static String published;

    /** The demo published once for all tests of the class. */
    private static synchronized String publish(final List<Path> files) throws Exception {
        if (published != null) {
            return published;
        }
        final String topic = BROKER.createUniqueTopic("replay-logs", files.size());
        final List<ProducerRecord<String, String>> records = new ArrayList<>();
        ReplayRunner.forEachEntry(files, TestParsers.fixed(), (file, event) -> {
            for (final String line : event.line().split("\n", -1)) {
                if (!line.isEmpty()) {
                    records.add(new ProducerRecord<>(topic, files.indexOf(file), null, file.toString(), line));
                }
            }
        });
        BROKER.produceRecords(records);
        published = topic;
        return topic;
    }

    private static List<String> stable(final List<Alert> alerts) {
        return alerts.stream().map(GoldenReplayTest::stable).collect(Collectors.toList());
    }

    private static void compare(final List<Path> files, final String topic, final ReplayOptions options)
        throws Exception {
        final PatternPack pack = PatternPack.load(ReplayReportTest.PACK);
        final AlertSettings settings = AlertSettings.defaults("https://runbooks.example/");
        final List<Alert> fromFiles = new ArrayList<>();
        final ReplayRunner.Result a = new ReplayRunner(pack, TestParsers.fixed(), settings, options.withThreads(1))
            .run(files, fromFiles::add, d -> { });
        final List<Alert> fromTopic = new ArrayList<>();
        final ReplayRunner.Result b = new ReplayRunner(pack, TestParsers.fixed(), settings, options)
            .runTopic(Map.of("bootstrap.servers", BROKER.bootstrapServers(), "group.id", "must-not-be-used"), topic,
                fromTopic::add, d -> { });
        assertFalse(fromFiles.isEmpty());
        assertEquals(String.join("\n", stable(fromFiles)), String.join("\n", stable(fromTopic)));
        assertEquals(a.stats().matchesBySignature(), b.stats().matchesBySignature());
        if (options.until() == null) {
            // with --until a partition stops once its events are past it (by the margin), so fewer lines are read
            assertEquals(a.stats().deadLetteredByReason(), b.stats().deadLetteredByReason());
            assertEquals(a.stats().parsedBySource(), b.stats().parsedBySource());
            assertEquals(a.outOfRange(), b.outOfRange());
        }
    }

    @Test
    void shouldReplayATopicToTheSameAlertsAsTheFiles() throws Exception {
        final List<Path> files = ReplayReportTest.demo();
        final String topic = publish(files);
        compare(files, topic, ReplayOptions.defaults());
        // a time range: bounds on event time, the same for both
        final long since = Instant.parse("2024-05-01T10:10:00Z").toEpochMilli();
        final long until = Instant.parse("2024-05-01T10:22:00Z").toEpochMilli();
        final ReplayOptions d = ReplayOptions.defaults();
        compare(files, topic, new ReplayOptions(null, since, until, d.tickMillis(), true, 1));
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
            BROKER.bootstrapServers()))) {
            assertTrue(admin.listConsumerGroups().all().get().isEmpty(), "replay joins no consumer group");
        }
    }

    @Test
    void shouldSkipRecordsPublishedBeforeSince() throws Exception {
        final List<Path> files = ReplayReportTest.demo();
        final String topic = publish(files);
        final PatternPack pack = PatternPack.load(ReplayReportTest.PACK);
        final ReplayOptions d = ReplayOptions.defaults();
        final long future = System.currentTimeMillis() + 3_600_000L;
        final List<Alert> out = new ArrayList<>();
        final ReplayRunner.Result r = new ReplayRunner(pack, TestParsers.fixed(), AlertSettings.defaults("x"),
            new ReplayOptions(null, future, null, d.tickMillis(), true, 1))
            .runTopic(Map.of("bootstrap.servers", BROKER.bootstrapServers()), topic, out::add, x -> { });
        assertTrue(out.isEmpty());
        assertEquals(0, r.stats().totalRead(), "records published before --since (less the margin) are not read");
    }
}
