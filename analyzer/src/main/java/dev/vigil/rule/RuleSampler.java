package dev.vigil.rule;

import dev.vigil.alert.SafeText;
import dev.vigil.engine.Stats;
import dev.vigil.match.Match;
import dev.vigil.pack.Condition;
import dev.vigil.pack.PatternPack;
import dev.vigil.pack.RuleSpec;
import dev.vigil.parse.LogEvent;
import dev.vigil.parse.Source;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.IntStream;

/**
 * The front-end half of the rules: decides for each event which rules it feeds, under which group, and adds it
 * to a per-(rule, group, hop) partial aggregate. Lines later than a rule's grace (relative to this input's stream
 * time) are left out of that rule and reported, so they can be counted and dead-lettered.
 */
public final class RuleSampler {
    /** Longest label value a rule group keeps (attacker-controlled values). */
    static final int MAX_LABEL_CHARS = 200;

    private final RuleSpec[] rules;
    private final Set<String>[] signatures;
    private final Set<String>[] numerators;
    private final Stats stats;
    /** Per rule: the partial the previous event went to (consecutive events mostly share group and hop). */
    private final Partial[] lastPartial;
    private final long[] lastBucket;
    private final String[][] lastValues;
    private final int[] lastEpoch;
    private int epoch;
    /** Per source (ordinal): the rules that need no signature match and accept that source, ascending. */
    private final int[][] bySource;
    /** Per signature id: the rules that a match of it may feed, ascending. */
    private final Map<String, int[]> bySignature = new HashMap<>();
    /**
     * Every distinct condition of the rules (by text), and per rule, as positions in it (walked for every event):
     * match conditions and numerator conditions. Rules share conditions ({@code kind == access} opens five nginx
     * rules), so each is tested once per event and its verdict reused.
     */
    private final Condition[] conditions;
    private final int[][] matchWhen;
    private final int[][] numeratorWhen;
    /** Verdicts of {@link #conditions} for the event numbered {@link #eventNo}: 1 holds, 2 does not. */
    private final byte[] verdict;
    private final int[] verdictOf;
    /** Every distinct group_by list, and per rule its position: rules that group alike share the values. */
    private final String[][] groupKeys;
    private final int[] groupKeysOf;
    /** Group values of {@link #groupKeys} for the event numbered {@link #eventNo}. */
    private final String[][] groupValuesOf;
    /** Per group_by list: where the current event's values are worked out before they are compared. */
    private final String[][] groupScratch;
    private final int[] groupEventOf;
    /** Numbers the events this sampler selects for, so the per-event caches above need no clearing. */
    private int eventNo;
    /** Scratch: the rules an event with matches may feed. */
    private final boolean[] marked;
    private final int[] todo;
    /** How many of the array {@link #candidates} returned last are candidates. */
    private int candidateCount;
    private final Selections scratch;
    /** Per rule: the sources its match selector and its numerator accept, one bit per ordinal. */
    private final long[] sourceMask;
    private final long[] numeratorSourceMask;
    /** Per rule: the quantile field's name (interned, as the parsers' names are), or null. */
    private final String[] valueField;

    @SuppressWarnings("unchecked")
    public RuleSampler(final PatternPack pack, final Stats stats) {
        this.rules = pack.rules().toArray(new RuleSpec[0]);
        this.signatures = new Set[rules.length];
        this.numerators = new Set[rules.length];
        for (int i = 0; i < rules.length; i++) {
            signatures[i] = new HashSet<>(rules[i].match().signatures());
            numerators[i] = rules[i].numerator() == null ? Set.of() : new HashSet<>(rules[i].numerator().signatures());
        }
        this.stats = stats;
        this.lastPartial = new Partial[rules.length];
        this.lastBucket = new long[rules.length];
        this.lastValues = new String[rules.length][];
        this.lastEpoch = new int[rules.length];
        this.marked = new boolean[rules.length];
        this.matchWhen = new int[rules.length][];
        this.numeratorWhen = new int[rules.length][];
        this.groupKeysOf = new int[rules.length];
        final Map<String, Integer> conditionIds = new HashMap<>();
        final List<Condition> distinct = new ArrayList<>();
        final Map<List<String>, Integer> groupIds = new HashMap<>();
        final List<String[]> groupLists = new ArrayList<>();
        for (int i = 0; i < rules.length; i++) {
            matchWhen[i] = positions(rules[i].match().when(), conditionIds, distinct);
            numeratorWhen[i] = rules[i].numerator() == null ? new int[0]
                : positions(rules[i].numerator().when(), conditionIds, distinct);
            final List<String> by = rules[i].groupBy();
            groupKeysOf[i] = groupIds.computeIfAbsent(by, k -> {
                // interned: an event's field map finds the parsers' constant names by identity
                groupLists.add(k.stream().map(String::intern).toArray(String[]::new));
                return groupLists.size() - 1;
            });
        }
        this.conditions = distinct.toArray(new Condition[0]);
        this.verdict = new byte[conditions.length];
        this.verdictOf = new int[conditions.length];
        this.groupKeys = groupLists.toArray(new String[0][]);
        this.groupValuesOf = new String[groupKeys.length][];
        this.groupScratch = new String[groupKeys.length][];
        for (int g = 0; g < groupKeys.length; g++) {
            groupScratch[g] = new String[groupKeys[g].length];
        }
        this.groupEventOf = new int[groupKeys.length];
        this.todo = new int[rules.length];
        this.scratch = new Selections(rules.length);
        this.sourceMask = new long[rules.length];
        this.numeratorSourceMask = new long[rules.length];
        this.valueField = new String[rules.length];
        for (int i = 0; i < rules.length; i++) {
            sourceMask[i] = sourceMask(rules[i].match());
            numeratorSourceMask[i] = rules[i].numerator() == null ? 0 : sourceMask(rules[i].numerator());
            valueField[i] = rules[i].field() == null ? null : rules[i].field().intern();
        }
        final Source[] sources = Source.values();
        this.bySource = new int[sources.length][];
        for (final Source src : sources) {
            bySource[src.ordinal()] = IntStream.range(0, rules.length)
                .filter(i -> signatures[i].isEmpty() && accepts(rules[i].match(), src)).toArray();
        }
        final Map<String, List<Integer>> sigRules = new HashMap<>();
        for (int i = 0; i < rules.length; i++) {
            for (final String sig : signatures[i]) {
                sigRules.computeIfAbsent(sig, k -> new ArrayList<>()).add(i);
            }
        }
        sigRules.forEach((sig, list) -> bySignature.put(sig, list.stream().mapToInt(Integer::intValue).toArray()));
    }

    /** The positions of {@code when} in {@code distinct}, adding the conditions not seen yet (same text: same). */
    private static int[] positions(final List<Condition> when, final Map<String, Integer> ids,
                                   final List<Condition> distinct) {
        final int[] out = new int[when.size()];
        for (int j = 0; j < out.length; j++) {
            final Condition c = when.get(j);
            out[j] = ids.computeIfAbsent(c.toString(), k -> {
                distinct.add(c);
                return distinct.size() - 1;
            });
        }
        return out;
    }

    private static long sourceMask(final RuleSpec.Selector s) {
        long mask = 0;
        for (final Source src : Source.values()) {
            if (accepts(s, src)) {
                mask |= 1L << src.ordinal();
            }
        }
        return mask;
    }

    private static boolean accepts(final RuleSpec.Selector s, final Source src) {
        return s.sources().isEmpty() || s.sources().contains(src);
    }

    /** The rules {@code e} may feed, ascending (the first {@code n} of the array); others cannot select it. */
    private int[] candidates(final LogEvent e, final List<Match> matches) {
        final int[] base = bySource[e.source().ordinal()];
        if (matches.isEmpty()) {
            candidateCount = base.length;
            return base;
        }
        for (final int i : base) {
            marked[i] = true;
        }
        for (int m = 0; m < matches.size(); m++) {
            final int[] fed = bySignature.get(matches.get(m).signature().id());
            if (fed != null) {
                for (final int i : fed) {
                    marked[i] = true;
                }
            }
        }
        int n = 0;
        for (int i = 0; i < marked.length; i++) {
            if (marked[i]) {
                marked[i] = false;
                todo[n++] = i;
            }
        }
        candidateCount = n;
        return todo;
    }

    /** The partial store was drained: cached partials are gone. */
    public void drained() {
        epoch++;
    }

    /** Whether the pack has rules at all. */
    public boolean active() {
        return rules.length > 0;
    }

    /**
     * The rules a run of events feeds and what each takes from it (numerator or not, the quantile field's value,
     * the group values), one entry per (event, rule), each event's entries together: a function of the event and
     * its matches alone, so a parallel reader works it out on its own thread for a whole batch of events and the
     * merging thread only {@linkplain #add adds} each event's range. One set of arrays per batch, where an object
     * and four arrays per event were about 8 % of the bytes a replay allocated (2026-11-22). Read-only once filled.
     */
    public static final class Selections {
        private int size;
        private int[] rule;
        private boolean[] numerator;
        /** The quantile field's value, or NaN when the event has none (then it only counts as late or not). */
        private double[] value;
        private String[][] groups;

        /** @param capacity entries expected (it grows past them) */
        public Selections(final int capacity) {
            final int n = Math.max(1, capacity);
            rule = new int[n];
            numerator = new boolean[n];
            value = new double[n];
            groups = new String[n][];
        }

        /** How many entries were selected, for all events so far; an event's entries end here when it is done. */
        public int size() {
            return size;
        }

        /** Forgets every entry (a sampler's scratch space, reused event after event). */
        void clear() {
            size = 0;
        }

        /** The pack position of entry k's rule. */
        int rule(final int k) {
            return rule[k];
        }

        /** Whether entry k's event counts in its rule's numerator. */
        boolean numerator(final int k) {
            return numerator[k];
        }

        /** Entry k's group values (read-only), or null. */
        String[] groups(final int k) {
            return groups[k];
        }

        private int next() {
            if (size == rule.length) {
                final int cap = 2 * size;
                rule = java.util.Arrays.copyOf(rule, cap);
                numerator = java.util.Arrays.copyOf(numerator, cap);
                value = java.util.Arrays.copyOf(value, cap);
                groups = java.util.Arrays.copyOf(groups, cap);
            }
            return size++;
        }
    }

    /** The rules {@code e} feeds, on their own (tests). */
    public Selections select(final LogEvent e, final List<Match> matches) {
        final Selections out = new Selections(rules.length);
        selectInto(out, e, matches);
        return out;
    }

    /**
     * Appends the rules {@code e} feeds to {@code out} (for this or another thread to {@link #add}); this sampler's
     * per-event caches make it a call for one thread at a time.
     *
     * @return where {@code e}'s entries end: they start at {@code out.size()} before the call
     */
    public int selectInto(final Selections out, final LogEvent e, final List<Match> matches) {
        if (++eventNo == 0) { // wrapped: stamps from long ago could look current
            java.util.Arrays.fill(verdictOf, 0);
            java.util.Arrays.fill(groupEventOf, 0);
            eventNo = 1;
        }
        final int[] candidates = candidates(e, matches);
        for (int t = 0; t < candidateCount; t++) {
            final int i = candidates[t];
            final RuleSpec r = rules[i];
            if (!selects(sourceMask[i], signatures[i], matchWhen[i], e, matches)) {
                continue;
            }
            double value = Double.NaN;
            if (r.kind() == RuleSpec.Kind.QUANTILE) {
                final Object v = e.fields().get(valueField[i]);
                if (v instanceof Number) {
                    value = ((Number) v).doubleValue();
                }
            }
            final int k = out.next();
            out.rule[k] = i;
            out.numerator[k] = r.kind() != RuleSpec.Kind.RATIO
                || selects(numeratorSourceMask[i], numerators[i], numeratorWhen[i], e, matches);
            out.value[k] = value;
            out.groups[k] = r.kind() == RuleSpec.Kind.QUANTILE && Double.isNaN(value) ? null
                : groupValuesOf(groupKeysOf[i], e, matches);
        }
        return out.size;
    }

    /**
     * Samples one event.
     *
     * @param streamTime this input's stream time (for lateness)
     * @return true when the event was too late for some rule
     */
    public boolean sample(final LogEvent e, final List<Match> matches, final long streamTime,
                          final PartialStore store) {
        scratch.clear();
        return add(e, scratch, 0, selectInto(scratch, e, matches), streamTime, store);
    }

    /**
     * Adds one event to the partials of the rules it {@linkplain #selectInto selected}: entries {@code from} to
     * {@code to} (exclusive) of {@code selected}.
     *
     * @param streamTime this input's stream time (for lateness)
     * @return true when the event was too late for some rule
     */
    public boolean add(final LogEvent e, final Selections selected, final int from, final int to,
                       final long streamTime, final PartialStore store) {
        boolean late = false;
        for (int k = from; k < to; k++) {
            final int i = selected.rule[k];
            final RuleSpec r = rules[i];
            if (e.time() < streamTime - r.graceMillis()) {
                stats.late(r.id());
                late = true;
                continue;
            }
            final boolean quantile = r.kind() == RuleSpec.Kind.QUANTILE;
            if (quantile && Double.isNaN(selected.value[k])) {
                continue; // no value to add
            }
            final String[] values = selected.groups[k];
            final long hop = r.hopMillis();
            // the hop of this rule's previous event mostly holds this one too (a division less per rule and event)
            final long bucket = lastPartial[i] != null && e.time() >= lastBucket[i] && e.time() - lastBucket[i] < hop
                ? lastBucket[i] : Math.floorDiv(e.time(), hop) * hop;
            Partial p;
            if (lastEpoch[i] == epoch && lastPartial[i] != null && lastBucket[i] == bucket
                && java.util.Arrays.equals(values, lastValues[i])) {
                p = lastPartial[i];
            } else {
                final PartialKey key = new PartialKey(i, bucket, values);
                p = store.get(key);
                if (p == null) {
                    p = new Partial(r.id(), labels(r, values), bucket, new Aggregate());
                    store.put(key, p);
                }
                lastPartial[i] = p;
                lastBucket[i] = bucket;
                lastValues[i] = values;
                lastEpoch[i] = epoch;
            }
            p.aggregate().add(e.time(), selected.numerator[k], selected.value[k], e, quantile);
        }
        return late;
    }

    private boolean selects(final long sources, final Set<String> sigs, final int[] when, final LogEvent e,
                            final List<Match> matches) {
        if ((sources & 1L << e.source().ordinal()) == 0) {
            return false;
        }
        if (!sigs.isEmpty()) {
            boolean any = false;
            for (final Match m : matches) {
                if (sigs.contains(m.signature().id())) {
                    any = true;
                    break;
                }
            }
            if (!any) {
                return false;
            }
        }
        for (final int c : when) {
            if (!holds(c, e)) {
                return false;
            }
        }
        return true;
    }

    /** Condition {@code c}'s verdict on the current event, tested once per event. */
    private boolean holds(final int c, final LogEvent e) {
        if (verdictOf[c] != eventNo) {
            verdict[c] = conditions[c].test(e) ? (byte) 1 : (byte) 2;
            verdictOf[c] = eventNo;
        }
        return verdict[c] == 1;
    }

    /**
     * The group values of group_by list {@code g} for the current event, made once per event and shared by the
     * rules that group alike (read-only from then on: selections, partial keys and the last-partial cache hold it).
     * When they equal the previous event's, that array is given again: consecutive events mostly share their
     * group (one host), and the thread that adds them to partials then finds its cached partial by identity.
     */
    private String[] groupValuesOf(final int g, final LogEvent e, final List<Match> matches) {
        if (groupEventOf[g] != eventNo) {
            final String[] values = groupScratch[g];
            groupValues(groupKeys[g], e, matches, values);
            if (groupValuesOf[g] == null || !java.util.Arrays.equals(values, groupValuesOf[g])) {
                groupValuesOf[g] = values.clone();
            }
            groupEventOf[g] = eventNo;
        }
        return groupValuesOf[g];
    }

    /**
     * Group values in group_by order, into {@code values}: a match's captures or labels first, else the event's
     * fields, host, source.
     */
    private static void groupValues(final String[] keys, final LogEvent e, final List<Match> matches,
                                    final String[] values) {
        for (int j = 0; j < values.length; j++) {
            final String k = keys[j];
            // what a signature extracted is more specific than the event's own field (a journald line of systemd
            // about a failed unit carries _SYSTEMD_UNIT=init.scope, its capture names the unit that failed)
            String v = null;
            for (int i = 0; v == null && i < matches.size(); i++) {
                v = matches.get(i).captures().get(k);
                if (v == null) {
                    v = matches.get(i).labels().get(k);
                }
            }
            if (v == null) {
                v = e.field(k);
            }
            if (v == null && "host".equals(k)) {
                v = e.host();
            }
            if (v == null && "source".equals(k)) {
                v = e.source().id();
            }
            if (v == null && "service".equals(k)) {
                v = e.service();
            }
            values[j] = v;
        }
    }

    /**
     * Where a partial sits in the store: rule, hop and the group values, cut just past the label length so that an
     * attacker's megabyte-long user name is not held until the next tick. Values that clean to the same labels
     * (control characters, values longer than a label) may make separate partials of one group; the back end
     * merges them.
     */
    private static final class PartialKey {
        private final int rule;
        private final long bucket;
        private final String[] values;
        private final int hash;

        PartialKey(final int rule, final long bucket, final String[] values) {
            this.rule = rule;
            this.bucket = bucket;
            this.values = capped(values);
            this.hash = (31 * rule + Long.hashCode(bucket)) * 31 + java.util.Arrays.hashCode(values);
        }

        private static String[] capped(final String[] values) {
            String[] out = values;
            for (int j = 0; j < values.length; j++) {
                if (values[j] != null && values[j].length() > MAX_LABEL_CHARS + 1) {
                    if (out == values) {
                        out = values.clone();
                    }
                    out[j] = values[j].substring(0, MAX_LABEL_CHARS + 1);
                }
            }
            return out;
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(final Object o) {
            return o instanceof PartialKey k && k.hash == hash && k.rule == rule && k.bucket == bucket
                && java.util.Arrays.equals(k.values, values);
        }
    }

    private static SortedMap<String, String> labels(final RuleSpec r, final String[] values) {
        if (values.length == 0) {
            return Collections.emptySortedMap();
        }
        final TreeMap<String, String> labels = new TreeMap<>();
        for (int j = 0; j < values.length; j++) {
            if (values[j] != null) {
                labels.put(r.groupBy().get(j), SafeText.clean(values[j], MAX_LABEL_CHARS));
            }
        }
        return labels;
    }
}
