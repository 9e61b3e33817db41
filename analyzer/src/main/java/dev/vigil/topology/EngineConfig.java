package dev.vigil.topology;

import dev.vigil.engine.FrontEnd;
import dev.vigil.parse.Source;
import dev.vigil.rule.AlertSettings;
import java.util.List;
import java.util.Map;

/**
 * What the live topology needs to know: where logs come from, where alerts and dead letters go, and the
 * lifecycle settings.
 *
 * @param inputTopics     input topics (ignored when {@code inputPattern} is set)
 * @param inputPattern    a regex of input topic names, or null
 * @param topicSources    topic → source, for topics that carry one source only
 * @param alertsTopic     where alerts go
 * @param deadLetterTopic where undecodable/unparseable records go
 * @param alertSettings   lifecycle settings
 * @param tickMillis      event-time tick interval
 * @param idleFlushMillis wall-clock idle time after which a pending multi-line entry is emitted
 * @param idleMillis      wall-clock time after which a silent input task no longer holds event time back
 */
public record EngineConfig(List<String> inputTopics, String inputPattern, Map<String, Source> topicSources,
                           String alertsTopic, String deadLetterTopic, AlertSettings alertSettings, long tickMillis,
                           long idleFlushMillis, long idleMillis) {

    /** Default topic names of DESIGN.md. */
    public static EngineConfig defaults(final AlertSettings settings) {
        return new EngineConfig(List.of(Topics.LOGS), null, Map.of(), Topics.ALERTS, Topics.DEAD_LETTER, settings,
            FrontEnd.DEFAULT_TICK_MILLIS, 2_000, 60_000);
    }
}
