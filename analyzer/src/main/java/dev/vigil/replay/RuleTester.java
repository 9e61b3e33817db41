package dev.vigil.replay;

import dev.vigil.alert.Alert;
import dev.vigil.engine.DeadLetter;
import dev.vigil.engine.FrontEnd;
import dev.vigil.engine.Hit;
import dev.vigil.engine.SignalSink;
import dev.vigil.engine.Stats;
import dev.vigil.match.PackVerifier;
import dev.vigil.pack.PatternPack;
import dev.vigil.pack.RuleSpec;
import dev.vigil.pack.Signature;
import dev.vigil.parse.LogEvent;
import dev.vigil.parse.Parsers;
import dev.vigil.parse.Source;
import dev.vigil.rule.AlertLifecycle;
import dev.vigil.rule.AlertSettings;
import dev.vigil.rule.BackEnd;
import dev.vigil.rule.MapPartialStore;
import dev.vigil.rule.MapKeyedStore;
import dev.vigil.rule.Partial;
import dev.vigil.rule.RuleEngine;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Runs a rule's inline tests, like {@code promtool test rules}: each test's input lines are parsed by their
 * source's parser, copied onto a timeline starting at {@link #T0}, run through the real front end and back end
 * (signatures included, since rules select by them), and the rule's alerts are compared with the expected ones
 * (status, time offset, labels). Rules are evaluated at each 10 s tick of event time and once at the end of the
 * input; nothing is resolved at the end.
 */
public final class RuleTester {

    /** Start of every test timeline: 2024-01-01T00:00:00Z. */
    public static final long T0 = 1_704_067_200_000L;

    private RuleTester() {
    }

    /** Runs every test of every rule. */
    public static List<PackVerifier.Outcome> verify(final PatternPack pack, final Parsers parsers) {
        final List<PackVerifier.Outcome> out = new ArrayList<>();
        for (final RuleSpec r : pack.rules()) {
            for (final RuleSpec.RuleTest t : r.tests()) {
                String problem;
                try {
                    problem = run(pack, r, t, parsers);
                } catch (final RuntimeException e) {
                    problem = "test '" + t.name() + "' crashed: " + e;
                }
                out.add(new PackVerifier.Outcome(r.id(), r.file(), t.line(), problem));
            }
        }
        return out;
    }

    private static String run(final PatternPack full, final RuleSpec rule, final RuleSpec.RuleTest test,
                              final Parsers parsers) {
        final List<LogEvent> events = new ArrayList<>();
        for (final RuleSpec.Input in : test.input()) {
            final LogEvent e = parseOne(full, in.source(), in.line(), parsers);
            if (e == null) {
                return "test '" + test.name() + "': input line does not parse as " + in.source().id() + ": "
                    + in.line();
            }
            for (int k = 0; k < in.n(); k++) {
                events.add(e.withTime(T0 + in.atMillis() + k * in.everyMillis()));
            }
        }
        events.sort(Comparator.comparingLong(LogEvent::time));
        final PatternPack pack = PatternPack.of(full.version(), full.signatures(), List.of(rule));
        final AlertSettings settings = AlertSettings.defaults("");
        final Stats stats = new Stats();
        final List<Alert> alerts = new ArrayList<>();
        final BackEnd back = new BackEnd(new AlertLifecycle(pack, settings, new MapKeyedStore<>(), a -> { }),
            new RuleEngine(pack, settings, new MapKeyedStore<>(), alerts::add, stats), Long.MAX_VALUE);
        final FrontEnd front = new FrontEnd(pack, FrontEnd.DEFAULT_TICK_MILLIS, stats);
        final MapPartialStore partials = new MapPartialStore();
        final SignalSink sink = new SignalSink() {
            @Override
            public void hit(final Hit hit) {
                back.hit(hit);
            }

            @Override
            public void tick(final long time) {
                back.tick(time);
            }

            @Override
            public void partial(final Partial partial) {
                back.partial(partial);
            }

            @Override
            public void late(final LogEvent event) {
                // late lines are simply left out of the rule
            }
        };
        for (final LogEvent e : events) {
            front.onEvent(e, sink, partials);
        }
        front.flush(sink, partials);
        return compare(test, alerts);
    }

    private static String compare(final RuleSpec.RuleTest test, final List<Alert> got) {
        final StringBuilder actual = new StringBuilder();
        for (final Alert a : got) {
            final long at = (a.status() == Alert.Status.FIRING ? a.startsAt() : a.endsAt()) - T0;
            actual.append(actual.length() == 0 ? "" : ", ").append(a.status().id()).append(" at ")
                .append(dev.vigil.pack.Durations.format(at)).append(' ').append(a.labels())
                .append(a.value() == null ? "" : " value " + a.value());
        }
        final String seen = got.isEmpty() ? "no alerts" : actual.toString();
        if (got.size() != test.expect().size()) {
            return "test '" + test.name() + "': expected " + test.expect().size() + " alert(s), got " + seen;
        }
        for (int i = 0; i < got.size(); i++) {
            final Alert a = got.get(i);
            final RuleSpec.Expected x = test.expect().get(i);
            final long at = (a.status() == Alert.Status.FIRING ? a.startsAt() : a.endsAt()) - T0;
            if (!x.status().equals(a.status().id()) || x.atMillis() >= 0 && x.atMillis() != at) {
                return "test '" + test.name() + "': alert " + (i + 1) + " should be " + x.status()
                    + (x.atMillis() >= 0 ? " at " + dev.vigil.pack.Durations.format(x.atMillis()) : "") + "; got "
                    + seen;
            }
            for (final Map.Entry<String, String> l : x.labels().entrySet()) {
                if (!String.valueOf(l.getValue()).equals(a.labels().get(l.getKey()))) {
                    return "test '" + test.name() + "': alert " + (i + 1) + " label " + l.getKey() + " should be '"
                        + l.getValue() + "'; got " + seen;
                }
            }
        }
        return null;
    }

    private static LogEvent parseOne(final PatternPack pack, final Source source, final String line,
                                     final Parsers parsers) {
        final Signature probe = pack.signatures().stream().filter(s -> s.source() == source).findFirst()
            .orElse(null);
        if (probe == null) {
            return null;
        }
        final List<DeadLetter> dead = new ArrayList<>();
        final List<LogEvent> events = PackVerifier.parse(probe, line, parsers, dead);
        return dead.isEmpty() && events.size() == 1 ? events.get(0) : null;
    }
}
