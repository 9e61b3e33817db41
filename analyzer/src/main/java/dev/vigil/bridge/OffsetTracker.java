package dev.vigil.bridge;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Which offsets may be committed: per partition, the offset after the longest prefix of read records that are all
 * settled (delivered, dropped or dead-lettered). A record still being retried holds back the commit of every later
 * record of its partition, so a restart redelivers it and nothing after it is lost.
 */
final class OffsetTracker {
    private final Map<TopicPartition, TreeMap<Long, Boolean>> open = new HashMap<>();
    private final Map<TopicPartition, Long> committed = new HashMap<>();

    void track(final TopicPartition tp, final long offset) {
        open.computeIfAbsent(tp, k -> new TreeMap<>()).put(offset, Boolean.FALSE);
    }

    void settle(final TopicPartition tp, final long offset) {
        final TreeMap<Long, Boolean> m = open.get(tp);
        if (m != null && m.containsKey(offset)) {
            m.put(offset, Boolean.TRUE);
        }
    }

    /** Offsets to commit now (only partitions that advanced since the last call), for the given partitions. */
    Map<TopicPartition, OffsetAndMetadata> committable(final Collection<TopicPartition> partitions) {
        final Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        for (final TopicPartition tp : partitions) {
            final TreeMap<Long, Boolean> m = open.get(tp);
            if (m == null) {
                continue;
            }
            long next = -1;
            while (!m.isEmpty() && m.firstEntry().getValue()) {
                next = m.pollFirstEntry().getKey() + 1;
            }
            if (next >= 0 && next > committed.getOrDefault(tp, -1L)) {
                committed.put(tp, next);
                out.put(tp, new OffsetAndMetadata(next));
            }
        }
        return out;
    }

    /** {@link #committable(Collection)} for every partition tracked. */
    Map<TopicPartition, OffsetAndMetadata> committable() {
        return committable(open.keySet());
    }

    /** Records read but not settled. */
    int unsettled() {
        int n = 0;
        for (final TreeMap<Long, Boolean> m : open.values()) {
            for (final Boolean b : m.values()) {
                if (!b) {
                    n++;
                }
            }
        }
        return n;
    }

    void forget(final Collection<TopicPartition> partitions) {
        for (final TopicPartition tp : partitions) {
            open.remove(tp);
            committed.remove(tp);
        }
    }
}
