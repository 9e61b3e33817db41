package dev.vigil.rule;

import dev.vigil.alert.Alert;
import dev.vigil.alert.Fingerprint;
import dev.vigil.engine.Stats;
import dev.vigil.pack.PatternPack;
import dev.vigil.pack.RuleSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Evaluates windowed rules on event time. Partial aggregates are merged into per-(rule, group) hop buckets as they
 * arrive; evaluation happens only when time advances (a tick), so the result does not depend on how the input
 * was sliced into partials — the same in replay and in live mode.
 *
 * <p>At each evaluation time {@code now} the window is the {@code window} of hops ending with the hop that holds
 * {@code now}. A group fires once its value has been at or above {@code threshold} for {@code for}; a firing group
 * resolves once its value has stayed below {@code resolve_threshold} (hysteresis) for {@code resolve_after}.
 * Absence rules fire when a group heard from within {@code lookback} has been silent for {@code window}, and
 * resolve as soon as it speaks again. Buckets older than window + grace are dropped; groups with nothing left are
 * forgotten; past {@code max_groups} per rule the least recently updated group is evicted and counted.
 */
public final class RuleEngine {

    /** The pack's rules, each rule's position among them by id, and the worst value per rule of an evaluation. */
    private final RuleSpec[] ruleList;
    private final Map<String, Integer> ruleIndex = new HashMap<>();
    private final double[] worst;
    private final AlertSettings settings;
    private final KeyedStore<RuleState> store;
    private final Consumer<Alert> out;
    private final Stats stats;
    /** Event time of the latest evaluation. */
    private long lastEvaluation = Long.MIN_VALUE;
    /** Active groups per rule (rebuilt from the store at start). */
    private final Map<String, Integer> groups = new HashMap<>();
    /** Sees every evaluation (reports chart rule values); null = none. */
    private Observer observer;
    /**
     * Ids of the groups an evaluation could change before their window moves: new input since the last one, a
     * timer running, or an absence rule (whose value is the time itself). In key order, like the store's visits.
     */
    private final java.util.NavigableSet<String> unsettled = new java.util.TreeSet<>();
    /** The distinct hops of the rules, to tell whether a tick moved any window. */
    private final long[] hops;

    /** Called with every evaluated value of a group; must be cheap (it runs on every tick for every group). */
    @FunctionalInterface
    public interface Observer {
        /**
         * @param rule   rule id
         * @param id     the group's alert id (fingerprint of rule and labels)
         * @param labels the group's labels (do not modify)
         * @param time   event time of the evaluation, epoch ms
         * @param value  the value (NaN when there was too little input; seconds of silence for absence rules)
         */
        void evaluated(String rule, String id, Map<String, String> labels, long time, double value);
    }

    /** Sets (or clears, with null) the evaluation observer. */
    public void observe(final Observer o) {
        this.observer = o;
    }

    public RuleEngine(final PatternPack pack, final AlertSettings settings, final KeyedStore<RuleState> store,
                      final Consumer<Alert> out, final Stats stats) {
        this.settings = settings;
        this.store = store;
        this.out = out;
        this.stats = stats;
        ruleList = pack.rules().toArray(new RuleSpec[0]);
        worst = new double[ruleList.length];
        for (int i = 0; i < ruleList.length; i++) {
            final RuleSpec r = ruleList[i];
            ruleIndex.put(r.id(), i); // ids are unique in a loaded pack
            if (r.kind() != RuleSpec.Kind.ABSENCE) {
                stats.ruleThreshold(r.id(), r.threshold());
            }
        }
        hops = pack.rules().stream().mapToLong(RuleSpec::hopMillis).filter(h -> h > 0).distinct().toArray();
        store.forEach(s -> {
            groups.merge(s.rule, 1, Integer::sum);
            unsettled.add(s.id);
        });
    }

    /** Merges a partial aggregate into its group's buckets (no evaluation). */
    public void onPartial(final Partial p) {
        final RuleSpec r = rule(p.rule());
        if (r == null) {
            return;
        }
        final String id = Fingerprint.of(r.id(), p.labels());
        RuleState s = store.get(id);
        if (s == null) {
            if (groups.getOrDefault(r.id(), 0) >= r.maxGroups()) {
                evictOldest(r);
            }
            s = new RuleState();
            s.id = id;
            s.rule = r.id();
            s.labels = new TreeMap<>(p.labels());
            groups.merge(r.id(), 1, Integer::sum);
        }
        s.buckets.computeIfAbsent(p.bucketStart(), k -> new Aggregate()).merge(p.aggregate());
        s.lastSeen = Math.max(s.lastSeen, p.aggregate().maxTime);
        s.settled = false;
        unsettled.add(s.id);
        store.put(s.id, s);
    }

    private void evictOldest(final RuleSpec r) {
        final RuleState[] oldest = {null};
        store.forEach(s -> {
            if (s.rule.equals(r.id()) && (oldest[0] == null || s.lastSeen < oldest[0].lastSeen)) {
                oldest[0] = s;
            }
        });
        if (oldest[0] != null) {
            store.delete(oldest[0].id);
            unsettled.remove(oldest[0].id);
            groups.merge(r.id(), -1, Integer::sum);
            stats.evicted(r.id());
        }
    }

    /**
     * Evaluates every group at event time {@code now}. When time crossed hop boundaries since the last evaluation,
     * the windows that ended at those boundaries are evaluated first (at the boundary's last millisecond), so
     * every hop-aligned window is judged once all of its input is in — events just before a boundary are never
     * lost between two ticks.
     */
    public void advance(final long now) {
        final long last = lastEvaluation;
        lastEvaluation = Math.max(lastEvaluation, now);
        // between hop boundaries only the unsettled groups can change; at a boundary every window moves
        final boolean everyGroup = observer != null || last == Long.MIN_VALUE || windowsMoved(last, now);
        final List<RuleState> todo = new ArrayList<>();
        if (everyGroup) {
            store.forEach(todo::add);
        } else {
            for (final String id : unsettled) {
                final RuleState s = store.get(id);
                if (s != null) {
                    todo.add(s);
                }
            }
        }
        // the metrics get one value per rule, the worst group's: group values (client addresses, hosts) are not
        // bounded enough to be metric labels. Between boundaries the evaluated groups can only raise it.
        java.util.Arrays.fill(worst, Double.NaN);
        for (final RuleState s : todo) {
            final Integer at = ruleIndex.get(s.rule);
            final RuleSpec r = at == null ? null : ruleList[at];
            if (r == null) {
                store.delete(s.id);
                unsettled.remove(s.id);
                continue;
            }
            if (s.settled && observer == null && r.kind() != RuleSpec.Kind.ABSENCE && last != Long.MIN_VALUE
                && Math.floorDiv(now, r.hopMillis()) == Math.floorDiv(last, r.hopMillis())) {
                // same window, same input, no timer: the evaluation would change nothing (the value, the state, the
                // evidence). A report's observer wants every point.
                worse(at, s.value);
                continue;
            }
            final boolean wasFiring = s.firing;
            final long startedAt = s.startsAt;
            final Long pendingSince = s.pendingSince;
            final Long clearSince = s.clearSince;
            final int evidence = s.evidence.size();
            boolean keep = true;
            if (last != Long.MIN_VALUE && r.kind() != RuleSpec.Kind.ABSENCE) {
                final long hop = r.hopMillis();
                final long lastBoundary = Math.floorDiv(now, hop) * hop;
                final long firstBoundary = Math.max(Math.floorDiv(last, hop) * hop + hop,
                    lastBoundary - r.windowMillis());
                for (long b = firstBoundary; b <= lastBoundary && b > last && keep; b += hop) {
                    keep = evaluate(r, s, b - 1);
                }
            }
            final boolean kept = keep && evaluate(r, s, now);
            worse(at, s.value);
            if (kept) {
                // written again only when the episode changed: what else an evaluation changes (the value and
                // window it reports, buckets that fell out of every window) the next evaluation after a restore
                // computes the same from the state last written, and a live store writes each put to its changelog
                if (s.firing != wasFiring || s.startsAt != startedAt || !Objects.equals(s.pendingSince, pendingSince)
                    || !Objects.equals(s.clearSince, clearSince) || s.evidence.size() != evidence) {
                    store.put(s.id, s);
                }
                if (s.settled && r.kind() != RuleSpec.Kind.ABSENCE) {
                    unsettled.remove(s.id);
                } else {
                    unsettled.add(s.id);
                }
            } else {
                store.delete(s.id);
                unsettled.remove(s.id);
                groups.merge(r.id(), -1, Integer::sum);
            }
        }
        for (int i = 0; i < ruleList.length; i++) {
            if (everyGroup) {
                stats.ruleValue(ruleList[i].id()).set(Double.isNaN(worst[i]) ? 0.0 : worst[i]);
            } else if (!Double.isNaN(worst[i])) {
                final Stats.RuleValue g = stats.ruleValue(ruleList[i].id());
                g.set(Math.max(g.get(), worst[i]));
            }
        }
    }

    /** The rule with id {@code id}, or null when the pack has none (state of a rule since removed). */
    private RuleSpec rule(final String id) {
        final Integer at = ruleIndex.get(id);
        return at == null ? null : ruleList[at];
    }

    /** Keeps {@code value} (unless NaN) as rule {@code at}'s worst so far in this evaluation. */
    private void worse(final int at, final double value) {
        if (!Double.isNaN(value) && !(worst[at] >= value)) {
            worst[at] = value;
        }
    }

    /** Whether some rule's hop boundary lies in (last, now]: then its windows moved. */
    private boolean windowsMoved(final long last, final long now) {
        for (final long hop : hops) {
            if (Math.floorDiv(now, hop) != Math.floorDiv(last, hop)) {
                return true;
            }
        }
        return false;
    }

    /** End of a replay: resolves every firing group at the last evaluation time. */
    public void finish(final long now) {
        final List<RuleState> all = new ArrayList<>();
        store.forEach(all::add);
        for (final RuleState s : all) {
            final RuleSpec r = rule(s.rule);
            if (s.firing && r != null) {
                emit(r, s, Alert.Status.RESOLVED, now);
            }
            store.delete(s.id);
        }
        groups.clear();
        unsettled.clear();
    }

    /** Evaluates one group; returns whether its state is still worth keeping. */
    private boolean evaluate(final RuleSpec r, final RuleState s, final long now) {
        final long hop = r.hopMillis();
        final long end = Math.floorDiv(now, hop) * hop + hop;
        final long start = end - r.windowMillis();
        // drop buckets that no longer fall in a window, late lines included
        final long keepFrom = start - r.graceMillis();
        while (!s.buckets.isEmpty() && s.buckets.firstKey() < keepFrom) {
            s.buckets.pollFirstEntry();
        }
        if (r.kind() == RuleSpec.Kind.ABSENCE) {
            return evaluateAbsence(r, s, now);
        }
        if (r.kind() == RuleSpec.Kind.COUNT && observer == null && s.settled && !s.firing
            && !(s.value >= r.threshold()) && (s.buckets.isEmpty() || s.buckets.lastKey() < s.windowEnd)) {
            // no input since an evaluation that found the count below the threshold, no timer running, no bucket
            // after that evaluation's window (when boundaries are judged one by one after later input came in, the
            // later buckets enter as the window moves): a count only falls as the window moves on, so all that
            // changes is the value (one client of thousands that failed to log in once is evaluated like this at
            // every hop until its window is empty)
            long n = 0;
            for (final Map.Entry<Long, Aggregate> b : s.buckets.entrySet()) {
                final long at = b.getKey();
                if (at >= end) {
                    break;
                }
                if (at >= start) {
                    n += b.getValue().count;
                }
            }
            s.value = n;
            s.windowStart = start;
            s.windowEnd = end;
            s.windowCount = n;
            return !s.buckets.isEmpty();
        }
        // the window's buckets: what is left starts at most a grace before it, so walk from the first one
        final Aggregate w = new Aggregate();
        for (final Map.Entry<Long, Aggregate> b : s.buckets.entrySet()) {
            final long at = b.getKey();
            if (at >= end) {
                break;
            }
            if (at >= start) {
                w.merge(b.getValue());
            }
        }
        final double value;
        switch (r.kind()) {
            case COUNT:
                value = w.count;
                break;
            case RATIO:
                value = w.count >= r.minCount() && w.count > 0 ? (double) w.numerator / w.count : Double.NaN;
                break;
            default:
                value = w.samples() >= r.minCount() ? w.quantile(r.quantile()) : Double.NaN;
                break;
        }
        s.value = value;
        s.windowStart = start;
        s.windowEnd = end;
        s.windowCount = r.kind() == RuleSpec.Kind.RATIO ? w.numerator : w.count;
        if (observer != null) {
            observer.evaluated(r.id(), s.id, s.labels, now, value);
        }
        final boolean fire = !Double.isNaN(value) && value >= r.threshold();
        final boolean clear = Double.isNaN(value) || value < r.resolveThreshold();
        if (!s.firing) {
            if (fire) {
                if (s.pendingSince == null) {
                    s.pendingSince = now;
                }
                if (now - s.pendingSince >= r.forMillis()) {
                    s.firing = true;
                    s.startsAt = now;
                    s.clearSince = null;
                    s.evidence.clear();
                    addEvidence(s, w);
                    emit(r, s, Alert.Status.FIRING, null);
                }
            } else {
                s.pendingSince = null;
            }
        } else {
            addEvidence(s, w);
            if (clear) {
                if (s.clearSince == null) {
                    s.clearSince = now;
                }
                if (now - s.clearSince >= r.resolveAfterMillis()) {
                    emit(r, s, Alert.Status.RESOLVED, now);
                    s.firing = false;
                    s.pendingSince = null;
                    s.clearSince = null;
                }
            } else {
                s.clearSince = null;
            }
        }
        s.settled = s.pendingSince == null && s.clearSince == null;
        return s.firing || s.pendingSince != null || !s.buckets.isEmpty();
    }

    private boolean evaluateAbsence(final RuleSpec r, final RuleState s, final long now) {
        final long silent = now - s.lastSeen;
        s.value = silent / 1000.0;
        s.windowStart = s.lastSeen;
        s.windowEnd = now;
        s.windowCount = 0;
        if (observer != null) {
            observer.evaluated(r.id(), s.id, s.labels, now, s.value);
        }
        if (!s.firing && silent >= r.windowMillis() && silent <= r.lookbackMillis()) {
            s.firing = true;
            s.startsAt = s.lastSeen + r.windowMillis();
            s.evidence.clear();
            emit(r, s, Alert.Status.FIRING, null);
        } else if (s.firing && silent < r.windowMillis()) {
            emit(r, s, Alert.Status.RESOLVED, now);
            s.firing = false;
        }
        return s.firing || silent <= r.lookbackMillis();
    }

    private void addEvidence(final RuleState s, final Aggregate w) {
        final String example = w.example();
        if (example != null && s.evidence.size() < settings.maxEvidence()
            && s.evidence.stream().noneMatch(e -> e.time() == w.exampleTime && e.line().equals(example))) {
            s.evidence.add(new Alert.Evidence(w.exampleTime, example));
        }
    }

    private void emit(final RuleSpec r, final RuleState s, final Alert.Status status, final Long endsAt) {
        final String value = Double.isNaN(s.value) ? "?" : format(s.value);
        final Map<String, String> vars = new HashMap<>(s.labels);
        vars.put("value", value);
        vars.put("threshold", format(r.threshold()));
        vars.put("window", dev.vigil.pack.Durations.format(r.windowMillis()));
        out.accept(new Alert(s.id, status, r.id(), Alert.Kind.RULE, r.severity().id(),
            r.source() == null ? "all" : r.source().id(), AlertLifecycle.render(r.summary(), vars), r.diagnosis(),
            settings.runbookUrl(r.runbook()), Collections.unmodifiableSortedMap(new TreeMap<>(s.labels)),
            Double.isNaN(s.value) ? null : round(s.value), r.kind() == RuleSpec.Kind.ABSENCE
                ? r.windowMillis() / 1000.0 : r.threshold(), s.windowStart, s.windowEnd, s.startsAt, endsAt,
            s.windowCount, List.copyOf(s.evidence)));
    }

    private static double round(final double v) {
        return Math.round(v * 1e6) / 1e6;
    }

    static String format(final double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return String.format(Locale.ROOT, "%.3g", v);
    }
}
