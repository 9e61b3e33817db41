package dev.vigil.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigil.bridge.BridgeMetersFixture;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** docs/metrics.md lists exactly the meters {@link Meters} names, under the names Prometheus shows. */
class MetricsDocTest {
    private static final Path DOC = PromText.root().resolve("docs/metrics.md");

    @Test
    void shouldDocumentEveryMeterNameOfMetersAndNoOther() throws IllegalAccessException {
        final Set<String> names = new TreeSet<>();
        for (final Field f : Meters.class.getDeclaredFields()) {
            if (Modifier.isPublic(f.getModifiers()) && Modifier.isStatic(f.getModifiers())
                && f.getType() == String.class) {
                names.add((String) f.get(null));
            }
        }
        assertEquals(names, MetricsDoc.rows(DOC).keySet());
    }

    @Test
    void shouldDocumentThePrometheusNamesARegistryReallyShows() {
        try (Meters meters = Meters.prometheus().bind(MetersTest.everyKind()).buildInfo("dev", "1.0.0")
            .ready(() -> true)) {
            BridgeMetersFixture.register(meters.registry());
            final Set<String> scraped = PromText.names(meters.scrape()).stream()
                .filter(n -> n.startsWith("vigil_")).collect(Collectors.toCollection(TreeSet::new));
            assertEquals(scraped, MetricsDoc.prometheusNames(DOC));
        }
    }

    @Test
    void shouldPairEachMicrometerNameWithItsPrometheusNames() {
        for (final Map.Entry<String, Set<String>> row : MetricsDoc.rows(DOC).entrySet()) {
            final String base = row.getKey().replace('.', '_');
            for (final String p : row.getValue()) {
                assertEquals(true, p.startsWith(base), () -> row.getKey() + " documented as " + p);
            }
        }
    }
}
