package dev.vigil.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

import kafka.server.KafkaConfig;
import org.junit.jupiter.api.Test;

class EmbeddedKafkaOptionsTest {

    private static final Path DIR = Path.of("build", "kafka");
    private static final long TIMEOUT = Duration.ofSeconds(60).toNanos();

    @Test
    void shouldDefaultToLoopback9092AndAFreeControllerPort() {
        final EmbeddedKafka.Options o = EmbeddedKafka.Options.of(DIR);

        assertEquals("127.0.0.1", o.host());
        assertEquals(9092, o.port());
        assertEquals(0, o.controllerPort());
        assertEquals(Map.of(), o.brokerProperties());
        assertEquals(Path.of(".vigil", "kafka"), EmbeddedKafka.Options.DEFAULT_DATA_DIR);
    }

    @Test
    void shouldCopyOnEveryWither() {
        final EmbeddedKafka.Options o = EmbeddedKafka.Options.of(DIR)
            .withPort(0).withControllerPort(19093).withHost("localhost")
            .withBrokerProperty("log.retention.bytes", "1000").withStartTimeout(Duration.ofSeconds(5));

        assertEquals(new EmbeddedKafka.Options(DIR, "localhost", 0, 19093, Map.of("log.retention.bytes", "1000"),
            Duration.ofSeconds(5)), o);
    }

    @Test
    void shouldRejectPropertiesDerivedFromTheOptions() {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> EmbeddedKafka.Options.of(DIR).withBrokerProperty("listeners", "PLAINTEXT://:9999"));

        assertTrue(e.getMessage().contains("'listeners'"), e.getMessage());
    }

    @Test
    void shouldRejectBadPortsAndTimeouts() {
        final EmbeddedKafka.Options o = EmbeddedKafka.Options.of(DIR);

        assertThrows(IllegalArgumentException.class, () -> o.withPort(-1));
        assertThrows(IllegalArgumentException.class, () -> o.withPort(65536));
        assertThrows(IllegalArgumentException.class, () -> o.withControllerPort(9092));
        assertThrows(IllegalArgumentException.class, () -> o.withStartTimeout(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> o.withHost(" "));
    }

    @Test
    void shouldBuildAValidSingleNodeConfig() {
        final Properties p = BrokerProperties.of(DIR, "127.0.0.1", 9092, 19093, TIMEOUT, Map.of());

        final KafkaConfig config = KafkaConfig.fromProps(p, false);

        assertEquals(1, config.nodeId());
        assertEquals("1@127.0.0.1:19093", p.getProperty("controller.quorum.voters"));
        assertEquals("PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:19093", p.getProperty("listeners"));
        assertEquals(DIR.toAbsolutePath().normalize().toString(), p.getProperty("log.dirs"));
    }

    @Test
    void shouldSatisfyEveryInternalTopicWithOneReplica() {
        final Properties p = BrokerProperties.of(DIR, "127.0.0.1", 9092, 19093, TIMEOUT, Map.of());

        for (final String key : new String[] {"default.replication.factor", "min.insync.replicas",
            "offsets.topic.replication.factor", "transaction.state.log.replication.factor",
            "transaction.state.log.min.isr", "share.coordinator.state.topic.replication.factor",
            "share.coordinator.state.topic.min.isr"}) {
            assertEquals("1", p.getProperty(key), key);
        }
        assertEquals("0", p.getProperty("group.initial.rebalance.delay.ms"));
        assertEquals("false", p.getProperty("auto.create.topics.enable"));
        assertEquals("3", p.getProperty("num.partitions"));
    }

    @Test
    void shouldNeverDeleteRecordsBecauseOfTheirAge() {
        final Properties p = BrokerProperties.of(DIR, "127.0.0.1", 9092, 19093, TIMEOUT, Map.of());

        assertEquals("-1", p.getProperty("log.retention.ms"));
        assertEquals(Long.toString(1L << 30), p.getProperty("log.retention.bytes"));
        assertEquals("CreateTime", p.getProperty("log.message.timestamp.type"));
        assertEquals(Long.toString(Long.MAX_VALUE), p.getProperty("log.message.timestamp.after.max.ms"));
    }

    @Test
    void shouldLetExtraPropertiesOverrideTheDefaults() {
        final Properties p = BrokerProperties.of(DIR, "127.0.0.1", 9092, 19093, TIMEOUT, Map.of("log.retention.ms", "3600000"));

        assertEquals("3600000", p.getProperty("log.retention.ms"));
    }
}
