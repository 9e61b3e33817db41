package dev.vigil.pack;

import dev.vigil.pack.YamlTree.ListNode;
import dev.vigil.pack.YamlTree.MapNode;
import dev.vigil.pack.YamlTree.Node;
import dev.vigil.pack.YamlTree.Scalar;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** Shared strict reading of one pack file: every problem is recorded as {@code file:line: what}. */
abstract class NodeReader {
    final Path file;
    final String name;
    final List<String> problems;
    final int problemsBefore;

    NodeReader(final Path dir, final Path file, final List<String> problems) {
        this.file = file;
        this.name = PatternPack.rel(dir, file);
        this.problems = problems;
        this.problemsBefore = problems.size();
    }

    void problem(final int line, final String what) {
        problems.add(name + ":" + line + ": " + what);
    }

    /** Whether this file added problems. */
    boolean failed() {
        return problems.size() > problemsBefore;
    }

    /** Parses the file; checks it is a mapping with only allowed keys. Null after a problem. */
    MapNode readRoot(final String what, final Set<String> allowed) {
        final Node root;
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            root = YamlTree.parse(r);
        } catch (final YamlTree.YamlError e) {
            problem(e.line, e.getMessage());
            return null;
        } catch (final com.fasterxml.jackson.core.JsonProcessingException e) {
            problem(e.getLocation() == null ? 1 : e.getLocation().getLineNr(),
                "invalid YAML: " + e.getOriginalMessage());
            return null;
        } catch (final IOException e) {
            problem(1, "cannot read (" + e.getMessage() + ")");
            return null;
        }
        if (!(root instanceof MapNode)) {
            problem(root.line, what + " must be a mapping of keys, found " + root.kind());
            return null;
        }
        final MapNode m = (MapNode) root;
        checkKeys(m, allowed);
        return m;
    }

    void checkKeys(final MapNode m, final Set<String> allowed) {
        for (final String key : m.entries.keySet()) {
            if (!allowed.contains(key)) {
                problem(m.keyLines.get(key), "unknown key '" + key + "' (allowed: "
                    + String.join(", ", new java.util.TreeSet<>(allowed)) + ")");
            }
        }
    }

    void checkRunbook(final String runbook, final int line, final Map<String, Set<String>> anchors) {
        final int hash = runbook.indexOf('#');
        if (hash <= 0 || hash == runbook.length() - 1) {
            problem(line, "runbook '" + runbook + "' must be '<file>.md#<anchor>'");
            return;
        }
        final String f = runbook.substring(0, hash);
        final String anchor = runbook.substring(hash + 1);
        final Set<String> a = anchors.get(f);
        if (a == null) {
            problem(line, "runbook file runbooks/" + f + " does not exist");
        } else if (!a.contains(anchor)) {
            problem(line, "runbook anchor #" + anchor + " is not a heading in runbooks/" + f);
        }
    }

    int line(final MapNode m, final String key) {
        final Integer l = m.keyLines.get(key);
        return l == null ? m.line : l;
    }

    String requiredText(final MapNode m, final String key) {
        final Node n = m.entries.get(key);
        if (n == null) {
            problem(m.line, "missing required key '" + key + "'");
            return null;
        }
        if (!(n instanceof Scalar) || ((Scalar) n).text == null || ((Scalar) n).text.isBlank()) {
            problem(n.line, "'" + key + "' must be non-empty text, found " + n.kind());
            return null;
        }
        return ((Scalar) n).text;
    }

    String optionalText(final MapNode m, final String key, final String dflt) {
        final Node n = m.entries.get(key);
        if (n == null) {
            return dflt;
        }
        if (!(n instanceof Scalar) || ((Scalar) n).text == null) {
            problem(n.line, "'" + key + "' must be text, found " + n.kind());
            return dflt;
        }
        return ((Scalar) n).text;
    }

    List<Scalar> scalarList(final MapNode m, final String key) {
        final Node n = m.entries.get(key);
        if (n == null) {
            return List.of();
        }
        if (!(n instanceof ListNode)) {
            problem(n.line, "'" + key + "' must be a list, found " + n.kind());
            return List.of();
        }
        final List<Scalar> out = new ArrayList<>();
        for (final Node item : ((ListNode) n).items) {
            if (item instanceof Scalar && ((Scalar) item).text != null) {
                out.add((Scalar) item);
            } else {
                problem(item.line, "items of '" + key + "' must be text, found " + item.kind());
            }
        }
        return out;
    }

    static List<String> texts(final List<Scalar> scalars) {
        return scalars.stream().map(s -> s.text).collect(Collectors.toUnmodifiableList());
    }
}
