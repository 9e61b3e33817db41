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

    /** Signatures of a source that may run on an event, by the event's {@code kind} (null: any kind). */
    private final Map<Source, Map<String, PerSource>> bySource = new EnumMap<>(Source.class);

    public SignatureMatcher(final PatternPack pack) {
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
                m.put(kind, new PerSource(all));
            }
            m.put(null, new PerSource(anyKind));
            bySource.put(src, m);
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
        final Map<String, PerSource> m = bySource.get(e.source());
        if (m != null) {
            final Object kind = e.fields().get("kind");
            PerSource ps = kind == null ? null : m.get(kind.toString());
            if (ps == null) {
                ps = m.get(null);
            }
            ps.match(e, out);
        }
    }

    /** All matches of {@code e} as a list (convenience for tests and `vigil check`). */
    public List<Match> matchAll(final LogEvent e) {
        final List<Match> out = new ArrayList<>(2);
        match(e, out::add);
        return out;
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

        PerSource(final List<Signature> list) {
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
                plans[i] = sigs[i].regex() == null ? null : OnePassSearch.plan(sigs[i].regex());
                conditions[i] = sigs[i].conditions().toArray(new Condition[0]);
                groupNames[i] = sigs[i].groupNames().toArray(new String[0]);
                groupSlots[i] = new int[groupNames[i].length];
                for (int k = 0; k < groupNames[i].length; k++) {
                    groupSlots[i][k] = sigs[i].regex().namedGroups().get(groupNames[i][k]);
                }
            }
            unfiltered = open.stream().mapToInt(Integer::intValue).toArray();
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
            int a = 0;
            int b = 0;
            while (a < nf || b < unfiltered.length) {
                final int i;
                if (b >= unfiltered.length || a < nf && found[a] < unfiltered[b]) {
                    i = found[a++];
                    candidate[i] = false;
                } else {
                    i = unfiltered[b++];
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
