package dev.vigil.pack;

import com.google.re2j.Pattern;
import dev.vigil.parse.Source;
import java.util.ArrayList;
import java.util.List;

/** Signatures built in code for unit tests. */
public final class TestPacks {
    private TestPacks() {
    }

    /** A signature with a regex and a resolve period. */
    public static Signature signature(final String id, final Source source, final String regex,
                                      final long resolveAfterMillis, final String... conditions) {
        final Pattern p = regex == null ? null : Pattern.compile(regex);
        final List<String> groups = new ArrayList<>();
        if (p != null) {
            p.namedGroups().entrySet().stream().sorted(java.util.Map.Entry.comparingByValue())
                .forEach(e -> groups.add(e.getKey()));
        }
        final List<Condition> conds = new ArrayList<>();
        for (final String c : conditions) {
            conds.add(Condition.parse(c));
        }
        final String lit = regex == null ? null : Literals.derive(regex);
        return new Signature(id, id + " title", "test", source, Severity.ERROR, p, groups, conds, List.of(),
            lit == null ? List.of() : List.of(lit), id + " on {host}", "diagnosis of " + id, source.id() + ".md#" + id,
            resolveAfterMillis, List.of(), List.of(), List.of(), "signatures/" + source.id() + "/" + id + ".yml");
    }

    /** A count rule over events of {@code source} matching {@code conditions}, grouped by {@code groupBy}. */
    public static RuleSpec countRule(final String id, final Source source, final long window, final long hop,
                                     final double threshold, final long forMillis, final long resolveAfter,
                                     final long grace, final int maxGroups, final List<String> groupBy,
                                     final String... conditions) {
        final List<Condition> conds = new ArrayList<>();
        for (final String c : conditions) {
            conds.add(Condition.parse(c));
        }
        return new RuleSpec(id, id + " title", RuleSpec.Kind.COUNT, source, Severity.WARNING,
            new RuleSpec.Selector(List.of(), List.of(source), conds), null, null, 0, groupBy, window, hop, grace,
            threshold, threshold, 1, forMillis, resolveAfter, 3_600_000L, maxGroups, "{value} in {window}",
            "diagnosis of " + id, source.id() + ".md#" + id, List.of(), "rules/" + id + ".yml");
    }

    /**
     * A ratio rule over events of {@code source} matching {@code when}, with {@code numerator} conditions, grouped
     * by {@code groupBy} (threshold 0.5, at least 10 events).
     */
    public static RuleSpec ratioRule(final String id, final Source source, final List<String> when,
                                     final List<String> numerator, final List<String> groupBy, final long window,
                                     final long hop) {
        return new RuleSpec(id, id + " title", RuleSpec.Kind.RATIO, source, Severity.WARNING,
            new RuleSpec.Selector(List.of(), List.of(source), when.stream().map(Condition::parse).toList()),
            new RuleSpec.Selector(List.of(), List.of(), numerator.stream().map(Condition::parse).toList()), null, 0,
            groupBy, window, hop, hop, 0.5, 0.5, 10, 0, 2 * hop, 3_600_000L, 1000, "{value} in {window}",
            "diagnosis of " + id, source.id() + ".md#" + id, List.of(), "rules/" + id + ".yml");
    }

    /** A pack of the given signatures and rules. */
    public static PatternPack of(final List<Signature> signatures, final List<RuleSpec> rules) {
        return PatternPack.of("0.0.1", signatures, rules);
    }

    /** A pack of the given signatures. */
    public static PatternPack of(final Signature... signatures) {
        return PatternPack.of("0.0.1", List.of(signatures));
    }
}
