package dev.vigil.pack;

import dev.vigil.pack.RuleSpec.Expected;
import dev.vigil.pack.RuleSpec.Input;
import dev.vigil.pack.RuleSpec.Kind;
import dev.vigil.pack.RuleSpec.RuleTest;
import dev.vigil.pack.RuleSpec.Selector;
import dev.vigil.pack.YamlTree.ListNode;
import dev.vigil.pack.YamlTree.MapNode;
import dev.vigil.pack.YamlTree.Node;
import dev.vigil.pack.YamlTree.Scalar;
import dev.vigil.parse.Source;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Reads and validates one rule file strictly; problems are recorded with file and line. */
final class RuleReader extends NodeReader {

    static final Set<String> KEYS = Set.of("id", "title", "status", "kind", "source", "severity", "match",
        "numerator", "field", "quantile", "group_by", "window", "hop", "grace", "threshold", "resolve_threshold",
        "min_count", "for", "resolve_after", "lookback", "max_groups", "summary", "diagnosis", "runbook", "tests",
        "tags", "falsepositives");
    private static final Set<String> SELECTOR_KEYS = Set.of("signatures", "sources", "when");
    private static final Set<String> TEST_KEYS = Set.of("name", "input", "expect");
    private static final Set<String> INPUT_KEYS = Set.of("at", "n", "every", "source", "line");
    private static final Set<String> EXPECT_KEYS = Set.of("status", "at", "labels");

    static final long DEFAULT_GRACE_MS = 2 * 60_000L;
    static final long DEFAULT_LOOKBACK_MS = 3_600_000L;
    static final int DEFAULT_MAX_GROUPS = 10_000;

    private final Map<String, Set<String>> anchors;
    private final Map<String, Signature> signatures;

    RuleReader(final Path dir, final Path file, final Map<String, Set<String>> anchors,
               final Map<String, Signature> signatures, final List<String> problems) {
        super(dir, file, problems);
        this.anchors = anchors;
        this.signatures = signatures;
    }

    RuleSpec read() {
        final MapNode m = readRoot("a rule", KEYS);
        if (m == null) {
            return null;
        }
        final String id = requiredText(m, "id");
        final String title = requiredText(m, "title");
        final String kindText = requiredText(m, "kind");
        final String severityText = requiredText(m, "severity");
        final String diagnosis = requiredText(m, "diagnosis");
        final String runbook = requiredText(m, "runbook");
        final String fileId = file.getFileName().toString().replaceFirst("\\.ya?ml$", "");
        if (id != null && !id.equals(fileId)) {
            problem(line(m, "id"), "id '" + id + "' must equal the file name ('" + fileId + "')");
        }
        Kind kind = null;
        if (kindText != null) {
            try {
                kind = Kind.valueOf(kindText.toUpperCase(Locale.ROOT));
            } catch (final IllegalArgumentException e) {
                problem(line(m, "kind"), "kind '" + kindText + "' must be count, ratio, quantile or absence");
            }
        }
        final String sourceText = optionalText(m, "source", null);
        final Source source = sourceText == null ? null : Source.fromId(sourceText);
        if (sourceText != null && source == null) {
            problem(line(m, "source"), "unknown source '" + sourceText + "'");
        }
        final Severity severity = severityText == null ? null : Severity.fromId(severityText);
        if (severityText != null && severity == null) {
            problem(line(m, "severity"), "severity '" + severityText + "' must be critical, error, warning or info");
        }
        final Selector match = selector(m, "match", true);
        final Selector numerator = selector(m, "numerator", kind == Kind.RATIO);
        if (numerator != null && kind != Kind.RATIO) {
            problem(line(m, "numerator"), "'numerator' belongs to ratio rules only");
        }
        final String fieldText = optionalText(m, "field", null);
        final String field = fieldText == null ? null : fieldText.intern();
        double q = 0;
        if (kind == Kind.QUANTILE) {
            if (field == null) {
                problem(m.line, "a quantile rule needs 'field' (a numeric field such as duration_ms)");
            }
            q = number(m, "quantile", Double.NaN);
            if (!(q > 0 && q < 1)) {
                problem(line(m, "quantile"), "'quantile' must be between 0 and 1 (e.g. 0.95)");
            }
        }
        // field names interned: events' field maps find the parsers' constant names by identity first
        final List<String> groupBy = texts(scalarList(m, "group_by")).stream().map(String::intern)
            .collect(java.util.stream.Collectors.toUnmodifiableList());
        final long window = duration(m, "window", -1);
        if (window <= 0) {
            problem(line(m, "window"), "a rule needs a positive 'window' (e.g. 5m)");
        }
        final long hop = duration(m, "hop", Math.max(1_000, window / 5));
        if (window > 0 && (hop <= 0 || hop > window || window % hop != 0)) {
            problem(line(m, "hop"), "'hop' must divide the window (window " + Durations.format(window) + ")");
        }
        final long grace = duration(m, "grace", DEFAULT_GRACE_MS);
        final double threshold = kind == Kind.ABSENCE ? 0 : number(m, "threshold", Double.NaN);
        if (kind != Kind.ABSENCE && Double.isNaN(threshold)) {
            problem(m.line, "missing required key 'threshold'");
        }
        final double resolveThreshold = number(m, "resolve_threshold", threshold);
        if (resolveThreshold > threshold) {
            problem(line(m, "resolve_threshold"), "'resolve_threshold' must not be above 'threshold'");
        }
        final long minCount = (long) number(m, "min_count", 1);
        final long forMillis = duration(m, "for", 0);
        final long resolveAfter = duration(m, "resolve_after", Math.max(window, 60_000));
        final long lookback = duration(m, "lookback", DEFAULT_LOOKBACK_MS);
        final int maxGroups = (int) number(m, "max_groups", DEFAULT_MAX_GROUPS);
        if (maxGroups < 1) {
            problem(line(m, "max_groups"), "'max_groups' must be at least 1");
        }
        final String summary = optionalText(m, "summary", title);
        if (runbook != null) {
            checkRunbook(runbook, line(m, "runbook"), anchors);
        }
        final List<RuleTest> tests = tests(m, source);
        if (failed()) {
            return null;
        }
        return new RuleSpec(id, title, kind, source, severity, match, numerator, field, q, groupBy, window, hop,
            grace, threshold, resolveThreshold, minCount, forMillis, resolveAfter, lookback, maxGroups, summary,
            diagnosis.trim(), runbook, tests, name);
    }

    private Selector selector(final MapNode m, final String key, final boolean required) {
        final Node n = m.entries.get(key);
        if (n == null) {
            if (required) {
                problem(m.line, "missing required key '" + key + "' (signatures:, sources:, when:)");
            }
            return null;
        }
        if (!(n instanceof MapNode)) {
            problem(n.line, "'" + key + "' must be a mapping with signatures:, sources: and/or when:");
            return null;
        }
        final MapNode s = (MapNode) n;
        checkKeys(s, SELECTOR_KEYS);
        final List<String> sigs = new ArrayList<>();
        for (final Scalar sc : scalarList(s, "signatures")) {
            if (!signatures.containsKey(sc.text)) {
                problem(sc.line, "unknown signature '" + sc.text + "'");
            }
            sigs.add(sc.text);
        }
        final List<Source> sources = new ArrayList<>();
        for (final Scalar sc : scalarList(s, "sources")) {
            final Source src = Source.fromId(sc.text);
            if (src == null) {
                problem(sc.line, "unknown source '" + sc.text + "'");
            } else {
                sources.add(src);
            }
        }
        final List<Condition> when = new ArrayList<>();
        for (final Scalar sc : scalarList(s, "when")) {
            try {
                when.add(Condition.parse(sc.text));
            } catch (final IllegalArgumentException e) {
                problem(sc.line, e.getMessage());
            }
        }
        return new Selector(List.copyOf(sigs), List.copyOf(sources), List.copyOf(when));
    }

    private List<RuleTest> tests(final MapNode m, final Source ruleSource) {
        final Node n = m.entries.get("tests");
        final List<RuleTest> out = new ArrayList<>();
        if (n == null) {
            problem(m.line, "missing 'tests' (both sides of the threshold, like promtool's 14m/15m)");
            return out;
        }
        if (!(n instanceof ListNode)) {
            problem(n.line, "'tests' must be a list");
            return out;
        }
        boolean silent = false;
        boolean fires = false;
        for (final Node t : ((ListNode) n).items) {
            if (!(t instanceof MapNode)) {
                problem(t.line, "a test must be a mapping with name, input and expect");
                continue;
            }
            final MapNode tm = (MapNode) t;
            checkKeys(tm, TEST_KEYS);
            final String name = requiredText(tm, "name");
            final List<Input> inputs = new ArrayList<>();
            final Node in = tm.entries.get("input");
            if (in instanceof ListNode) {
                for (final Node i : ((ListNode) in).items) {
                    if (!(i instanceof MapNode)) {
                        problem(i.line, "an input must be a mapping: {at, n, every, line, source}");
                        continue;
                    }
                    final MapNode im = (MapNode) i;
                    checkKeys(im, INPUT_KEYS);
                    final String srcText = optionalText(im, "source", ruleSource == null ? null : ruleSource.id());
                    final Source src = srcText == null ? null : Source.fromId(srcText);
                    if (src == null) {
                        problem(im.line, "input needs a 'source' (the rule has none)");
                    }
                    final String line = requiredText(im, "line");
                    inputs.add(new Input(duration(im, "at", 0), (int) number(im, "n", 1), duration(im, "every", 1_000),
                        src, line));
                }
            } else {
                problem(tm.line, "a test needs 'input': a list of {at, n, every, line}");
            }
            final List<Expected> expected = new ArrayList<>();
            final Node ex = tm.entries.get("expect");
            if (ex instanceof ListNode) {
                for (final Node e : ((ListNode) ex).items) {
                    if (!(e instanceof MapNode)) {
                        problem(e.line, "an expected alert must be a mapping: {status, at, labels}");
                        continue;
                    }
                    final MapNode em = (MapNode) e;
                    checkKeys(em, EXPECT_KEYS);
                    final String status = requiredText(em, "status");
                    if (status != null && !"firing".equals(status) && !"resolved".equals(status)) {
                        problem(line(em, "status"), "status must be firing or resolved");
                    }
                    final Map<String, String> labels = new LinkedHashMap<>();
                    final Node ln = em.entries.get("labels");
                    if (ln instanceof MapNode) {
                        ((MapNode) ln).entries.forEach((k, v) -> labels.put(k, v instanceof Scalar
                            ? ((Scalar) v).text : null));
                    }
                    expected.add(new Expected(status, duration(em, "at", -1), labels));
                }
            } else {
                problem(tm.line, "a test needs 'expect': a list of alerts ([] when nothing may fire)");
            }
            silent |= expected.isEmpty();
            fires |= expected.stream().anyMatch(x -> "firing".equals(x.status()));
            out.add(new RuleTest(name, List.copyOf(inputs), List.copyOf(expected), tm.line));
        }
        if (!silent || !fires) {
            problem(line(m, "tests"), "tests must cover both sides of the threshold: at least one test where "
                + "nothing fires and one where the rule fires");
        }
        return out;
    }

    private long duration(final MapNode m, final String key, final long dflt) {
        final String t = optionalText(m, key, null);
        if (t == null) {
            return dflt;
        }
        try {
            return Durations.parseMillis(t);
        } catch (final IllegalArgumentException e) {
            problem(line(m, key), e.getMessage());
            return dflt;
        }
    }

    private double number(final MapNode m, final String key, final double dflt) {
        final String t = optionalText(m, key, null);
        if (t == null) {
            return dflt;
        }
        try {
            return Double.parseDouble(t);
        } catch (final NumberFormatException e) {
            problem(line(m, key), "'" + key + "' must be a number, found '" + t + "'");
            return dflt;
        }
    }
}
