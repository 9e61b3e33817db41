package dev.vigil.topology;

import dev.vigil.engine.Stats;
import dev.vigil.pack.PatternPack;
import dev.vigil.parse.Parsers;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * The Kafka Streams runner's topology, a pure function of the pack and the config:
 * <pre>
 * read-logs → parse-match [pending-entries-store]
 *             → route-deadletters → write-deadletters (vigil.deadletter)
 *             → route-signals → by-alert-id (repartition; ticks to all)
 *               → alert-lifecycle [alert-episodes-store, rule-state-store] → write-alerts
 * </pre>
 * Every processor, store and internal topic is named; {@code describe()} is pinned by a test.
 */
public final class TopologyFactory {

    private TopologyFactory() {
    }

    /** Builds the topology; {@code stats} receives the counters of every task in this instance. */
    public static Topology build(final PatternPack pack, final Parsers parsers, final EngineConfig cfg,
                                 final Stats stats) {
        final StreamsBuilder builder = new StreamsBuilder();
        // the processors keep their state as objects in these stores, which serialize each changed key once per
        // commit, not on every put
        builder.addStateStore(StreamsKeyedStore.builder(Names.PENDING_STORE, JsonSerdes.pending()));
        builder.addStateStore(StreamsKeyedStore.builder(Names.EPISODE_STORE, JsonSerdes.episode()));
        builder.addStateStore(StreamsKeyedStore.builder(Names.RULE_STATE_STORE, JsonSerdes.ruleState()));

        final Consumed<byte[], byte[]> consumed = Consumed.with(Serdes.ByteArray(), Serdes.ByteArray())
            .withName(Names.READ_LOGS);
        final KStream<byte[], byte[]> logs = cfg.inputPattern() != null
            ? builder.stream(Pattern.compile(cfg.inputPattern()), consumed)
            : builder.stream(cfg.inputTopics(), consumed);

        final var routed = logs.process(() -> new ParseMatchProcessor(pack, parsers, cfg, stats),
                Named.as(Names.PARSE_MATCH), Names.PENDING_STORE)
            .split(Named.as(Names.ROUTE))
            .branch((k, v) -> v.deadLetter() != null, Branched.as("deadletters"))
            .defaultBranch(Branched.as("signals"));

        routed.get(Names.ROUTE_DEAD)
            .mapValues(v -> v.deadLetter().original(), Named.as(Names.UNWRAP_DEAD))
            .to(cfg.deadLetterTopic(), Produced.with(Serdes.String(), Serdes.ByteArray())
                .withName(Names.WRITE_DEAD));

        routed.get(Names.ROUTE_SIGNALS)
            .mapValues(Routed::signal, Named.as(Names.UNWRAP_SIGNALS))
            .repartition(Repartitioned.with(Serdes.String(), JsonSerdes.signal())
                .withName(Names.BY_ALERT_ID).withStreamPartitioner(new TickBroadcast()))
            .process(() -> new LifecycleProcessor(pack, cfg, stats), Named.as(Names.LIFECYCLE),
                Names.EPISODE_STORE, Names.RULE_STATE_STORE)
            .to(cfg.alertsTopic(), Produced.with(Serdes.String(), Serdes.ByteArray()).withName(Names.WRITE_ALERTS));
        return builder.build();
    }

    /** Hits go to the partition of their alert id; ticks go to every partition. */
    static final class TickBroadcast implements StreamPartitioner<String, Signal> {
        @Override
        public Optional<Set<Integer>> partitions(final String topic, final String key, final Signal value,
                                                 final int numPartitions) {
            if (value != null && value.isTick()) {
                return Optional.of(IntStream.range(0, numPartitions).boxed().collect(Collectors.toSet()));
            }
            final byte[] k = key.getBytes(StandardCharsets.UTF_8);
            return Optional.of(Set.of(Utils.toPositive(Utils.murmur2(k)) % numPartitions));
        }
    }
}
