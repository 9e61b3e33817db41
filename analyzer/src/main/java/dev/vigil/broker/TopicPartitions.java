package dev.vigil.broker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/** The partitions of a topic as a consumer assigns them. */
public final class TopicPartitions {
    private TopicPartitions() {
    }

    /**
     * Every partition of {@code topic}, in partition order; empty when the cluster does not know the topic.
     *
     * @param timeout how long the metadata request may take
     */
    public static List<TopicPartition> of(final Consumer<?, ?> consumer, final String topic, final Duration timeout) {
        final List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
        final List<TopicPartition> out = new ArrayList<>(infos == null ? 0 : infos.size());
        if (infos != null) {
            for (final PartitionInfo i : infos) {
                out.add(new TopicPartition(topic, i.partition()));
            }
        }
        out.sort(Comparator.comparingInt(TopicPartition::partition));
        return out;
    }
}
