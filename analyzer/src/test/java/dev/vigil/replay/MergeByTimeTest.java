package dev.vigil.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

class MergeByTimeTest {

    private static ReplayRunner.Lane<long[]> lane(final long... times) {
        final Iterator<Long> it = java.util.Arrays.stream(times).boxed().iterator();
        return () -> it.hasNext() ? new long[] {it.next()} : null;
    }

    @Test
    void shouldMergeByTimeWithTiesToTheEarlierLaneAndEachLaneInItsOrder() throws IOException {
        final List<String> got = new ArrayList<>();
        ReplayRunner.mergeByTime(List.of(lane(5, 10, 10), lane(1, 10), lane(), lane(7, 3)), t -> t[0],
            (t, lane) -> got.add(lane + "@" + t[0]));
        assertEquals(List.of("1@1", "0@5", "3@7", "3@3", "0@10", "0@10", "1@10"), got,
            "a lane's out-of-order item stays after its predecessor; equal times go lane by lane");
    }
}
