package dev.vigil.metrics;

import java.util.Set;
import java.util.TreeSet;

/** Reading the Prometheus text exposition format in tests. */
final class PromText {
    private PromText() {
    }

    /** The sample names of a scrape (histogram/summary series included: {@code _count}, {@code _bucket}, …). */
    static Set<String> names(final String text) {
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
}
