package dev.vigil.bridge;

import dev.vigil.alert.Alert;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/** One alert read from Kafka and not yet delivered, dropped or dead-lettered, with its retry state. */
final class Pending {
    final ConsumerRecord<byte[], byte[]> record;
    final TopicPartition partition;
    final Alert alert;
    /** Arrival order within this bridge process. */
    final long seq;
    final long firstSeen;
    final long deadline;
    long nextAttempt;
    int attempts;
    String lastError;
    /** Set after a grouped message was rejected: send this alert on its own to find the culprit. */
    boolean solo;
    boolean done;

    Pending(final ConsumerRecord<byte[], byte[]> record, final Alert alert, final long seq, final long now,
            final long maxAgeMillis) {
        this.record = record;
        this.partition = record == null ? null : new TopicPartition(record.topic(), record.partition());
        this.alert = alert;
        this.seq = seq;
        this.firstSeen = now;
        this.deadline = now + maxAgeMillis;
        this.nextAttempt = now;
    }

    String id() {
        return alert.id();
    }

    @Override
    public String toString() {
        return "Pending[" + alert.id() + " " + alert.status().id() + " attempts=" + attempts + "]";
    }
}
