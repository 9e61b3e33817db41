package dev.vigil.app;

import dev.vigil.alert.Alert;
import dev.vigil.alert.AlertJson;
import dev.vigil.broker.TopicPartitions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the alerts topic from its current end (committed records only) and hands each alert to a printer: how
 * {@code vigil run --format} and {@code vigil demo} show alerts as they fire. No consumer group: it never moves
 * anybody's offsets.
 */
final class AlertTail implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AlertTail.class);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long seen;

    AlertTail(final Properties client, final String topic, final Consumer<Alert> out) {
        final Properties p = new Properties();
        p.putAll(client);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        final List<TopicPartition> parts = TopicPartitions.of(consumer, topic, Duration.ofSeconds(15));
        consumer.assign(parts);
        consumer.seekToEnd(parts);
        for (final TopicPartition tp : parts) {
            consumer.position(tp, Duration.ofSeconds(15));
        }
        thread = new Thread(() -> loop(out), "vigil-alert-tail");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop(final Consumer<Alert> out) {
        try {
            while (running) {
                for (final ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(250))) {
                    try {
                        out.accept(AlertJson.read(new String(r.value(), StandardCharsets.UTF_8)));
                        seen++;
                    } catch (final IllegalArgumentException e) {
                        LOG.warn("skipping a record on the alerts topic that is not a vigil.alert/v1 alert");
                    }
                }
            }
        } catch (final WakeupException e) {
            // closing
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    /** Alerts printed so far. */
    long seen() {
        return seen;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(5_000);
    }
}
