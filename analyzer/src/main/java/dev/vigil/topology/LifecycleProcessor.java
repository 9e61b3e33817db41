package dev.vigil.topology;

import dev.vigil.alert.Alert;
import dev.vigil.alert.AlertJson;
import dev.vigil.engine.Stats;
import dev.vigil.pack.PatternPack;
import dev.vigil.pack.Signature;
import dev.vigil.rule.AlertLifecycle;
import dev.vigil.rule.BackEnd;
import dev.vigil.rule.Episode;
import dev.vigil.rule.KeyedStore;
import dev.vigil.rule.RuleEngine;
import dev.vigil.rule.RuleState;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The back end over changelogged stores (signature episodes, rule states): one instance per partition of the
 * by-alert-id topic.
 */
final class LifecycleProcessor implements Processor<String, Signal, String, byte[]> {

    /** How often each task reports its open episodes to the metrics (wall clock). */
    static final Duration OPEN_REPORT_INTERVAL = Duration.ofSeconds(10);

    private final PatternPack pack;
    private final EngineConfig cfg;
    private final Stats stats;
    private ProcessorContext<String, byte[]> context;
    private BackEnd backEnd;
    private long currentTimestamp;
    private KeyedStore<Episode> episodes;
    private String owner;
    private boolean expecting;

    LifecycleProcessor(final PatternPack pack, final EngineConfig cfg, final Stats stats) {
        this.pack = pack;
        this.cfg = cfg;
        this.stats = stats;
    }

    @Override
    public void init(final ProcessorContext<String, byte[]> ctx) {
        this.context = ctx;
        final KeyedStore<Episode> store = ctx.<StreamsKeyedStore<Episode>>getStateStore(Names.EPISODE_STORE);
        this.episodes = store;
        this.owner = ctx.taskId().toString();
        final Consumer<Alert> out = a -> {
            stats.alerted(a.name(), a.severity(), a.status().id());
            context.forward(new Record<>(a.id(), AlertJson.bytes(a), currentTimestamp));
        };
        final KeyedStore<RuleState> ruleStore =
            ctx.<StreamsKeyedStore<RuleState>>getStateStore(Names.RULE_STATE_STORE);
        backEnd = new BackEnd(new AlertLifecycle(pack, cfg.alertSettings(), store, out),
            new RuleEngine(pack, cfg.alertSettings(), ruleStore, out, stats), cfg.idleMillis());
        ctx.schedule(OPEN_REPORT_INTERVAL, PunctuationType.WALL_CLOCK_TIME, now -> reportOpen());
    }

    /** Tells the metrics how many episodes of each name this task holds open (a gauge, so a scan, not deltas). */
    private void reportOpen() {
        final Map<String, Long> open = new HashMap<>();
        episodes.forEach(e -> {
            final Signature sig = pack.signature(e.name);
            open.merge(Stats.openKey(e.name, sig == null ? "warning" : sig.severity().id()), 1L, Long::sum);
        });
        stats.openEpisodes(owner, open);
    }

    @Override
    public void close() {
        if (owner != null) {
            stats.dropOwner(owner);
        }
    }

    @Override
    public void process(final Record<String, Signal> record) {
        if (!expecting) {
            // a (re)started lifecycle waits for every input task, not only for those processed first; seeded here,
            // not in init, where the thread's wall clock may not be set yet (it read 0, so they counted as idle)
            expecting = true;
            for (int t = 0; t < cfg.inputTasks(); t++) {
                backEnd.expect(ParseMatchProcessor.origin(t), context.currentSystemTimeMs());
            }
        }
        currentTimestamp = record.timestamp();
        final Signal s = record.value();
        if (s == null) {
            return;
        }
        if (s.partial() != null) {
            backEnd.partial(s.partial());
        } else if (s.hit() != null) {
            if (s.hit().time() < backEnd.now()) {
                stats.late("alert_lifecycle");
            }
            backEnd.hit(s.hit());
        } else {
            backEnd.watermark(s.origin(), s.time(), context.currentSystemTimeMs());
        }
    }
}
