package dev.vigil.rule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.vigil.alert.Alert;
import dev.vigil.alert.Fingerprint;
import dev.vigil.engine.Hit;
import dev.vigil.pack.TestPacks;
import dev.vigil.parse.Source;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AlertLifecycleTest {

    private static final long T0 = 1_714_557_600_000L; // 2024-05-01T10:00:00Z
    private static final long MIN = 60_000;

    private final List<Alert> out = new ArrayList<>();
    private AlertLifecycle lifecycle;

    @BeforeEach
    void setUp() {
        lifecycle = new AlertLifecycle(TestPacks.of(TestPacks.signature("nginx_upstream_down", Source.NGINX,
            "connect\\(\\) failed", 10 * MIN)), new AlertSettings("https://rb.example/", 60 * MIN, 2, 512),
            new MapKeyedStore<>(), out::add);
    }

    private static Hit hit(final String host, final long time) {
        final TreeMap<String, String> labels = new TreeMap<>();
        labels.put("host", host);
        return new Hit("nginx_upstream_down", labels, time, "line at " + time);
    }

    @Test
    void shouldFireOnceForRepeatedMatchesOfOneEpisode() {
        lifecycle.onHit(hit("web1", T0));
        lifecycle.onHit(hit("web1", T0 + MIN));
        lifecycle.onHit(hit("web1", T0 + 2 * MIN));
        assertEquals(1, out.size());
        final Alert a = out.get(0);
        assertEquals(Alert.Status.FIRING, a.status());
        assertEquals(T0, a.startsAt());
        assertNull(a.endsAt());
        assertEquals(Fingerprint.of("nginx_upstream_down", new TreeMap<>(java.util.Map.of("host", "web1"))), a.id());
        assertEquals("nginx_upstream_down on web1", a.summary());
        assertEquals("https://rb.example/nginx.md#nginx_upstream_down", a.runbook());
    }

    @Test
    void shouldKeepEpisodesOfDifferentLabelsApart() {
        lifecycle.onHit(hit("web1", T0));
        lifecycle.onHit(hit("web2", T0));
        assertEquals(2, out.size());
    }

    @Test
    void shouldStayFiringOneMillisecondBeforeTheQuietPeriodEnds() {
        lifecycle.onHit(hit("web1", T0));
        lifecycle.advance(T0 + 10 * MIN - 1);
        assertEquals(1, out.size());
        lifecycle.advance(T0 + 10 * MIN);
        assertEquals(2, out.size());
        final Alert r = out.get(1);
        assertEquals(Alert.Status.RESOLVED, r.status());
        assertEquals(out.get(0).id(), r.id());
        assertEquals(T0, r.startsAt());
        assertEquals(T0 + 10 * MIN, r.endsAt());
    }

    @Test
    void shouldMeasureTheQuietPeriodFromTheLastMatch() {
        lifecycle.onHit(hit("web1", T0));
        lifecycle.onHit(hit("web1", T0 + 9 * MIN));
        lifecycle.advance(T0 + 18 * MIN);
        assertEquals(1, out.size());
        lifecycle.advance(T0 + 19 * MIN);
        assertEquals(T0 + 19 * MIN, out.get(1).endsAt());
        assertEquals(2, out.get(1).count());
        assertEquals(2, out.get(1).evidence().size());
    }

    @Test
    void shouldStartANewEpisodeAfterResolving() {
        lifecycle.onHit(hit("web1", T0));
        lifecycle.advance(T0 + 30 * MIN);
        lifecycle.onHit(hit("web1", T0 + 30 * MIN));
        assertEquals(3, out.size());
        assertEquals(Alert.Status.RESOLVED, out.get(1).status());
        assertEquals(Alert.Status.FIRING, out.get(2).status());
        assertEquals(T0 + 30 * MIN, out.get(2).startsAt());
    }

    @Test
    void shouldStartANewEpisodeForAMatchAfterTheQuietPeriodBeforeTimeSaysSo() {
        final BackEnd back = backEnd(Long.MAX_VALUE);
        back.watermark("task-b", T0, 0);
        back.watermark("task-a", T0, 0);
        back.hit(hit("web1", T0));
        back.watermark("task-a", T0 + 30 * MIN, 0);
        back.hit(hit("web1", T0 + 10 * MIN - 1));
        back.hit(hit("web1", T0 + 30 * MIN));
        assertEquals(List.of("firing@" + T0, "resolved@" + T0, "firing@" + (T0 + 30 * MIN)),
            out.stream().map(a -> a.status().id() + "@" + a.startsAt()).collect(java.util.stream.Collectors.toList()),
            "task-b holds time at 10:00, but web1 was quiet for 20 min before its 10:30 line: a new incident pages");
        assertEquals(T0 + 20 * MIN - 1, out.get(1).endsAt());
        assertEquals(2, out.get(1).count());
    }

    @Test
    void shouldRenotifyWithUpdatedCountersAfterTheRenotifyPeriod() {
        for (int i = 0; i <= 70; i += 5) {
            lifecycle.advance(T0 + i * MIN);
            lifecycle.onHit(hit("web1", T0 + i * MIN));
        }
        assertEquals(2, out.size());
        assertEquals(Alert.Status.FIRING, out.get(1).status());
        assertEquals(T0, out.get(1).startsAt());
        assertEquals(13, out.get(1).count());
    }

    @Test
    void shouldResolveEverythingAtTheEndOfAReplay() {
        lifecycle.onHit(hit("web2", T0 + MIN));
        lifecycle.onHit(hit("web1", T0));
        lifecycle.finish();
        assertEquals(4, out.size());
        assertEquals("web1", out.get(2).labels().get("host"));
        assertEquals(T0 + 10 * MIN, out.get(2).endsAt());
        assertEquals(T0 + 11 * MIN, out.get(3).endsAt());
    }

    @Test
    void shouldNotLetHitsMoveTime() {
        lifecycle.onHit(hit("web1", T0));
        lifecycle.onHit(hit("web2", T0 + 60 * MIN));
        assertEquals(2, out.size(), "only ticks resolve: a hit from a fast stream must not end another's episode");
    }

    private BackEnd backEnd(final long idleMillis) {
        final dev.vigil.pack.PatternPack pack = TestPacks.of(TestPacks.signature("nginx_upstream_down",
            Source.NGINX, "connect\\(\\) failed", 10 * MIN));
        return new BackEnd(new AlertLifecycle(pack, AlertSettings.defaults("x"), new MapKeyedStore<>(), out::add),
            new RuleEngine(pack, AlertSettings.defaults("x"), new MapKeyedStore<>(), out::add,
                new dev.vigil.engine.Stats()), idleMillis);
    }

    @Test
    void shouldFollowTheSlowestInputStream() {
        final BackEnd back = backEnd(Long.MAX_VALUE);
        back.watermark("task-b", T0, 0);
        back.hit(hit("web1", T0));
        back.watermark("task-a", T0 + 60 * MIN, 0);
        back.watermark("task-b", T0 + 5 * MIN, 0);
        assertEquals(1, out.size(), "task-b is still at 10:05: web1 may yet get more lines");
        back.watermark("task-b", T0 + 10 * MIN, 1_000);
        assertEquals(2, out.size());
    }

    @Test
    void shouldStopWaitingForAnIdleInputStream() {
        final BackEnd back = backEnd(30_000);
        back.hit(hit("web1", T0));
        back.watermark("task-b", T0 + MIN, 0);
        back.watermark("task-a", T0 + 60 * MIN, 29_999);
        assertEquals(1, out.size());
        back.watermark("task-a", T0 + 61 * MIN, 30_000);
        assertEquals(2, out.size(), "task-b said nothing for 30 s of wall-clock time: it no longer holds time back");
    }

    @Test
    void shouldNotLetAStreamHeardFromLateFindItsEpisodeResolvedByFasterStreams() {
        final BackEnd back = backEnd(Long.MAX_VALUE);
        back.watermark("task-a", T0 + 60 * MIN, 0);
        back.watermark("task-b", T0, 0);
        back.hit(hit("web1", T0));
        back.watermark("task-a", T0 + 61 * MIN, 0);
        back.hit(hit("web1", T0 + 30_000));
        back.watermark("task-b", T0 + 5 * MIN, 0);
        assertEquals(1, out.size(), "task-b is at 10:05 though task-a ran ahead to 11:01 before task-b was heard "
            + "from: web1's episode stays open and its second line is no new page");
        back.watermark("task-b", T0 + 11 * MIN, 0);
        assertEquals(List.of(Alert.Status.FIRING, Alert.Status.RESOLVED),
            out.stream().map(Alert::status).collect(java.util.stream.Collectors.toList()));
        assertEquals(2, out.get(1).count());
    }

    @Test
    void shouldWaitForAnExpectedInputStreamThatHasNotReportedYet() {
        final BackEnd expecting = backEnd(30_000);
        expecting.expect("task-b", 0);
        expecting.watermark("task-a", T0, 0);
        expecting.hit(hit("web1", T0));
        expecting.watermark("task-a", T0 + 60 * MIN, 29_999);
        assertEquals(1, out.size(), "task-b has not reported yet: its lines may extend web1's episode");
        expecting.watermark("task-a", T0 + 61 * MIN, 30_000);
        assertEquals(2, out.size(), "task-b said nothing for 30 s since it was expected: it no longer holds time back");
    }

    @Test
    void shouldIgnoreHitsOfSignaturesThePackNoLongerHas() {
        lifecycle.onHit(new Hit("gone", new TreeMap<>(), T0, "x"));
        assertEquals(0, out.size());
    }
}
