package dev.vigil.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Set;
import org.junit.jupiter.api.Test;

class PromTextTest {
    @Test
    void shouldFindMetricNamesButNotFunctionsLabelsOrVariables() {
        assertEquals(Set.of("vigil_records_deadlettered_total", "vigil_records_read_total"), PromText.metricNames(
            "sum by (job, reason) (rate(vigil_records_deadlettered_total{job=~\"$job\", reason!=\"x y\"}"
                + "[$__rate_interval])) / on (job) group_left sum by (job) (rate(vigil_records_read_total[10m])) "
                + "> 0.05 and bool 1e3"));
        assertEquals(Set.of("up"), PromText.metricNames("up{job=~\"vigil|vigil-bridge\"} == 0"));
        assertEquals(Set.of("vigil:consumer_lag:sum"), PromText.metricNames("vigil:consumer_lag:sum > 10000"));
        assertEquals(Set.of("vigil_rule_value"), PromText.metricNames("max by (group) (vigil_rule_value{rule=\"$rule\"})"));
    }
}
