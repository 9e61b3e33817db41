package dev.vigil.topology;

import dev.vigil.alert.AlertJson;
import dev.vigil.engine.Stats;
import dev.vigil.pack.PatternPack;
import dev.vigil.rule.AlertLifecycle;
import dev.vigil.rule.Episode;
import dev.vigil.rule.EpisodeStore;
import java.util.function.Consumer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/** The alert lifecycle over a changelogged episode store: one instance per partition of the by-alert-id topic. */
final class LifecycleProcessor implements Processor<String, Signal, String, byte[]> {

    private final PatternPack pack;
    private final EngineConfig cfg;
    private final Stats stats;
    private ProcessorContext<String, byte[]> context;
    private AlertLifecycle lifecycle;
    private long currentTimestamp;
    private boolean expecting;

    LifecycleProcessor(final PatternPack pack, final EngineConfig cfg, final Stats stats) {
        this.pack = pack;
        this.cfg = cfg;
        this.stats = stats;
    }

    @Override
    public void init(final ProcessorContext<String, byte[]> ctx) {
        this.context = ctx;
        final KeyValueStore<String, Episode> kv = ctx.getStateStore(Names.EPISODE_STORE);
        final EpisodeStore store = new EpisodeStore() {
            @Override
            public Episode get(final String id) {
                return kv.get(id);
            }

            @Override
            public void put(final Episode e) {
                kv.put(e.id, e);
            }

            @Override
            public void delete(final String id) {
                kv.delete(id);
            }

            @Override
            public void forEach(final Consumer<Episode> visitor) {
                try (KeyValueIterator<String, Episode> it = kv.all()) {
                    while (it.hasNext()) {
                        final KeyValue<String, Episode> e = it.next();
                        visitor.accept(e.value);
                    }
                }
            }
        };
        lifecycle = new AlertLifecycle(pack, cfg.alertSettings(), store, a -> {
            stats.alerted(a.status().id());
            context.forward(new Record<>(a.id(), AlertJson.bytes(a), currentTimestamp));
        }, cfg.idleMillis());
    }

    @Override
    public void process(final Record<String, Signal> record) {
        if (!expecting) {
            // a (re)started lifecycle waits for every input task, not only for those processed first; seeded here,
            // not in init, where the thread's wall clock may not be set yet (it read 0, so they counted as idle)
            expecting = true;
            for (int t = 0; t < cfg.inputTasks(); t++) {
                lifecycle.expect(ParseMatchProcessor.origin(t), context.currentSystemTimeMs());
            }
        }
        currentTimestamp = record.timestamp();
        final Signal s = record.value();
        if (s == null) {
            return;
        }
        if (s.isTick()) {
            lifecycle.watermark(s.origin(), s.time(), context.currentSystemTimeMs());
        } else {
            lifecycle.onHit(s.hit());
        }
    }
}
