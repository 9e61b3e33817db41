package dev.vigil.pack;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.vigil.pack.YamlTree.ListNode;
import dev.vigil.pack.YamlTree.MapNode;
import dev.vigil.pack.YamlTree.Node;
import dev.vigil.pack.YamlTree.Scalar;
import dev.vigil.parse.Source;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The loaded, validated pattern pack: signatures (and, later, rules) plus the runbook anchors they point at.
 * Loading is strict and reports every problem at once as {@code file:line: what is wrong}.
 */
public final class PatternPack {

    private static final java.util.regex.Pattern SEMVER =
        java.util.regex.Pattern.compile("\\d+\\.\\d+\\.\\d+(?:-[0-9A-Za-z.-]+)?");
    private static final java.util.regex.Pattern ID = java.util.regex.Pattern.compile("[a-z][a-z0-9_]{2,89}");
    private static final java.util.regex.Pattern PLACEHOLDER = java.util.regex.Pattern.compile("\\{([a-z0-9_]+)}");
    private static final Set<String> STATUSES = Set.of("experimental", "test", "stable", "deprecated");
    private static final Set<String> SIGNATURE_KEYS = Set.of("id", "title", "status", "source", "severity", "regex",
        "when", "labels", "literals", "summary", "diagnosis", "runbook", "resolve_after", "falsepositives", "tags",
        "examples");
    private static final Set<String> EXAMPLE_KEYS = Set.of("line", "match", "expect", "from");
    static final long DEFAULT_RESOLVE_AFTER_MS = 15 * 60_000L;

    private final Path dir;
    private final String version;
    private final List<Signature> signatures;
    private final List<RuleSpec> rules;
    private final Map<String, Set<String>> runbookAnchors;
    private final Map<String, Signature> byId = new HashMap<>();
    /** Values worked out from the pack once and shared by its readers (see {@link #shared}). */
    private final Map<Object, Object> shared = new java.util.concurrent.ConcurrentHashMap<>();

    private PatternPack(final Path dir, final String version, final List<Signature> signatures,
                        final List<RuleSpec> rules, final Map<String, Set<String>> runbookAnchors) {
        this.dir = dir;
        this.version = version;
        this.signatures = List.copyOf(signatures);
        this.rules = List.copyOf(rules);
        this.runbookAnchors = runbookAnchors;
        for (final Signature s : this.signatures) {
            byId.put(s.id(), s);
        }
    }

    /**
     * The value {@code make} derives from {@code key} (a part of this pack), made once and then shared by every
     * caller, on any thread: it must be immutable. Compiled search plans live here, so that a replay's workers
     * and a live application's tasks do not each compile the pack again.
     */
    @SuppressWarnings("unchecked")
    public <K, V> V shared(final K key, final java.util.function.Function<K, V> make) {
        return (V) shared.computeIfAbsent(key, k -> make.apply((K) k));
    }

    /** A pack made of the given signatures (tests, benchmarks); runbooks are not checked. */
    public static PatternPack of(final String version, final List<Signature> signatures) {
        return new PatternPack(null, version, signatures, List.of(), Map.of());
    }

    /** A pack made of the given signatures and rules (tests, rule tests). */
    public static PatternPack of(final String version, final List<Signature> signatures,
                                 final List<RuleSpec> rules) {
        return new PatternPack(null, version, signatures, rules, Map.of());
    }

    /** All windowed rules, sorted by id. */
    public List<RuleSpec> rules() {
        return rules;
    }

    /** The pack directory, or null for a pack built in code. */
    public Path dir() {
        return dir;
    }

    /** Semver from {@code VERSION}. */
    public String version() {
        return version;
    }

    /** All signatures, sorted by id. */
    public List<Signature> signatures() {
        return signatures;
    }

    /** Signature by id, or null. */
    public Signature signature(final String id) {
        return byId.get(id);
    }

    /** Runbook file name → anchors its headings define. */
    public Map<String, Set<String>> runbookAnchors() {
        return runbookAnchors;
    }

    /**
     * Loads and validates the pack in {@code dir}.
     *
     * @throws PackException listing every problem found
     */
    public static PatternPack load(final Path dir) throws PackException {
        final List<String> problems = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            throw new PackException(List.of(dir + ": pattern pack directory not found"));
        }
        final String version = readVersion(dir, problems);
        final Map<String, Set<String>> anchors = readRunbooks(dir.resolve("runbooks"), problems);
        final List<Signature> signatures = new ArrayList<>();
        final Path sigDir = dir.resolve("signatures");
        if (!Files.isDirectory(sigDir)) {
            problems.add(rel(dir, sigDir) + ": missing signatures directory");
        } else {
            final Map<String, String> seen = new HashMap<>();
            for (final Path file : yamlFiles(sigDir, problems, dir)) {
                final Signature s = new SignatureReader(dir, file, anchors, problems).read();
                if (s != null) {
                    final String before = seen.putIfAbsent(s.id(), s.file());
                    if (before != null) {
                        problems.add(s.file() + ":1: id '" + s.id() + "' is already used by " + before);
                    } else {
                        signatures.add(s);
                    }
                }
            }
        }
        final List<RuleSpec> rules = new ArrayList<>();
        final Path ruleDir = dir.resolve("rules");
        if (Files.isDirectory(ruleDir)) {
            final Map<String, Signature> byId = new HashMap<>();
            signatures.forEach(s -> byId.put(s.id(), s));
            final Set<String> ids = new HashSet<>(byId.keySet());
            for (final Path file : yamlFiles(ruleDir, problems, dir)) {
                final RuleSpec r = new RuleReader(dir, file, anchors, byId, problems).read();
                if (r != null) {
                    if (!ids.add(r.id())) {
                        problems.add(r.file() + ":1: id '" + r.id() + "' is already used by a signature or rule");
                    } else {
                        rules.add(r);
                    }
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new PackException(problems);
        }
        signatures.sort((a, b) -> a.id().compareTo(b.id()));
        rules.sort((a, b) -> a.id().compareTo(b.id()));
        return new PatternPack(dir, version, signatures, rules, anchors);
    }

    private static String readVersion(final Path dir, final List<String> problems) {
        final Path f = dir.resolve("VERSION");
        try {
            final String v = Files.readString(f, StandardCharsets.UTF_8).trim();
            if (!SEMVER.matcher(v).matches()) {
                problems.add("VERSION:1: '" + v + "' is not a semantic version (MAJOR.MINOR.PATCH)");
            }
            return v;
        } catch (final IOException e) {
            problems.add("VERSION:1: cannot read the pack version file (" + e.getMessage() + ")");
            return "0.0.0";
        }
    }

    static List<Path> yamlFiles(final Path root, final List<String> problems, final Path packDir) {
        try (Stream<Path> s = Files.walk(root)) {
            final List<Path> all = s.filter(Files::isRegularFile).sorted().collect(Collectors.toList());
            final List<Path> yaml = new ArrayList<>();
            for (final Path p : all) {
                final String name = p.getFileName().toString();
                if (name.endsWith(".yml") || name.endsWith(".yaml")) {
                    yaml.add(p);
                } else if (!name.startsWith(".") && !name.endsWith(".md")) {
                    problems.add(rel(packDir, p) + ":1: unexpected file (signatures and rules are .yml files)");
                }
            }
            return yaml;
        } catch (final IOException e) {
            problems.add(rel(packDir, root) + ":1: cannot list files (" + e.getMessage() + ")");
            return List.of();
        }
    }

    private static Map<String, Set<String>> readRunbooks(final Path runbooks, final List<String> problems) {
        final Map<String, Set<String>> anchors = new TreeMap<>();
        if (!Files.isDirectory(runbooks)) {
            return anchors;
        }
        final java.util.regex.Pattern heading = java.util.regex.Pattern.compile("^#{1,6}\\s+(.+?)\\s*#*\\s*$");
        final java.util.regex.Pattern explicit = java.util.regex.Pattern.compile("<a\\s+(?:id|name)=\"([^\"]+)\"");
        try (Stream<Path> s = Files.list(runbooks)) {
            for (final Path p : s.sorted().collect(Collectors.toList())) {
                if (!p.getFileName().toString().endsWith(".md")) {
                    continue;
                }
                final Set<String> set = new HashSet<>();
                boolean fence = false;
                for (final String line : Files.readAllLines(p, StandardCharsets.UTF_8)) {
                    if (line.startsWith("```")) {
                        fence = !fence;
                        continue;
                    }
                    if (fence) {
                        continue;
                    }
                    final Matcher m = heading.matcher(line);
                    if (m.matches()) {
                        set.add(slug(m.group(1)));
                    }
                    final Matcher a = explicit.matcher(line);
                    while (a.find()) {
                        set.add(a.group(1));
                    }
                }
                anchors.put(p.getFileName().toString(), Collections.unmodifiableSet(set));
            }
        } catch (final IOException e) {
            problems.add("runbooks:1: cannot read runbooks (" + e.getMessage() + ")");
        }
        return anchors;
    }

    /** GitHub-style heading anchor: lower case, punctuation dropped, spaces to dashes. */
    static String slug(final String heading) {
        final StringBuilder sb = new StringBuilder();
        for (final char c : heading.trim().toLowerCase(Locale.ROOT).toCharArray()) {
            if (Character.isLetterOrDigit(c) || c == '_' || c == '-') {
                sb.append(c);
            } else if (c == ' ') {
                sb.append('-');
            }
        }
        return sb.toString();
    }

    static String rel(final Path dir, final Path p) {
        return dir == null ? p.toString() : dir.relativize(p).toString();
    }

    /** Reads and validates one signature file, adding problems instead of throwing. */
    private static final class SignatureReader extends NodeReader {
        private final Map<String, Set<String>> anchors;

        SignatureReader(final Path dir, final Path file, final Map<String, Set<String>> anchors,
                        final List<String> problems) {
            super(dir, file, problems);
            this.anchors = anchors;
        }

        Signature read() {
            final MapNode m = readRoot("a signature", SIGNATURE_KEYS);
            if (m == null) {
                return null;
            }
            final String id = requiredText(m, "id");
            final String title = requiredText(m, "title");
            final String status = optionalText(m, "status", "test");
            final String sourceText = requiredText(m, "source");
            final String severityText = requiredText(m, "severity");
            final String diagnosis = requiredText(m, "diagnosis");
            final String runbook = requiredText(m, "runbook");
            final String fileId = file.getFileName().toString().replaceFirst("\\.ya?ml$", "");
            if (id != null) {
                if (!ID.matcher(id).matches()) {
                    problem(line(m, "id"), "id '" + id + "' must be snake_case ([a-z][a-z0-9_]{2,89})");
                } else if (!id.equals(fileId)) {
                    problem(line(m, "id"), "id '" + id + "' must equal the file name ('" + fileId + "')");
                }
            }
            if (!STATUSES.contains(status)) {
                problem(line(m, "status"), "status '" + status + "' must be one of " + STATUSES);
            }
            final Source source = Source.fromId(sourceText);
            if (sourceText != null && source == null) {
                problem(line(m, "source"), "unknown source '" + sourceText
                    + "' (nginx, postgres, synapse, journald)");
            }
            if (source != null && id != null && !id.startsWith(source.id() + "_")) {
                problem(line(m, "id"), "id '" + id + "' must start with its source ('" + source.id() + "_')");
            }
            if (source != null && file.getParent() != null
                && !file.getParent().getFileName().toString().equals(source.id())) {
                problem(line(m, "source"), "a " + source.id() + " signature belongs in signatures/" + source.id()
                    + "/");
            }
            final Severity severity = Severity.fromId(severityText);
            if (severityText != null && severity == null) {
                problem(line(m, "severity"), "severity '" + severityText
                    + "' must be one of critical, error, warning, info");
            }
            Pattern regex = null;
            final String regexText = optionalText(m, "regex", null);
            if (regexText != null) {
                try {
                    regex = Pattern.compile(regexText);
                } catch (final PatternSyntaxException e) {
                    problem(line(m, "regex"), "bad regex: " + e.getDescription() + " in '" + e.getPattern() + "'");
                }
            }
            final List<Condition> conditions = new ArrayList<>();
            for (final Scalar c : scalarList(m, "when")) {
                try {
                    conditions.add(Condition.parse(c.text));
                } catch (final IllegalArgumentException e) {
                    problem(c.line, e.getMessage());
                }
            }
            if (regexText == null && !m.entries.containsKey("when")) {
                problem(m.line, "a signature needs a 'regex', a 'when' list, or both");
            }
            final List<String> labelFields = texts(scalarList(m, "labels")).stream().map(String::intern)
                .collect(Collectors.toUnmodifiableList());
            final List<String> groupNames = new ArrayList<>();
            if (regex != null) {
                final Map<String, Integer> named = regex.namedGroups();
                named.entrySet().stream().sorted(Map.Entry.comparingByValue())
                    .forEach(e -> groupNames.add(e.getKey()));
            }
            List<String> literals = new ArrayList<>();
            for (final Scalar l : scalarList(m, "literals")) {
                if (l.text == null || l.text.length() < Literals.MIN_LENGTH) {
                    problem(l.line, "a literal needs at least " + Literals.MIN_LENGTH + " characters");
                } else {
                    literals.add(l.text.toLowerCase(Locale.ROOT));
                }
            }
            if (literals.isEmpty() && regex != null) {
                final String derived = Literals.derive(regexText);
                if (derived != null) {
                    literals = List.of(derived);
                } else if (conditions.isEmpty()) {
                    problem(line(m, "regex"), "the regex has no required literal of " + Literals.MIN_LENGTH
                        + "+ characters outside groups and alternations, so it would run on every line; "
                        + "add 'literals: [...]' naming text every match contains");
                }
            }
            final String summary = optionalText(m, "summary", title);
            final Set<String> knownLabels = new HashSet<>();
            groupNames.stream().filter(g -> !g.startsWith("_")).forEach(knownLabels::add);
            knownLabels.addAll(labelFields);
            knownLabels.add("host");
            if (summary != null) {
                final Matcher ph = PLACEHOLDER.matcher(summary);
                while (ph.find()) {
                    if (!knownLabels.contains(ph.group(1))) {
                        problem(line(m, "summary"), "summary placeholder {" + ph.group(1)
                            + "} names no label (labels: " + new java.util.TreeSet<>(knownLabels) + ")");
                    }
                }
            }
            if (runbook != null) {
                checkRunbook(runbook, line(m, "runbook"));
            }
            long resolveAfter = DEFAULT_RESOLVE_AFTER_MS;
            final String ra = optionalText(m, "resolve_after", null);
            if (ra != null) {
                try {
                    resolveAfter = Durations.parseMillis(ra);
                } catch (final IllegalArgumentException e) {
                    problem(line(m, "resolve_after"), e.getMessage());
                }
            }
            final List<Example> examples = readExamples(m, knownLabels);
            final List<String> fps = texts(scalarList(m, "falsepositives"));
            final List<String> tags = texts(scalarList(m, "tags"));
            if (failed()) {
                return null;
            }
            return new Signature(id, title, status, source, severity, regex, List.copyOf(groupNames),
                List.copyOf(conditions), List.copyOf(labelFields), List.copyOf(literals), summary,
                diagnosis.trim(), runbook, resolveAfter, fps, tags, examples, name);
        }

        private void checkRunbook(final String runbook, final int line) {
            checkRunbook(runbook, line, anchors);
        }

        private List<Example> readExamples(final MapNode m, final Set<String> knownLabels) {
            final Node node = m.entries.get("examples");
            final List<Example> out = new ArrayList<>();
            if (node == null) {
                problem(m.line, "missing 'examples' (at least one line that matches and one that does not)");
                return out;
            }
            if (!(node instanceof ListNode)) {
                problem(node.line, "'examples' must be a list, found " + node.kind());
                return out;
            }
            int positive = 0;
            int negative = 0;
            for (final Node item : ((ListNode) node).items) {
                if (!(item instanceof MapNode)) {
                    problem(item.line, "an example must be a mapping with 'line' (and 'match'/'expect'/'from')");
                    continue;
                }
                final MapNode e = (MapNode) item;
                for (final String key : e.entries.keySet()) {
                    if (!EXAMPLE_KEYS.contains(key)) {
                        problem(e.keyLines.get(key), "unknown example key '" + key + "' (allowed: line, match, "
                            + "expect, from)");
                    }
                }
                final String text = requiredText(e, "line");
                final String matchText = optionalText(e, "match", "true");
                if (!"true".equals(matchText) && !"false".equals(matchText)) {
                    problem(line(e, "match"), "'match' must be true or false");
                }
                final boolean should = !"false".equals(matchText);
                final Map<String, String> expect = new LinkedHashMap<>();
                final Node ex = e.entries.get("expect");
                if (ex instanceof MapNode) {
                    for (final Map.Entry<String, Node> kv : ((MapNode) ex).entries.entrySet()) {
                        if (!knownLabels.contains(kv.getKey())) {
                            problem(((MapNode) ex).keyLines.get(kv.getKey()), "expected label '" + kv.getKey()
                                + "' is not produced by this signature (labels: "
                                + new java.util.TreeSet<>(knownLabels) + ")");
                        }
                        expect.put(kv.getKey(), kv.getValue() instanceof Scalar
                            ? ((Scalar) kv.getValue()).text : null);
                    }
                    if (!should && !expect.isEmpty()) {
                        problem(ex.line, "'expect' makes no sense on an example with match: false");
                    }
                } else if (ex != null) {
                    problem(ex.line, "'expect' must be a mapping of label: value");
                }
                if (text != null) {
                    out.add(new Example(text, should, Collections.unmodifiableMap(expect),
                        optionalText(e, "from", null), e.line));
                    if (should) {
                        positive++;
                    } else {
                        negative++;
                    }
                }
            }
            if (positive == 0) {
                problem(line(m, "examples"), "examples need at least one line that matches");
            }
            if (negative == 0) {
                problem(line(m, "examples"), "examples need at least one line that must not match (match: false)");
            }
            return List.copyOf(out);
        }

    }
}
