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
 * @param inputTasks      how many input tasks (partitions of the widest input topic) report event time, so that
 *                        the lifecycle waits for each of them after a start or a rebalance; 0 when unknown
 */
public record EngineConfig(List<String> inputTopics, String inputPattern, Map<String, Source> topicSources,
                           String alertsTopic, String deadLetterTopic, AlertSettings alertSettings, long tickMillis,
                           long idleFlushMillis, long idleMillis, int inputTasks) {

    /** A config without a known number of input tasks. */
    public EngineConfig(final List<String> inputTopics, final String inputPattern,
                        final Map<String, Source> topicSources, final String alertsTopic, final String deadLetterTopic,
                        final AlertSettings alertSettings, final long tickMillis, final long idleFlushMillis,
                        final long idleMillis) {
        this(inputTopics, inputPattern, topicSources, alertsTopic, deadLetterTopic, alertSettings, tickMillis,
            idleFlushMillis, idleMillis, 0);
    }

    /** The same config, knowing how many input tasks there are. */
    public EngineConfig withInputTasks(final int tasks) {
        return new EngineConfig(inputTopics, inputPattern, topicSources, alertsTopic, deadLetterTopic, alertSettings,
            tickMillis, idleFlushMillis, idleMillis, tasks);
    }

    /** Default topic names of DESIGN.md. */
    public static EngineConfig defaults(final AlertSettings settings) {
        return new EngineConfig(List.of(Topics.LOGS), null, Map.of(), Topics.ALERTS, Topics.DEAD_LETTER, settings,
            FrontEnd.DEFAULT_TICK_MILLIS, 2_000, 60_000);
    }
}
