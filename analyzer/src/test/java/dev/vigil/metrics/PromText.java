package dev.vigil.metrics;

import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reading the Prometheus text exposition format and PromQL expressions in tests. */
public final class PromText {
    private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left",
        "group_right", "bool", "and", "or", "unless", "offset", "inf", "nan");
    private static final Pattern CLAUSE = Pattern.compile(
        "\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    private static final Pattern IDENT = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

    private PromText() {
    }

    /** The repository's root (the surefire/failsafe property {@code vigil.root}). */
    public static Path root() {
        return Path.of(System.getProperty("vigil.root", "..")).toAbsolutePath().normalize();
    }

    /** The sample names of a scrape (histogram/summary series included: {@code _count}, {@code _bucket}, …). */
    public static Set<String> names(final String text) {
        final Set<String> out = new TreeSet<>();
        for (final String line : text.split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int end = 0;
            while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') {
                end++;
            }
            out.add(line.substring(0, end));
        }
        return out;
    }

    /**
     * The metric names a PromQL expression selects: identifiers that are neither functions, keywords, label names
     * (in matchers and grouping clauses), durations nor Grafana variables.
     */
    public static Set<String> metricNames(final String expr) {
        String s = expr.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"")   // strings
            .replaceAll("\\{[^}]*}", " ")                                  // label matchers
            .replaceAll("\\[[^]]*]", " ")                                  // ranges, subqueries
            .replaceAll("\\$\\{?\\w+}?", " ");                             // Grafana variables
        s = CLAUSE.matcher(s).replaceAll(" ");
        final Set<String> out = new TreeSet<>();
        final Matcher m = IDENT.matcher(s);
        while (m.find()) {
            final String id = m.group();
            int next = m.end();
            while (next < s.length() && Character.isWhitespace(s.charAt(next))) {
                next++;
            }
            final boolean call = next < s.length() && s.charAt(next) == '(';
            final boolean number = m.start() > 0 && Character.isDigit(s.charAt(m.start() - 1));
            if (!call && !number && !KEYWORDS.contains(id.toLowerCase(java.util.Locale.ROOT))) {
                out.add(id);
            }
        }
        return out;
    }
}
