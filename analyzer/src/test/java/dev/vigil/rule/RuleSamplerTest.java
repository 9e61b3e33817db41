package dev.vigil.rule;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.vigil.engine.Stats;
import dev.vigil.match.Match;
import dev.vigil.pack.PatternPack;
import dev.vigil.pack.RuleSpec;
import dev.vigil.pack.TestPacks;
import dev.vigil.parse.Level;
import dev.vigil.parse.LogEvent;
import dev.vigil.parse.Source;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Which rules an event feeds, with conditions and group values worked out once per event and shared. */
class RuleSamplerTest {

    private static final long MIN = 60_000;

    private static LogEvent nginx(final String kind, final String host, final String client, final int status) {
        final Map<String, Object> f = new HashMap<>();
        f.put("kind", kind);
        f.put("client", client);
        f.put("status", (long) status);
        return new LogEvent(0, Source.NGINX, host, "nginx", Level.INFO, "GET /", "GET /", f);
    }

    private static RuleSpec ratio(final String id, final String when, final String numerator, final String groupBy) {
        return TestPacks.ratioRule(id, Source.NGINX, List.of(when), List.of(numerator), List.of(groupBy), 5 * MIN,
            MIN);
    }

    /** rule id → [numerator, group values…] of what {@code e} feeds. */
    private static Map<String, List<String>> fed(final RuleSampler s, final PatternPack pack, final LogEvent e) {
        final RuleSampler.Selections sel = s.select(e, List.<Match>of());
        final Map<String, List<String>> out = new TreeMap<>();
        for (int k = 0; k < sel.size(); k++) {
            final List<String> v = new java.util.ArrayList<>();
            v.add(String.valueOf(sel.numerator(k)));
            v.addAll(java.util.Arrays.asList(sel.groups(k)));
            out.put(pack.rules().get(sel.rule(k)).id(), v);
        }
        return out;
    }

    @Test
    void sharedConditionsAndGroupsGiveEachRuleItsOwnVerdictEventAfterEvent() {
        // a: kind == access, numerator status >= 500, by host; b: the same match condition, numerator
        // status == 429, by client; c: kind == error, numerator status >= 500 (shared with a), by host
        final PatternPack pack = TestPacks.of(List.of(), List.of(
            ratio("a", "kind == access", "status >= 500", "host"),
            ratio("b", "kind == access", "status == 429", "client"),
            ratio("c", "kind == error", "status >= 500", "host")));
        final RuleSampler s = new RuleSampler(pack, new Stats());
        assertEquals(Map.of("a", List.of("true", "web1"), "b", List.of("false", "10.0.0.1")),
            fed(s, pack, nginx("access", "web1", "10.0.0.1", 502)));
        // the next event's verdicts and groups are its own, not the previous event's
        assertEquals(Map.of("a", List.of("false", "web2"), "b", List.of("true", "10.0.0.2")),
            fed(s, pack, nginx("access", "web2", "10.0.0.2", 429)));
        assertEquals(Map.of("c", List.of("true", "web2")), fed(s, pack, nginx("error", "web2", "10.0.0.2", 503)));
        assertEquals(Map.of("a", List.of("false", "web1"), "b", List.of("false", "10.0.0.1")),
            fed(s, pack, nginx("access", "web1", "10.0.0.1", 200)));
    }

    @Test
    void rulesThatGroupAlikeShareOneValuesArray() {
        final PatternPack pack = TestPacks.of(List.of(), List.of(
            ratio("a", "kind == access", "status >= 500", "host"),
            ratio("b", "kind == access", "status == 429", "host")));
        final RuleSampler.Selections sel = new RuleSampler(pack, new Stats())
            .select(nginx("access", "web1", "10.0.0.1", 502), List.of());
        assertEquals(2, sel.size());
        assertArrayEquals(new String[] {"web1"}, sel.groups(0));
        assertSame(sel.groups(0), sel.groups(1), "one array for both rules");
    }

    @Test
    void eventsSelectedIntoOneBatchKeepTheirOwnRangesAsItGrows() {
        final PatternPack pack = TestPacks.of(List.of(), List.of(
            ratio("a", "kind == access", "status >= 500", "host"),
            ratio("b", "kind == access", "status == 429", "client"),
            ratio("c", "kind == error", "status >= 500", "host")));
        final RuleSampler s = new RuleSampler(pack, new Stats());
        final RuleSampler.Selections batch = new RuleSampler.Selections(1); // grows while filling
        final List<LogEvent> events = List.of(nginx("access", "web1", "10.0.0.1", 502),
            nginx("error", "web2", "10.0.0.2", 503), nginx("debug", "web3", "10.0.0.3", 200),
            nginx("access", "web4", "10.0.0.4", 429));
        final int[] ends = new int[events.size()];
        for (int i = 0; i < events.size(); i++) {
            ends[i] = s.selectInto(batch, events.get(i), List.of());
        }
        assertArrayEquals(new int[] {2, 3, 3, 5}, ends, "a, b | c | nothing | a, b");
        for (int i = 0; i < events.size(); i++) {
            final RuleSampler.Selections alone = new RuleSampler(pack, new Stats()).select(events.get(i), List.of());
            final int from = i == 0 ? 0 : ends[i - 1];
            assertEquals(alone.size(), ends[i] - from);
            for (int k = 0; k < alone.size(); k++) {
                assertEquals(alone.rule(k), batch.rule(from + k));
                assertEquals(alone.numerator(k), batch.numerator(from + k));
                assertArrayEquals(alone.groups(k), batch.groups(from + k));
            }
        }
    }
}
