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

    /** A pack of the given signatures. */
    public static PatternPack of(final Signature... signatures) {
        return PatternPack.of("0.0.1", List.of(signatures));
    }
}
