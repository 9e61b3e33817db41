package dev.vigil.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class StatsTest {

    @Test
    void shouldCountFromManyThreadsWithoutLosingIncrements() throws Exception {
        final Stats stats = new Stats();
        final int threads = 4;
        final int perThread = 100_000;
        final ExecutorService pool = Executors.newFixedThreadPool(threads);
        final CountDownLatch go = new CountDownLatch(1);
        try {
            final List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                final String source = t % 2 == 0 ? "nginx" : "postgres";
                done.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < perThread; i++) {
                        stats.read(source);
                        stats.parsed(source);
                        if (i % 10 == 0) {
                            stats.deadLettered(source, "reason_" + (i % 3));
                        }
                    }
                    return null;
                }));
            }
            go.countDown();
            for (final Future<?> f : done) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        assertEquals(Map.of("nginx", 200_000L, "postgres", 200_000L), stats.readBySource());
        assertEquals(400_000L, stats.totalParsed());
        assertEquals(40_000L, stats.totalDeadLettered());
        assertEquals(Map.of("nginx", 20_000L, "postgres", 20_000L), stats.deadLetteredBySource());
    }

    @Test
    void shouldTellAnObserverAboutEachCellExactlyOnceWhetherOlderOrNewer() {
        final Stats stats = new Stats();
        stats.read("nginx");
        stats.read("nginx");
        final List<String> seen = new ArrayList<>();
        stats.observe(c -> seen.add(c.kind() + c.labels().toString()));

        stats.read("nginx");
        stats.deadLettered(null, "unknown_source");
        stats.alerted("nginx_upstream_down", "critical", "firing");
        stats.alerted("nginx_upstream_down", "critical", "firing");

        assertEquals(List.of("READ[nginx]", "DEAD_LETTERED[unknown, unknown_source]",
            "ALERTED[nginx_upstream_down, critical, firing]"), seen);
    }

    @Test
    void shouldKeepTheReplaySummaryViewsByTheirOldKeys() {
        final Stats stats = new Stats();
        stats.deadLettered("postgres", "postgres_bad_prefix");
        stats.deadLettered("nginx", "postgres_bad_prefix");
        stats.deadLettered("decode_empty");
        stats.alerted("a", "warning", "firing");
        stats.alerted("b", "error", "resolved");
        stats.truncated();

        assertEquals(Map.of("postgres_bad_prefix", 2L, "decode_empty", 1L), stats.deadLetteredByReason());
        assertEquals(Map.of("firing", 1L, "resolved", 1L), stats.alertsByStatus());
        assertEquals(1, stats.truncatedLines());
    }

    @Test
    void shouldSumOpenEpisodesOverOwnersAndForgetAnOwnerThatLeft() {
        final Stats stats = new Stats();
        final String key = Stats.openKey("nginx_upstream_down", "critical");

        stats.openEpisodes("1_0", Map.of(key, 2L));
        stats.openEpisodes("1_1", Map.of(key, 1L));
        assertEquals(3.0, open(stats, key));

        stats.openEpisodes("1_0", Map.of());
        assertEquals(1.0, open(stats, key), "a new report replaces the owner's last one");

        stats.dropOwner("1_1");
        assertEquals(0.0, open(stats, key));
    }

    @Test
    void shouldCapTheGroupsOfARuleAndShareTheRestInOther() {
        final Stats stats = new Stats();
        for (int i = 0; i < Stats.MAX_GROUPS_PER_RULE + 10; i++) {
            stats.ruleValue("nginx_5xx_ratio", "host" + i).set(i);
        }
        stats.ruleValue("nginx_5xx_ratio", "host0").set(0.5);

        final long cells = stats.cells().stream().filter(c -> c.kind() == Stats.Kind.RULE_VALUE).count();
        assertEquals(Stats.MAX_GROUPS_PER_RULE + 1, cells);
        assertEquals(0.5, value(stats, Stats.Kind.RULE_VALUE, List.of("nginx_5xx_ratio", "host0")));
        assertEquals(Stats.MAX_GROUPS_PER_RULE + 9.0,
            value(stats, Stats.Kind.RULE_VALUE, List.of("nginx_5xx_ratio", Stats.OTHER_GROUP)), "last write wins");
    }

    @Test
    void shouldAddCountersButNotGauges() {
        final Stats a = new Stats();
        final Stats b = new Stats();
        a.read("nginx");
        b.read("nginx");
        b.matched("nginx_upstream_down");
        b.ruleValue("r").set(7);

        a.add(b);

        assertEquals(2, a.totalRead());
        assertEquals(1, a.totalMatches());
        assertEquals(0, a.cells().stream().filter(c -> c.kind().gauge()).count());
    }

    private static double open(final Stats stats, final String key) {
        return value(stats, Stats.Kind.OPEN, List.of(key.split("\u0000")));
    }

    private static double value(final Stats stats, final Stats.Kind kind, final List<String> labels) {
        return stats.cells().stream().filter(c -> c.kind() == kind && c.labels().equals(labels))
            .findFirst().orElseThrow(() -> new AssertionError("no cell " + kind + labels)).value();
    }
}
