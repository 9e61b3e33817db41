package dev.vigil.replay;

import dev.vigil.alert.Alert;
import dev.vigil.engine.DeadLetter;
import dev.vigil.engine.FrontEnd;
import dev.vigil.engine.Ingest;
import dev.vigil.engine.SignalSink;
import dev.vigil.engine.Stats;
import dev.vigil.pack.PatternPack;
import dev.vigil.parse.LogEvent;
import dev.vigil.parse.Parsers;
import dev.vigil.parse.Source;
import dev.vigil.rule.AlertLifecycle;
import dev.vigil.rule.AlertSettings;
import dev.vigil.rule.BackEnd;
import dev.vigil.rule.MapKeyedStore;
import dev.vigil.rule.MapPartialStore;
import dev.vigil.rule.RuleEngine;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The replay runner: the engine's steps driven directly over files, with in-memory state. Files are read
 * lazily and merged by event time (ties: file order, then line order), so a replay of
 * {@code /var/log/nginx/*.log /var/log/postgresql/*.log} sees one timeline just as the live engine would.
 */
public final class ReplayRunner {

    private final PatternPack pack;
    private final Parsers parsers;
    private final AlertSettings settings;
    private final ReplayOptions options;
    private RuleEngine.Observer ruleObserver;
    private Progress progress;

    /** Told how a replay advances, every few thousand events (cheap; called on the replay thread). */
    @FunctionalInterface
    public interface Progress {
        /**
         * @param events  events merged so far
         * @param done    input consumed so far, in {@code unit}s
         * @param total   the whole input in {@code unit}s, or -1 when unknown (compressed files)
         * @param unit    "bytes" (files) or "records" (a topic)
         * @param nanos   time since the start
         */
        void update(long events, long done, long total, String unit, long nanos);
    }

    /** Reports progress to {@code p} during the next runs (null: none). */
    public ReplayRunner progress(final Progress p) {
        this.progress = p;
        return this;
    }

    private static final int PROGRESS_EVERY = 4096;
    private long firstEvent = Long.MAX_VALUE;
    private long lastEvent = Long.MIN_VALUE;

    public ReplayRunner(final PatternPack pack, final Parsers parsers, final AlertSettings settings,
                        final ReplayOptions options) {
        this.pack = pack;
        this.parsers = parsers;
        this.settings = settings;
        this.options = options;
    }

    /** Lets {@code o} see every rule evaluation of the next runs (reports chart rule values). */
    public ReplayRunner observeRules(final RuleEngine.Observer o) {
        this.ruleObserver = o;
        return this;
    }

    /** Event time of the earliest line the last run read (in or out of --since/--until), or null when none. */
    public Long firstEventTime() {
        return firstEvent == Long.MAX_VALUE ? null : firstEvent;
    }

    /** Event time of the latest line the last run read, or null when none. */
    public Long lastEventTime() {
        return lastEvent == Long.MIN_VALUE ? null : lastEvent;
    }

    private void seen(final long time) {
        if (time < firstEvent) {
            firstEvent = time;
        }
        if (time > lastEvent) {
            lastEvent = time;
        }
    }

    /** Sum of the files' sizes, or -1 when one is compressed (its size says nothing about the lines in it). */
    private static long totalBytes(final List<Path> files) {
        long sum = 0;
        for (final Path f : files) {
            try {
                if (f.toString().endsWith(".gz")) {
                    return -1;
                }
                sum += java.nio.file.Files.size(f);
            } catch (final IOException e) {
                return -1;
            }
        }
        return sum;
    }

    /** What a replay did. */
    public record Result(Stats stats, Map<Path, Source> sources, long outOfRange, long nanos) {
    }

    /**
     * Replays {@code files}, sending alerts (in emission order) and dead letters to the consumers.
     *
     * @throws IOException when a file cannot be opened or read
     */
    public Result run(final List<Path> files, final Consumer<Alert> alerts, final Consumer<DeadLetter> deadLetters)
        throws IOException {
        final long start = System.nanoTime();
        final Stats stats = new Stats();
        final Engine engine = new Engine(stats, alerts, deadLetters);
        final Map<Path, Source> sources = new LinkedHashMap<>();
        final long total = totalBytes(files);
        final Pass pass;
        if (options.threads() > 1) { // one file too: its lane parses while workers match
            try (ParallelReader reader = new ParallelReader(files, options.threads(), pack, parsers,
                options.forcedSource(), deadLetters)) {
                final List<Lane<ParallelReader.Item>> lanes = new ArrayList<>();
                for (final ParallelReader.Lane l : reader.lanes) {
                    sources.put(l.cursor.path, l.cursor.source());
                    lanes.add(l::next);
                }
                pass = new Pass(start, () -> reader.lanes.stream().mapToLong(l -> l.cursor.bytesRead).sum(), total,
                    "bytes");
                mergeByTime(lanes, it -> it.event.time(), (it, lane) -> {
                    if (pass.admit(it.event)) {
                        engine.front.onMatched(it.event, it.matches, it.selections, it.from, it.to, engine.sink,
                            engine.partials);
                    }
                });
                for (final ParallelReader.Lane l : reader.lanes) {
                    stats.add(l.stats);
                }
            }
        } else {
            final Ingest ingest = new Ingest(parsers, stats);
            final List<FileCursor> cursors = new ArrayList<>();
            try {
                final List<Lane<LogEvent>> lanes = new ArrayList<>();
                for (int i = 0; i < files.size(); i++) {
                    final FileCursor c = new FileCursor(files.get(i), i, ingest, options.forcedSource(),
                        deadLetters);
                    cursors.add(c);
                    sources.put(files.get(i), c.source());
                    lanes.add(c::next);
                }
                pass = new Pass(start, () -> cursors.stream().mapToLong(c -> c.bytesRead).sum(), total, "bytes");
                mergeByTime(lanes, LogEvent::time, (e, lane) -> {
                    if (pass.admit(e)) {
                        engine.front.onEvent(e, engine.sink, engine.partials);
                    }
                });
            } finally {
                for (final FileCursor c : cursors) {
                    c.close();
                }
            }
        }
        return engine.finish(stats, sources, pass.outOfRange, start);
    }

    /**
     * Replays a Kafka topic: every partition from {@code since} to {@code until} of the options (located by record
     * timestamp via {@code offsetsForTimes}; the event-time bounds then apply exactly as for files), up to the end
     * offsets taken at start. No consumer group is used, so a live application's offsets are untouched. Records are
     * decoded as the live path decodes them and merged by event time across partitions (ties: partition order).
     * {@link Result#sources()} is empty.
     *
     * @param clientProps Kafka client settings ({@code bootstrap.servers} at least; any group.id is ignored)
     * @throws IOException when the topic does not exist or stalls before its end offsets
     */
    public Result runTopic(final Map<String, Object> clientProps, final String topic, final Consumer<Alert> alerts,
                           final Consumer<DeadLetter> deadLetters) throws IOException {
        final long start = System.nanoTime();
        final Stats stats = new Stats();
        final Ingest ingest = new Ingest(parsers, stats);
        final Engine engine = new Engine(stats, alerts, deadLetters);
        final Pass pass;
        try (TopicReader reader = new TopicReader(clientProps, topic, options.since(), options.until(), ingest,
            options.forcedSource(), deadLetters)) {
            final List<Lane<LogEvent>> lanes = new ArrayList<>();
            for (final TopicReader.Lane l : reader.lanes) {
                lanes.add(l::next);
            }
            pass = new Pass(start, () -> reader.records, reader.totalRecords, "records");
            mergeByTime(lanes, LogEvent::time, (e, lane) -> {
                if (pass.admit(e)) {
                    engine.front.onEvent(e, engine.sink, engine.partials);
                }
            });
        }
        return engine.finish(stats, new LinkedHashMap<>(), pass.outOfRange, start);
    }

    /**
     * Visits the entries of {@code files} merged by event time, each with the file it came from — how the demo
     * publishes its samples so that they arrive as a live system would write them.
     */
    public static void forEachEntry(final List<Path> files, final Parsers parsers,
                                    final java.util.function.BiConsumer<Path, LogEvent> visitor) throws IOException {
        final Ingest ingest = new Ingest(parsers, new Stats());
        final List<FileCursor> cursors = new ArrayList<>();
        try {
            final List<Lane<LogEvent>> lanes = new ArrayList<>();
            for (int i = 0; i < files.size(); i++) {
                final FileCursor c = new FileCursor(files.get(i), i, ingest, null, d -> { });
                cursors.add(c);
                lanes.add(c::next);
            }
            mergeByTime(lanes, LogEvent::time, (e, lane) -> visitor.accept(cursors.get(lane).path, e));
        } finally {
            for (final FileCursor c : cursors) {
                c.close();
            }
        }
    }

    /** One input of a merge: its items in order, then null. */
    @FunctionalInterface
    interface Lane<T> {
        T next() throws IOException;
    }

    /** Receives the merged items with the position of the lane each came from. */
    @FunctionalInterface
    interface MergeVisitor<T> {
        void visit(T item, int lane) throws IOException;
    }

    /**
     * Visits the items of {@code lanes} merged by event time; ties go to the earlier lane, and each lane keeps its
     * own order. Holds one item per lane, whatever the input size.
     */
    static <T> void mergeByTime(final List<Lane<T>> lanes, final java.util.function.ToLongFunction<T> time,
                                final MergeVisitor<T> visitor) throws IOException {
        // a binary heap of lane numbers keyed by each lane's head time (then the lane number). The lane at the top
        // runs on without touching the heap while its items still come before the runner-up's head: log files
        // merged by time come in runs, and each item's time is read once.
        final int n = lanes.size();
        final Object[] heads = new Object[n];
        final long[] times = new long[n];
        final int[] heap = new int[n];
        int size = 0;
        for (int i = 0; i < n; i++) {
            final T first = lanes.get(i).next();
            if (first != null) {
                heads[i] = first;
                times[i] = time.applyAsLong(first);
                heap[size] = i;
                siftUp(heap, size++, times);
            }
        }
        while (size > 0) {
            final int lane = heap[0];
            final int second = size == 1 ? -1
                : size == 2 || before(heap[1], times[heap[1]], heap[2], times) ? heap[1] : heap[2];
            final Lane<T> source = lanes.get(lane);
            @SuppressWarnings("unchecked")
            T item = (T) heads[lane];
            long t = times[lane];
            while (true) {
                visitor.visit(item, lane);
                item = source.next();
                if (item == null) {
                    break;
                }
                t = time.applyAsLong(item);
                if (second >= 0 && !before(lane, t, second, times)) {
                    break;
                }
            }
            if (item == null) {
                heads[lane] = null;
                heap[0] = heap[--size];
            } else {
                heads[lane] = item;
                times[lane] = t;
            }
            siftDown(heap, size, times);
        }
    }

    /** Whether lane {@code a} with head time {@code ta} comes before lane {@code b}'s head. */
    private static boolean before(final int a, final long ta, final int b, final long[] times) {
        final long tb = times[b];
        return ta < tb || ta == tb && a < b;
    }

    private static void siftUp(final int[] heap, final int at, final long[] times) {
        final int lane = heap[at];
        int i = at;
        while (i > 0) {
            final int parent = (i - 1) >>> 1;
            if (!before(lane, times[lane], heap[parent], times)) {
                break;
            }
            heap[i] = heap[parent];
            i = parent;
        }
        heap[i] = lane;
    }

    /** Restores the heap after its top changed. */
    private static void siftDown(final int[] heap, final int size, final long[] times) {
        if (size == 0) {
            return;
        }
        final int lane = heap[0];
        int i = 0;
        while (true) {
            int child = 2 * i + 1;
            if (child >= size) {
                break;
            }
            if (child + 1 < size && before(heap[child + 1], times[heap[child + 1]], heap[child], times)) {
                child++;
            }
            if (!before(heap[child], times[heap[child]], lane, times)) {
                break;
            }
            heap[i] = heap[child];
            i = child;
        }
        heap[i] = lane;
    }

    /** One run's bookkeeping over the merged events: event-time range, --since/--until, progress. */
    private final class Pass {
        private final long start;
        private final java.util.function.LongSupplier done;
        private final long total;
        private final String unit;
        private final Long since = options.since();
        private final Long until = options.until();
        private long events;
        long outOfRange;

        Pass(final long start, final java.util.function.LongSupplier done, final long total, final String unit) {
            this.start = start;
            this.done = done;
            this.total = total;
            this.unit = unit;
            firstEvent = Long.MAX_VALUE;
            lastEvent = Long.MIN_VALUE;
        }

        /** Notes the event; whether it lies within --since/--until (else it is counted as out of range). */
        boolean admit(final LogEvent e) {
            seen(e.time());
            if (progress != null && ++events % PROGRESS_EVERY == 0) {
                progress.update(events, done.getAsLong(), total, unit, System.nanoTime() - start);
            }
            if (since != null && e.time() < since || until != null && e.time() >= until) {
                outOfRange++;
                return false;
            }
            return true;
        }
    }

    /** The engine's steps with in-memory state, shared by file and topic replay. */
    private final class Engine {
        final FrontEnd front;
        final BackEnd back;
        final MapPartialStore partials;
        final SignalSink sink;

        Engine(final Stats stats, final Consumer<Alert> alerts, final Consumer<DeadLetter> deadLetters) {
            front = new FrontEnd(pack, options.tickMillis(), stats);
            final Consumer<Alert> out = a -> {
                stats.alerted(a.name(), a.severity(), a.status().id());
                alerts.accept(a);
            };
            final RuleEngine rules = new RuleEngine(pack, settings, new MapKeyedStore<>(), out, stats);
            rules.observe(ruleObserver);
            back = new BackEnd(new AlertLifecycle(pack, settings, new MapKeyedStore<>(), out), rules,
                Long.MAX_VALUE);
            partials = new MapPartialStore();
            sink = new SignalSink() {
                @Override
                public void hit(final dev.vigil.engine.Hit hit) {
                    back.hit(hit);
                }

                @Override
                public void tick(final long time) {
                    back.tick(time);
                }

                @Override
                public void partial(final dev.vigil.rule.Partial partial) {
                    back.partial(partial);
                }

                @Override
                public void late(final LogEvent event) {
                    stats.deadLettered(event.source().id(), "late");
                    deadLetters.accept(new DeadLetter(event.line().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                        "late", "later than a rule's grace period behind the input's event time",
                        event.source().id()));
                }
            };
        }

        /** The end of a pass: the last partials and a tick, then (when asked) every open episode resolves. */
        Result finish(final Stats stats, final Map<Path, Source> sources, final long outOfRange, final long start) {
            front.flush(sink, partials);
            if (options.resolveAtEnd()) {
                back.finish();
            }
            return new Result(stats, sources, outOfRange, System.nanoTime() - start);
        }
    }
}
