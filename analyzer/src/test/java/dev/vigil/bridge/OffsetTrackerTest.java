package dev.vigil.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class OffsetTrackerTest {
    private static final TopicPartition P0 = new TopicPartition("alerts", 0);
    private static final TopicPartition P1 = new TopicPartition("alerts", 1);

    @Test
    void shouldCommitOnlyThePrefixOfSettledRecords() {
        final OffsetTracker t = new OffsetTracker();
        for (long o = 10; o < 15; o++) {
            t.track(P0, o);
        }
        t.settle(P0, 10);
        t.settle(P0, 12);

        assertEquals(Map.of(P0, new OffsetAndMetadata(11)), t.committable());
        assertTrue(t.committable().isEmpty(), "nothing new");

        t.settle(P0, 11);
        assertEquals(Map.of(P0, new OffsetAndMetadata(13)), t.committable());
        assertEquals(2, t.unsettled());
    }

    @Test
    void shouldTrackPartitionsSeparatelyAndForgetRevokedOnes() {
        final OffsetTracker t = new OffsetTracker();
        t.track(P0, 0);
        t.track(P1, 7);
        t.settle(P1, 7);

        assertEquals(Map.of(P1, new OffsetAndMetadata(8)), t.committable(List.of(P0, P1)));
        t.forget(List.of(P0));
        assertEquals(0, t.unsettled());
    }
}
