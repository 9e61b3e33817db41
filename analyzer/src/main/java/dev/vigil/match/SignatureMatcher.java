package dev.vigil.match;

import com.google.re2j.OnePassSearch;
import dev.vigil.alert.SafeText;
import dev.vigil.pack.Condition;
import dev.vigil.pack.PatternPack;
import dev.vigil.pack.Signature;
import dev.vigil.parse.LogEvent;
import dev.vigil.parse.Source;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Matches events against every signature of their source. A per-source Aho-Corasick scan over the signatures'
 * required literals picks the few signatures whose regex can match at all; only those run re2j. Not thread-safe
 * (it reuses scratch arrays): use one per thread or processor.
 */
public final class SignatureMatcher {

    /** Longest label value kept; longer values (attacker-controlled) are cut. */
    static final int MAX_LABEL_CHARS = 200;

    /**
     * Per source (by ordinal): the signatures that may run on an event, by the event's {@code kind} (null: any
     * kind); null for a source without signatures. And per source the last kind looked up and what it found.
     */
    private final Map<String, PerSource>[] bySource;
    private final Object[] lastKind = new Object[Source.values().length];
    private final PerSource[] lastPerSource = new PerSource[Source.values().length];

    @SuppressWarnings("unchecked")
    public SignatureMatcher(final PatternPack pack) {
        this.bySource = new Map[Source.values().length];
        final Map<Source, List<Signature>> grouped = new EnumMap<>(Source.class);
        for (final Signature s : pack.signatures()) {
            if (!"deprecated".equals(s.status())) {
                grouped.computeIfAbsent(s.source(), k -> new ArrayList<>()).add(s);
            }
        }
        // a signature with `kind == error` never runs on an access line, nor one with `kind != access`:
        // partitioning by kind keeps the access lines (most of nginx's and Synapse's volume, and their
        // attacker-chosen URLs and user agents) away from the other signatures' prefilter scan altogether
        grouped.forEach((src, sigs) -> {
            final Map<String, List<Signature>> byKind = new java.util.HashMap<>();
            final List<Signature> anyKind = new ArrayList<>();
            final java.util.Set<String> kinds = new java.util.HashSet<>();
            for (final Signature s : sigs) {
                final String kind = requiredKind(s);
                if (kind == null) {
                    anyKind.add(s);
                } else {
                    byKind.computeIfAbsent(kind, k -> new ArrayList<>()).add(s);
                    kinds.add(kind);
                }
                kinds.addAll(excludedKinds(s));
            }
            final Map<String, PerSource> m = new java.util.HashMap<>();
            for (final String kind : kinds) {
                final List<Signature> all = new ArrayList<>(byKind.getOrDefault(kind, List.of()));
                for (final Signature s : anyKind) {
                    if (!excludedKinds(s).contains(kind)) {
                        all.add(s);
                    }
                }
                all.sort((a, b) -> a.id().compareTo(b.id()));
                m.put(kind, new PerSource(pack, all));
            }
            m.put(null, new PerSource(pack, anyKind));
            bySource[src.ordinal()] = m;
        });
    }

    /** The kinds a signature's {@code kind != X} conditions rule out. */
    private static java.util.Set<String> excludedKinds(final Signature s) {
        final java.util.Set<String> out = new java.util.HashSet<>();
        for (final dev.vigil.pack.Condition c : s.conditions()) {
            final String v = c.excludedValue("kind");
            if (v != null) {
                out.add(v);
            }
        }
        return out;
    }

    private static String requiredKind(final Signature s) {
        for (final dev.vigil.pack.Condition c : s.conditions()) {
            final String v = c.requiredValue("kind");
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    /** Calls {@code out} for each signature that matches {@code e}, in signature-id order. */
    public void match(final LogEvent e, final Consumer<Match> out) {
        final int src = e.source().ordinal();
        final Map<String, PerSource> m = bySource[src];
        if (m != null) {
            final Object kind = e.fields().get("kind");
            PerSource ps;
            if (kind == lastKind[src] && kind != null) { // the parsers' constants: "access" line after line
                ps = lastPerSource[src];
            } else {
                ps = kind == null ? null : m.get(kind.toString());
                if (ps == null) {
                    ps = m.get(null);
                }
                lastKind[src] = kind;
                lastPerSource[src] = ps;
            }
            ps.match(e, out);
        }
    }

    /** All matches of {@code e} as an unmodifiable list (a parallel replay's workers; tests; `vigil check`). */
    public List<Match> matchAll(final LogEvent e) {
        final Collector c = new Collector();
        match(e, c);
        return c.list();
    }

    /** Collects matches with one small object for the common event that has none or one. */
    private static final class Collector implements Consumer<Match> {
        private Match first;
        private List<Match> more;

        @Override
        public void accept(final Match m) {
            if (first == null) {
                first = m;
            } else {
                if (more == null) {
                    more = new ArrayList<>(4);
                    more.add(first);
                }
                more.add(m);
            }
        }

        List<Match> list() {
            return more != null ? Collections.unmodifiableList(more) : first != null ? List.of(first) : List.of();
        }
    }

    /**
     * The named groups of one regex match: {@code names} in pattern order, {@code slots[k]} the group number of
     * {@code names[k]}, {@code positions} re2j's [start, end) pairs.
     */
    record Groups(String text, int[] positions, String[] names, int[] slots) {

        /** The value of the k-th named group, or null when it did not take part. */
        String value(final int k) {
            final int start = positions[2 * slots[k]];
            return start < 0 ? null : text.substring(start, positions[2 * slots[k] + 1]);
        }
    }

    /** Labels of a match: host, the regex's named groups that took part, then the signature's label fields. */
    static SortedMap<String, String> labels(final Signature s, final LogEvent e, final Groups g) {
        final TreeMap<String, String> labels = new TreeMap<>();
        if (e.host() != null) {
            labels.put("host", SafeText.clean(e.host(), MAX_LABEL_CHARS));
        }
        if (g != null) {
            for (int k = 0; k < g.names.length; k++) {
                if (g.names[k].startsWith("_")) {
                    continue;
                }
                final String v = g.value(k);
                if (v != null) {
                    labels.put(g.names[k], SafeText.clean(v, MAX_LABEL_CHARS));
                }
            }
        }
        for (final String f : s.labelFields()) {
            final String v = e.field(f);
            if (v != null) {
                labels.put(f, SafeText.clean(v, MAX_LABEL_CHARS));
            }
        }
        return Collections.unmodifiableSortedMap(labels);
    }

    /** Named groups starting with '_' (not labels), keyed without the underscore. */
    static java.util.Map<String, String> captures(final Signature s, final Groups g) {
        if (g == null || !s.hasCaptures()) {
            return java.util.Map.of();
        }
        final java.util.Map<String, String> out = new java.util.HashMap<>(4);
        for (int k = 0; k < g.names.length; k++) {
            if (g.names[k].startsWith("_")) {
                final String v = g.value(k);
                if (v != null) {
                    out.put(g.names[k].substring(1), SafeText.clean(v, MAX_LABEL_CHARS));
                }
            }
        }
        return out;
    }

    /** The signatures of one source and their prefilter. */
    private static final class PerSource {
        private final Signature[] sigs;
        private final AhoCorasick automaton;
        /** literal index → signature index. */
        private final int[] literalOwner;
        /** Signatures the prefilter cannot rule out (no regex or no literal), ascending. */
        private final int[] unfiltered;
        /**
         * The field that several unfiltered signatures require to equal a small whole number ({@code status ==
         * 502}), or null; then {@code unfilteredFor[v]} are the unfiltered signatures that an event whose field is
         * the number v may match (ascending), and {@link #unkeyed} those an event with any other value may match.
         * Six HTTP status signatures then cost an access line one lookup, not six condition tests.
         */
        private final String keyField;
        private final int[][] unfilteredFor;
        private final int[] unkeyed;
        private final boolean[] literalHit;
        private final boolean[] candidate;
        /** Each signature's field conditions, as an array (walked for every line). */
        private final Condition[][] conditions;
        /** Scratch: signatures whose literal the line contains, in the order found. */
        private final int[] found;
        /** Each signature's named groups (pattern order) and their group numbers; empty when it has none. */
        private final String[][] groupNames;
        private final int[][] groupSlots;
        /** Each signature's search plan (its regex split at a lazy gap where it has one); null without a regex. */
        private final OnePassSearch.Plan[] plans;

        PerSource(final PatternPack pack, final List<Signature> list) {
            sigs = list.toArray(new Signature[0]);
            final List<String> literals = new ArrayList<>();
            final List<Integer> owners = new ArrayList<>();
            final List<Integer> open = new ArrayList<>();
            for (int i = 0; i < sigs.length; i++) {
                if (sigs[i].regex() == null || sigs[i].literals().isEmpty()) {
                    open.add(i);
                }
                for (final String lit : sigs[i].literals()) {
                    literals.add(lit);
                    owners.add(i);
                }
            }
            automaton = literals.isEmpty() ? null : new AhoCorasick(literals);
            literalOwner = owners.stream().mapToInt(Integer::intValue).toArray();
            literalHit = new boolean[literals.size()];
            candidate = new boolean[sigs.length];
            found = new int[sigs.length];
            conditions = new Condition[sigs.length][];
            groupNames = new String[sigs.length][];
            groupSlots = new int[sigs.length][];
            plans = new OnePassSearch.Plan[sigs.length];
            for (int i = 0; i < sigs.length; i++) {
                // made once per pack: a plan is immutable, and making one parses and compiles parts of the regex,
                // which each matcher (one per replay worker, one per live task) did again for the whole pack
                plans[i] = sigs[i].regex() == null ? null : pack.shared(sigs[i].regex(), OnePassSearch::plan);
                conditions[i] = sigs[i].conditions().toArray(new Condition[0]);
                groupNames[i] = sigs[i].groupNames().toArray(new String[0]);
                groupSlots[i] = new int[groupNames[i].length];
                for (int k = 0; k < groupNames[i].length; k++) {
                    groupSlots[i][k] = sigs[i].regex().namedGroups().get(groupNames[i][k]);
                }
            }
            unfiltered = open.stream().mapToInt(Integer::intValue).toArray();
            keyField = keyField(sigs, unfiltered);
            if (keyField == null) {
                unfilteredFor = null;
                unkeyed = unfiltered;
            } else {
                final int[] required = new int[sigs.length];
                int max = -1;
                final List<Integer> rest = new ArrayList<>();
                for (final int i : unfiltered) {
                    required[i] = requiredWholeNumber(sigs[i], keyField);
                    max = Math.max(max, required[i]);
                    if (required[i] < 0) {
                        rest.add(i);
                    }
                }
                unkeyed = rest.stream().mapToInt(Integer::intValue).toArray();
                unfilteredFor = new int[max + 1][];
                for (int v = 0; v <= max; v++) {
                    final int value = v;
                    final int[] own = java.util.Arrays.stream(unfiltered)
                        .filter(i -> required[i] < 0 || required[i] == value).toArray();
                    unfilteredFor[v] = own.length == unkeyed.length ? unkeyed : own;
                }
            }
        }

        /** The whole number in [0, 65535] that {@code s} requires {@code field} to equal ({@code ==}), or -1. */
        private static int requiredWholeNumber(final Signature s, final String field) {
            for (final Condition c : s.conditions()) {
                final String v = c.requiredValue(field);
                if (v != null && v.matches("[0-9]{1,5}") && Integer.parseInt(v) <= 65_535) {
                    return Integer.parseInt(v);
                }
            }
            return -1;
        }

        private static final java.util.Set<String> NOT_FIELDS = java.util.Set.of("level", "message", "host");

        /** The field most of the {@code open} signatures key on by a whole number, when two or more do; else null. */
        private static String keyField(final Signature[] sigs, final int[] open) {
            final Map<String, Integer> counts = new java.util.TreeMap<>();
            for (final int i : open) {
                for (final Condition c : sigs[i].conditions()) {
                    // level, message and host are not read from the fields
                    if (!NOT_FIELDS.contains(c.field()) && requiredWholeNumber(sigs[i], c.field()) >= 0) {
                        counts.merge(c.field(), 1, Integer::sum);
                        break;
                    }
                }
            }
            return counts.entrySet().stream().filter(en -> en.getValue() >= 2)
                .max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(null);
        }

        /**
         * The unfiltered signatures {@code e} may match. An event whose key field is no whole number in range
         * cannot satisfy any keyed signature's {@code ==} (their values are such numbers), nor can one without the
         * field; a string value may still compare equal as a number, so it gets every unfiltered signature.
         */
        private int[] unfilteredFor(final LogEvent e) {
            if (keyField == null) {
                return unfiltered;
            }
            final Object v = e.fields().get(keyField);
            if (v instanceof Long) {
                final long n = (Long) v;
                return n >= 0 && n < unfilteredFor.length ? unfilteredFor[(int) n] : unkeyed;
            }
            if (v instanceof Number) {
                final double d = ((Number) v).doubleValue();
                return d >= 0 && d < unfilteredFor.length && d == Math.rint(d) ? unfilteredFor[(int) d] : unkeyed;
            }
            return v == null ? unkeyed : unfiltered;
        }

        void match(final LogEvent e, final Consumer<Match> out) {
            final String text = e.message();
            int nf = 0;
            if (automaton != null && text != null && automaton.scan(text, literalHit) > 0) {
                for (int p = 0; p < literalHit.length; p++) {
                    if (literalHit[p]) {
                        literalHit[p] = false;
                        final int owner = literalOwner[p];
                        if (!candidate[owner]) {
                            candidate[owner] = true;
                            found[nf++] = owner;
                        }
                    }
                }
                // insertion sort: a line names one or two candidates (Arrays.sort costs more than it sorts here)
                for (int x = 1; x < nf; x++) {
                    final int v = found[x];
                    int y = x - 1;
                    while (y >= 0 && found[y] > v) {
                        found[y + 1] = found[y];
                        y--;
                    }
                    found[y + 1] = v;
                }
            }
            // the candidates and the unfiltered signatures, merged in signature order
            final int[] open = unfilteredFor(e);
            int a = 0;
            int b = 0;
            while (a < nf || b < open.length) {
                final int i;
                if (b >= open.length || a < nf && found[a] < open[b]) {
                    i = found[a++];
                    candidate[i] = false;
                } else {
                    i = open[b++];
                }
                final Signature s = sigs[i];
                if (!conditionsHold(conditions[i], e)) {
                    continue;
                }
                Groups g = null;
                if (s.regex() != null) {
                    if (text == null) {
                        continue;
                    }
                    // one NFA pass: with every group when the labels need them, else stopping at the first match
                    if (groupNames[i].length == 0) {
                        if (!plans[i].find(text)) {
                            continue;
                        }
                    } else {
                        final int[] positions = plans[i].findGroups(text);
                        if (positions == null) {
                            continue;
                        }
                        g = new Groups(text, positions, groupNames[i], groupSlots[i]);
                    }
                }
                out.accept(new Match(s, labels(s, e, g), e, captures(s, g)));
            }
        }

        private static boolean conditionsHold(final Condition[] cs, final LogEvent e) {
            for (final Condition c : cs) {
                if (!c.test(e)) {
                    return false;
                }
            }
            return true;
        }
    }
}
