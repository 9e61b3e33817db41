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

    @Test
    void shouldMatchASortByTimeThenLaneOnRandomLanesWithRunsTiesAndStepsBack() throws IOException {
        final java.util.Random random = new java.util.Random(42);
        for (int round = 0; round < 200; round++) {
            final int n = 1 + random.nextInt(12);
            final List<long[][]> lanes = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                final long[][] items = new long[random.nextInt(40)][];
                long t = random.nextInt(20);
                for (int k = 0; k < items.length; k++) {
                    // mostly forwards in small steps (ties and runs), now and then a step back
                    t += random.nextInt(10) == 0 ? -random.nextInt(5) : random.nextInt(3);
                    items[k] = new long[] {t, i, k};
                }
                lanes.add(items);
            }
            // the reference: each lane's next item competes with the other lanes' heads, lowest (time, lane) first
            final List<String> want = new ArrayList<>();
            final int[] next = new int[n];
            while (true) {
                int best = -1;
                for (int i = 0; i < n; i++) {
                    if (next[i] < lanes.get(i).length
                        && (best < 0 || lanes.get(i)[next[i]][0] < lanes.get(best)[next[best]][0])) {
                        best = i;
                    }
                }
                if (best < 0) {
                    break;
                }
                final long[] item = lanes.get(best)[next[best]++];
                want.add(item[1] + ":" + item[2] + "@" + item[0]);
            }
            final List<ReplayRunner.Lane<long[]>> sources = new ArrayList<>();
            for (final long[][] items : lanes) {
                final Iterator<long[]> it = java.util.Arrays.asList(items).iterator();
                sources.add(() -> it.hasNext() ? it.next() : null);
            }
            final List<String> got = new ArrayList<>();
            ReplayRunner.mergeByTime(sources, t -> t[0], (t, lane) -> got.add(lane + ":" + t[2] + "@" + t[0]));
            assertEquals(want, got, "round " + round);
        }
    }
}
