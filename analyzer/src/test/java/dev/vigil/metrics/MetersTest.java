package dev.vigil.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.engine.Stats;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MetersTest {

    /** A Stats with one cell of every kind. */
    static Stats everyKind() {
        final Stats s = new Stats();
        s.read("nginx");
        s.parsed("nginx");
        s.deadLettered("postgres", "postgres_bad_prefix");
        s.truncated();
        s.late("alert_lifecycle");
        s.evicted("stream_memory");
        s.matched("nginx_upstream_down");
        s.alerted("nginx_upstream_down", "critical", "firing");
        s.openEpisodes("0_0", Map.of(Stats.openKey("nginx_upstream_down", "critical"), 1L));
        s.ruleValue("nginx_5xx_ratio", "web1").set(0.25);
        s.ruleThreshold("nginx_5xx_ratio", 0.05);
        return s;
    }

    @Test
    void shouldPublishEveryEngineCellUnderItsPrometheusName() {
        try (Meters meters = Meters.prometheus().bind(everyKind())) {
            final String text = meters.scrape();
            for (final String line : new String[] {
                "vigil_records_read_total{source=\"nginx\",} 1.0",
                "vigil_records_parsed_total{source=\"nginx\",} 1.0",
                "vigil_records_deadlettered_total{reason=\"postgres_bad_prefix\",source=\"postgres\",} 1.0",
                "vigil_records_truncated_total 1.0",
                "vigil_records_late_total{stage=\"alert_lifecycle\",} 1.0",
                "vigil_cache_evicted_total{cache=\"stream_memory\",} 1.0",
                "vigil_signatures_matched_total{signature=\"nginx_upstream_down\",} 1.0",
                "vigil_alerts_emitted_total{name=\"nginx_upstream_down\",severity=\"critical\",status=\"firing\",} 1.0",
                "vigil_alerts_open{name=\"nginx_upstream_down\",severity=\"critical\",} 1.0",
                "vigil_rule_value{group=\"web1\",rule=\"nginx_5xx_ratio\",} 0.25",
                "vigil_rule_threshold{rule=\"nginx_5xx_ratio\",} 0.05"}) {
                assertTrue(text.contains(line + "\n"), () -> "missing " + line + " in\n" + text);
            }
        }
    }

    @Test
    void shouldReadCountsAtScrapeTimeNotAtBindTime() {
        final Stats stats = new Stats();
        try (Meters meters = Meters.prometheus().bind(stats)) {
            stats.read("journald");
            stats.read("journald");
            stats.read("journald");
            assertTrue(meters.scrape().contains("vigil_records_read_total{source=\"journald\",} 3.0\n"));
        }
    }

    @Test
    void shouldExportJvmProcessAndBuildMeters() {
        try (Meters meters = Meters.prometheus().bindJvm().buildInfo("dev", null).ready(() -> true)) {
            final Set<String> names = PromText.names(meters.scrape());
            for (final String n : new String[] {"jvm_memory_used_bytes", "jvm_gc_memory_allocated_bytes_total",
                "jvm_threads_live_threads", "jvm_classes_loaded_classes", "process_cpu_usage", "system_cpu_count",
                "process_uptime_seconds", "vigil_build_info", "vigil_ready"}) {
                assertTrue(names.contains(n), () -> n + " not in " + names);
            }
            assertTrue(meters.scrape().contains("vigil_build_info{pack_version=\"none\",version=\"dev\",} 1.0"));
        }
    }

    @Test
    void shouldNameEveryKindOfCell() {
        for (final Stats.Kind k : Stats.Kind.values()) {
            assertTrue(Meters.name(k).startsWith("vigil."), k::toString);
        }
        assertEquals("vigil.records.read", Meters.name(Stats.Kind.READ));
    }
}
