package dev.vigil.metrics;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The meter tables of docs/metrics.md: rows whose first cell is a backticked {@code vigil.} name. */
public final class MetricsDoc {
    private static final Pattern CODE = Pattern.compile("`([^`]+)`");

    private MetricsDoc() {
    }

    /** Micrometer name → its Prometheus names. */
    public static Map<String, Set<String>> rows(final Path doc) {
        final Map<String, Set<String>> out = new TreeMap<>();
        try {
            for (final String line : Files.readAllLines(doc)) {
                if (!line.startsWith("| `vigil.")) {
                    continue;
                }
                final String[] cells = line.split("\\|");
                final Matcher name = CODE.matcher(cells[1]);
                name.find();
                final Set<String> prometheus = new TreeSet<>();
                final Matcher m = CODE.matcher(cells[2]);
                while (m.find()) {
                    prometheus.add(m.group(1));
                }
                out.put(name.group(1), prometheus);
            }
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** Every Prometheus name the page documents. */
    public static Set<String> prometheusNames(final Path doc) {
        final Set<String> out = new TreeSet<>();
        rows(doc).values().forEach(out::addAll);
        return out;
    }
}
