package dev.vigil.rule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.alert.Alert;
import dev.vigil.engine.Stats;
import dev.vigil.pack.PatternPack;
import dev.vigil.pack.RuleSpec;
import dev.vigil.pack.TestPacks;
import dev.vigil.parse.Source;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The stateful step of the rules on its own: fire, hold, resolve, hysteresis, for, cap. */
class RuleEngineTest {

    private static final long T0 = 1_714_557_600_000L;
    private static final long MIN = 60_000;
    private static final long SEC = 1_000;

    private final List<Alert> out = new ArrayList<>();
    private final Stats stats = new Stats();

    private RuleEngine engine(final RuleSpec rule) {
        final PatternPack pack = TestPacks.of(List.of(), List.of(rule));
        return new RuleEngine(pack, AlertSettings.defaults("x"), new MapKeyedStore<>(), out::add, stats);
    }

    private static RuleSpec auth(final long forMillis, final int maxGroups) {
        return TestPacks.countRule("all_auth_failures", Source.NGINX, 5 * MIN, MIN, 20, forMillis, 2 * MIN, 2 * MIN,
            maxGroups, List.of("client"));
    }

    private static Partial partial(final String client, final long bucket, final int n, final long time) {
        final Aggregate a = new Aggregate();
        for (int i = 0; i < n; i++) {
            a.add(time, true, Double.NaN, null, false);
        }
        final SortedMap<String, String> labels = new TreeMap<>();
        labels.put("client", client);
        return new Partial("all_auth_failures", labels, bucket, a);
    }

    @Test
    void shouldStaySilentOneBelowTheThresholdAndFireAtIt() {
        final RuleEngine e = engine(auth(0, 100));
        e.onPartial(partial("10.0.0.1", T0, 19, T0 + 30 * SEC));
        e.advance(T0 + 50 * SEC);
        assertTrue(out.isEmpty(), "19 failures stay silent");
        e.onPartial(partial("10.0.0.1", T0, 1, T0 + 55 * SEC));
        e.advance(T0 + 60 * SEC);
        assertEquals(1, out.size());
        final Alert a = out.get(0);
        assertEquals(Alert.Status.FIRING, a.status());
        assertEquals(20.0, a.value());
        assertEquals(20.0, a.threshold());
        // time crossed the minute boundary: the window that ended there is judged first, at its last millisecond
        assertEquals(T0 + 60 * SEC - 1, a.startsAt());
        assertEquals("10.0.0.1", a.labels().get("client"));
        assertEquals(Alert.Kind.RULE, a.kind());
    }

    @Test
    void shouldJudgeTheWindowThatEndedBetweenTwoTicks() {
        // 19 failures early in minute 0, the 20th just before the minute-5 boundary; the next tick comes later
        final RuleEngine e = engine(auth(0, 100));
        e.onPartial(partial("10.0.0.1", T0, 19, T0 + 5 * SEC));
        e.advance(T0 + 10 * SEC);
        e.onPartial(partial("10.0.0.1", T0 + 4 * MIN, 1, T0 + 5 * MIN - SEC));
        e.advance(T0 + 5 * MIN + 30 * SEC);
        assertEquals(1, out.size(), "the window [0, 5m) held all 20");
        assertEquals(T0 + 5 * MIN - 1, out.get(0).startsAt());
    }

    @Test
    void shouldForgetAQuietGroupBelowTheThresholdOnceItsWindowIsEmptyAndFireOnItsNextBurst() {
        final PatternPack pack = TestPacks.of(List.of(), List.of(auth(0, 100)));
        final MapKeyedStore<RuleState> store = new MapKeyedStore<>();
        final RuleEngine e = new RuleEngine(pack, AlertSettings.defaults("x"), store, out::add, stats);
        e.onPartial(partial("10.0.0.9", T0, 19, T0 + 5 * SEC));
        e.onPartial(partial("10.0.0.8", T0, 1, T0 + 5 * SEC));
        e.advance(T0 + 10 * SEC);
        assertEquals(19, stats.ruleValue("all_auth_failures").get(), "the rule's value is its worst group's");
        // minute after minute without input: the counts can only fall
        for (long t = T0 + MIN; t <= T0 + 7 * MIN; t += MIN) {
            e.advance(t + SEC);
            assertEquals(t < T0 + 7 * MIN ? 2 : 0, store.size(),
                "kept while a bucket lies within window + grace, at " + (t - T0) / MIN + "m");
        }
        assertEquals(0, stats.ruleValue("all_auth_failures").get(), "the worst group's value fell to nothing");
        assertEquals(List.of(), out);
        e.onPartial(partial("10.0.0.9", T0 + 8 * MIN, 20, T0 + 8 * MIN + SEC));
        e.advance(T0 + 8 * MIN + 10 * SEC);
        assertEquals(1, out.size(), "20 failures in a window fire, whatever the group's quiet past");
        assertEquals(20.0, out.get(0).value());
    }

    @Test
    void shouldFireOncePerEpisodeAndResolveAfterTheQuietPeriod() {
        final RuleEngine e = engine(auth(0, 100));
        e.onPartial(partial("10.0.0.1", T0, 25, T0 + 30 * SEC));
        for (long t = T0 + MIN; t <= T0 + 12 * MIN; t += 10 * SEC) {
            e.advance(t);
        }
        assertEquals(2, out.size(), "one firing, one resolved: " + out);
        // the 25 failures leave the 5-minute window at 5m; the count stays clear for 2m more
        assertEquals(Alert.Status.RESOLVED, out.get(1).status());
        assertEquals(T0 + 7 * MIN, out.get(1).endsAt());
    }

    @Test
    void shouldWaitForTheConditionToHoldForItsForPeriod() {
        final RuleEngine e = engine(auth(2 * MIN, 100));
        e.onPartial(partial("10.0.0.1", T0, 30, T0));
        e.advance(T0 + 10 * SEC);
        e.advance(T0 + 2 * MIN);
        assertTrue(out.isEmpty(), "held 1m50s of 2m");
        e.advance(T0 + 2 * MIN + 10 * SEC);
        assertEquals(1, out.size());
        assertEquals(T0 + 2 * MIN + 10 * SEC, out.get(0).startsAt());
    }

    @Test
    void shouldKeepGroupsApart() {
        final RuleEngine e = engine(auth(0, 100));
        e.onPartial(partial("10.0.0.1", T0, 25, T0));
        e.onPartial(partial("10.0.0.2", T0, 5, T0));
        e.advance(T0 + 10 * SEC);
        assertEquals(1, out.size());
        assertEquals("10.0.0.1", out.get(0).labels().get("client"));
    }

    @Test
    void shouldNotFlapOnAValueHoveringBetweenTheThresholds() {
        final RuleSpec r = TestPacks.countRule("all_auth_failures", Source.NGINX, 5 * MIN, MIN, 20, 0, 2 * MIN,
            2 * MIN, 100, List.of("client"));
        final RuleSpec hysteresis = new RuleSpec(r.id(), r.title(), r.kind(), r.source(), r.severity(), r.match(),
            null, null, 0, r.groupBy(), r.windowMillis(), r.hopMillis(), r.graceMillis(), 20, 10, 1, 0,
            2 * MIN, r.lookbackMillis(), 100, r.summary(), r.diagnosis(), r.runbook(), List.of(), r.file());
        final RuleEngine e = engine(hysteresis);
        // 5 and 3 failures in turn: the 5-minute count hovers at 19..21, around the threshold of 20
        for (int m = 0; m < 20; m++) {
            e.onPartial(partial("10.0.0.1", T0 + m * MIN, m % 2 == 0 ? 5 : 3, T0 + m * MIN));
            e.advance(T0 + m * MIN + 30 * SEC);
        }
        assertEquals(1, out.size(), "fired once and stayed firing while the count hovers above 10: " + out);
    }

    @Test
    void shouldEvictTheLeastRecentlyUpdatedGroupPastTheCap() {
        final RuleEngine e = engine(auth(0, 3));
        for (int i = 0; i < 10; i++) {
            e.onPartial(partial("10.0.0." + i, T0, 1, T0 + i * SEC));
        }
        assertEquals(7L, stats.evictions());
        final MapKeyedStore<RuleState> store = new MapKeyedStore<>();
        final RuleEngine capped = new RuleEngine(TestPacks.of(List.of(), List.of(auth(0, 3))),
            AlertSettings.defaults("x"), store, out::add, stats);
        for (int i = 0; i < 1_000; i++) {
            capped.onPartial(partial("198.51.100." + (i % 250) + "." + i, T0, 1, T0 + i));
        }
        assertEquals(3, store.size(), "an attacker rotating addresses cannot grow the state past the cap");
    }

    @Test
    void shouldResolveWhatFiresAtTheEndOfAReplay() {
        final RuleEngine e = engine(auth(0, 100));
        e.onPartial(partial("10.0.0.1", T0, 25, T0));
        e.advance(T0 + 10 * SEC);
        e.finish(T0 + 20 * SEC);
        assertEquals(2, out.size());
        assertEquals(T0 + 20 * SEC, out.get(1).endsAt());
    }

    @Test
    void shouldTellTheObserverEveryEvaluatedValue() {
        final RuleEngine e = engine(auth(0, 100));
        final List<String> seen = new ArrayList<>();
        e.observe((rule, id, labels, time, value) -> seen.add(rule + " " + labels.get("client") + " "
            + (time - T0) + " " + value));
        e.onPartial(partial("10.0.0.1", T0, 19, T0 + 30 * SEC));
        e.advance(T0 + 50 * SEC);
        e.onPartial(partial("10.0.0.1", T0, 1, T0 + 55 * SEC));
        e.advance(T0 + 60 * SEC);
        assertEquals(List.of("all_auth_failures 10.0.0.1 50000 19.0", "all_auth_failures 10.0.0.1 59999 20.0",
            "all_auth_failures 10.0.0.1 60000 20.0"), seen);
        assertEquals(1, out.size(), "observing changes nothing");
        e.observe(null);
        e.advance(T0 + 70 * SEC);
        assertEquals(3, seen.size(), "a cleared observer sees nothing");
    }

    /**
     * A store as live mode keeps it: objects in a map, and at each commit the changed keys written as JSON to a
     * changelog, from which a restarted instance restores.
     */
    private static final class Changelogged implements KeyedStore<RuleState> {
        private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();
        private final MapKeyedStore<RuleState> live = new MapKeyedStore<>();
        private final java.util.Set<String> changed = new java.util.LinkedHashSet<>();
        private final java.util.Map<String, byte[]> changelog = new TreeMap<>();
        private int writes;

        @Override
        public RuleState get(final String id) {
            return live.get(id);
        }

        @Override
        public void put(final String id, final RuleState value) {
            live.put(id, value);
            changed.add(id);
        }

        @Override
        public void delete(final String id) {
            live.delete(id);
            changed.add(id);
        }

        @Override
        public void forEach(final java.util.function.Consumer<RuleState> visitor) {
            live.forEach(visitor);
        }

        void commit() throws java.io.IOException {
            for (final String id : changed) {
                final RuleState s = live.get(id);
                if (s == null) {
                    changelog.remove(id);
                } else {
                    changelog.put(id, JSON.writeValueAsBytes(s));
                    writes++;
                }
            }
            changed.clear();
        }

        MapKeyedStore<RuleState> restore() throws java.io.IOException {
            final MapKeyedStore<RuleState> restored = new MapKeyedStore<>();
            for (final java.util.Map.Entry<String, byte[]> e : changelog.entrySet()) {
                restored.put(e.getKey(), JSON.readValue(e.getValue(), RuleState.class));
            }
            return restored;
        }
    }

    @Test
    void shouldWriteAGroupOnlyWhenItsEpisodeChangesAndRestoreToTheSameAlerts() throws java.io.IOException {
        final RuleSpec rule = auth(MIN, 100);
        final PatternPack pack = TestPacks.of(List.of(), List.of(rule));
        final Changelogged store = new Changelogged();
        final RuleEngine e = new RuleEngine(pack, AlertSettings.defaults("x"), store, out::add, stats);
        // a burst that fires after its for period and resolves later, and a quiet group that only ages
        e.onPartial(partial("10.0.0.1", T0, 25, T0 + SEC));
        e.onPartial(partial("10.0.0.2", T0, 3, T0 + SEC));
        store.commit();
        final int afterInput = store.writes;
        final List<Long> ticks = new ArrayList<>();
        for (long t = T0 + 10 * SEC; t <= T0 + 12 * MIN; t += 10 * SEC) {
            ticks.add(t);
        }
        // a restart after any commit restores from what the changelog holds then
        final List<MapKeyedStore<RuleState>> restorable = new ArrayList<>();
        final List<Integer> alertsBefore = new ArrayList<>();
        for (final long t : ticks) {
            restorable.add(store.restore());
            alertsBefore.add(out.size());
            e.advance(t);
            store.commit();
        }
        assertEquals(2, out.size(), "fired and resolved: " + out);
        // pending, firing, evidence (once), clear pending, resolved: a handful of writes, not one per tick
        assertTrue(store.writes - afterInput <= 6, "writes after the input: " + (store.writes - afterInput));
        for (int k = 1; k < ticks.size(); k++) {
            final List<Alert> again = new ArrayList<>();
            final RuleEngine restored = new RuleEngine(pack, AlertSettings.defaults("x"), restorable.get(k),
                again::add, new Stats());
            for (int i = k; i < ticks.size(); i++) {
                restored.advance(ticks.get(i));
            }
            assertEquals(out.subList(alertsBefore.get(k), out.size()), again,
                "restored before tick " + k + " (" + (ticks.get(k) - T0) / SEC + " s)");
        }
    }
}
