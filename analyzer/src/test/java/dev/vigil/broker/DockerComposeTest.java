package dev.vigil.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.vigil.metrics.PromText;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What `docker-compose config` cannot know about docker-compose.yml: that its Kafka runs with the embedded broker's
 * settings, that every port stays on loopback, that the files it mounts exist, and that Vector ships to the topic
 * and broker Vigil reads.
 */
class DockerComposeTest {
    private static final Path ROOT = PromText.root();
    private static final YAMLMapper YAML = new YAMLMapper();

    private static JsonNode compose() throws IOException {
        return YAML.readTree(ROOT.resolve("docker-compose.yml").toFile());
    }

    @Test
    void shouldRunKafkaWithTheEmbeddedBrokersRetentionAndTimestampSettings() throws IOException {
        final JsonNode env = compose().at("/services/kafka/environment");
        final Properties embedded = BrokerProperties.of(Path.of("/tmp/x"), "127.0.0.1", 9092, 9093, 1_000, Map.of());
        for (final String key : Set.of("log.retention.ms", "log.retention.bytes", "log.message.timestamp.type",
            "log.message.timestamp.after.max.ms", "auto.create.topics.enable", "num.partitions")) {
            final String var = "KAFKA_" + key.toUpperCase(Locale.ROOT).replace('.', '_');
            assertEquals(embedded.getProperty(key), env.path(var).asText(), var);
        }
        // and nothing that contradicts it
        env.fieldNames().forEachRemaining(var -> {
            final String key = var.substring("KAFKA_".length()).toLowerCase(Locale.ROOT).replace('_', '.');
            if (var.startsWith("KAFKA_") && embedded.containsKey(key) && !BrokerProperties.RESERVED.contains(key)) {
                assertEquals(embedded.getProperty(key), env.path(var).asText(), var);
            }
        });
        assertTrue(compose().at("/services/kafka/image").asText().endsWith(":4.1.1"), "the Kafka Vigil is built on");
    }

    @Test
    void shouldBindEveryPortToLoopbackAndMountFilesThatExist() throws IOException {
        final JsonNode services = compose().path("services");
        services.fields().forEachRemaining(s -> {
            for (final JsonNode p : s.getValue().path("ports")) {
                assertTrue(p.asText().startsWith("127.0.0.1:"), s.getKey() + " publishes " + p.asText());
            }
            for (final JsonNode v : s.getValue().path("volumes")) {
                final String host = v.asText().split(":")[0];
                if (host.startsWith("./")) {
                    assertTrue(Files.exists(ROOT.resolve(host.substring(2))), s.getKey() + " mounts " + host);
                }
            }
        });
        assertTrue(Files.exists(ROOT.resolve("Dockerfile")));
    }

    @Test
    void shouldShipTheSamplesToTheTopicAndBrokerVigilReads() throws IOException {
        final JsonNode vigil = compose().at("/services/vigil/environment");
        final JsonNode sink = YAML.readTree(ROOT.resolve("deploy/vector/vector.yaml").toFile()).at("/sinks/vigil");
        assertEquals(vigil.path("VIGIL_BOOTSTRAP_SERVERS").asText(), sink.path("bootstrap_servers").asText());
        assertEquals(vigil.path("VIGIL_INPUT_TOPICS").asText(), sink.path("topic").asText());
        assertEquals("json", sink.at("/encoding/codec").asText(), "Vigil decodes Vector's JSON envelope");
        final JsonNode vector = compose().at("/services/vector/volumes");
        boolean samples = false;
        for (final JsonNode v : vector) {
            samples |= v.asText().startsWith("./samples/demo:/var/log/demo");
        }
        assertTrue(samples, "the samples are mounted where vector.yaml reads them");
        final String include = YAML.readTree(ROOT.resolve("deploy/vector/vector.yaml").toFile())
            .at("/sources/demo_logs/include/0").asText();
        assertEquals("/var/log/demo/*.log", include);
    }
}
