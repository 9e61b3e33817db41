package dev.vigil.engine;

import dev.vigil.match.SignatureMatcher;
import dev.vigil.pack.PatternPack;
import dev.vigil.parse.LogEvent;

/**
 * The stateless-per-event half of the engine: matches each parsed event against the pack and emits hits, and
 * emits a tick each time its stream time enters a new tick interval, so that the back end can resolve quiet
 * episodes while traffic continues. Used unchanged by the Kafka Streams runner (one per task) and by replay.
 */
public final class FrontEnd {

    /** Default event-time distance between ticks. */
    public static final long DEFAULT_TICK_MILLIS = 10_000;

    private final SignatureMatcher matcher;
    private final long tickMillis;
    private final Stats stats;
    private long streamTime = Long.MIN_VALUE;
    private long lastTickBucket = Long.MIN_VALUE;

    public FrontEnd(final PatternPack pack, final long tickMillis, final Stats stats) {
        this.matcher = new SignatureMatcher(pack);
        this.tickMillis = tickMillis;
        this.stats = stats;
    }

    /** Current stream time (max event time seen), or Long.MIN_VALUE before the first event. */
    public long streamTime() {
        return streamTime;
    }

    /** Processes one event: tick first when stream time entered a new interval, then its hits. */
    public void onEvent(final LogEvent e, final SignalSink sink) {
        if (e.time() > streamTime) {
            streamTime = e.time();
            final long bucket = Math.floorDiv(streamTime, tickMillis);
            if (bucket != lastTickBucket) {
                lastTickBucket = bucket;
                sink.tick(streamTime);
            }
        }
        matcher.match(e, m -> {
            stats.matched(m.signature().id());
            sink.hit(Hit.of(m));
        });
    }
}
