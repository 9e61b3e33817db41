package dev.vigil.app;

import dev.vigil.engine.EventSink;
import dev.vigil.engine.Ingest;
import dev.vigil.engine.MapPendingStore;
import dev.vigil.engine.Stats;
import dev.vigil.match.SignatureMatcher;
import dev.vigil.pack.PatternPack;
import dev.vigil.parse.LogEvent;
import dev.vigil.parse.Parsers;
import dev.vigil.replay.BenchCorpus;
import dev.vigil.replay.ReplayOptions;
import dev.vigil.replay.ReplayRunner;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vigil bench}: throughput of the hot path on a realistic mixed corpus (a benchmark, not a test). */
@Command(name = "bench", description = {"Measure parse, match and end-to-end replay throughput (lines/s) on one "
    + "core (and replay on all cores) over a generated realistic mixed corpus (or the given files) with the full "
    + "pattern pack."})
final class BenchCommand implements Callable<Integer> {

    @Parameters(paramLabel = "FILE", arity = "0..*", description = "Log files to use instead of the generated corpus.")
    List<Path> files = new ArrayList<>();

    @Option(names = "--lines", defaultValue = "1000000", description = "Lines to generate (default ${DEFAULT-VALUE}).")
    long lines;

    @Option(names = "--corpus-dir", paramLabel = "DIR",
        description = "Write the generated corpus to DIR and keep it (to compare other tools on the same input).")
    Path corpusDir;

    @Option(names = "--rounds", defaultValue = "3", description = "Measured rounds after the warm-up (best kept; "
        + "with --live the median is shown too); 0: one counted pass and no warm-up.")
    int rounds;

    @Option(names = "--warmup", paramLabel = "N", description = "Rounds run first and not counted, so that the JIT "
        + "has compiled the hot path (default 1; 2 with --live, whose JVM also compiles the broker and clients). "
        + "Replay rounds go on warming up, at most 10 more, while the JIT compiles for over 2 %% of a round.")
    Integer warmup;

    @Option(names = "--live", description = "Measure live mode end to end instead: ship the corpus through an "
        + "embedded Kafka broker (free port, temp dir) into the Kafka Streams application and time until all input "
        + "is consumed.")
    boolean live;

    @Option(names = "--at-least-once", description = "With --live: at_least_once instead of exactly_once_v2.")
    boolean atLeastOnce;

    @Option(names = "--partitions", defaultValue = "3", description = "With --live: input partitions (default "
        + "${DEFAULT-VALUE}).")
    int partitions;

    @Mixin
    PackOptions pack = new PackOptions();

    @Override
    public Integer call() throws Exception {
        final PatternPack p = pack.load();
        Path tmp = null;
        List<Path> input = files;
        if (input.isEmpty()) {
            final Path dir = corpusDir != null ? corpusDir : Files.createTempDirectory("vigil-bench");
            tmp = corpusDir != null ? null : dir;
            System.err.printf(Locale.ROOT, "generating %,d lines in %s …%n", lines, dir);
            input = BenchCorpus.write(dir, lines, 42);
        }
        try {
            if (live) {
                final List<LiveBench.Round> r = new LiveBench(p, pack.alertSettings(), System.out).run(input,
                    warmup == null ? 2 : Math.max(0, warmup), Math.max(1, rounds),
                    atLeastOnce ? "at_least_once" : "exactly_once_v2", partitions);
                final double[] rates = r.stream().mapToDouble(LiveBench.Round::rate).sorted().toArray();
                System.out.printf(Locale.ROOT, "live end-to-end over %d rounds: median %,.0f lines/s, best %,.0f, "
                    + "worst %,.0f%n", rates.length, median(rates), rates[rates.length - 1], rates[0]);
                return 0;
            }
            final Parsers parsers = Parsers.defaults();
            System.out.printf(Locale.ROOT, "pattern pack %s: %d signatures; input: %d files%n", p.version(),
                p.signatures().size(), input.size());
            System.out.println("(per CPU-s: the same work per second of CPU time, which other processes on a "
                + "shared machine disturb less than the wall clock; on one thread that thread's CPU, on several the "
                + "whole process's, JIT and GC included, so the two do not compare)");
            final int warm = rounds <= 0 ? 0 : warmup == null ? 1 : Math.max(0, warmup);
            final int counted = Math.max(1, rounds);
            Best best = new Best(warm);
            long total = 0;
            for (int i = 0; i < warm + counted; i++) {
                final long[] n = {0};
                final long t0 = System.nanoTime();
                final long c0 = threadCpu();
                parseAll(input, parsers, e -> n[0]++);
                best.round(i, n[0], System.nanoTime() - t0, threadCpu() - c0);
                total = n[0];
            }
            System.out.printf(Locale.ROOT, "parse (decode+fold+parse):     %,12.0f events/s  (%,d events; %,.0f per "
                + "CPU-s)%n", best.wall, total, best.cpu);

            final List<LogEvent> sample = new ArrayList<>();
            parseAll(input, parsers, e -> {
                if (sample.size() < 300_000) {
                    sample.add(e);
                }
            });
            final SignatureMatcher matcher = new SignatureMatcher(p);
            best = new Best(warm);
            long matches = 0;
            for (int i = 0; i < warm + counted; i++) {
                final long[] m = {0};
                final long t0 = System.nanoTime();
                final long c0 = threadCpu();
                for (int k = 0; k < 3; k++) {
                    for (final LogEvent e : sample) {
                        matcher.match(e, x -> m[0]++);
                    }
                }
                best.round(i, 3L * sample.size(), System.nanoTime() - t0, threadCpu() - c0);
                matches = m[0] / 3;
            }
            System.out.printf(Locale.ROOT, "match (prefilter + re2j):      %,12.0f events/s  (%,d matches per %,d "
                + "events; %,.0f per CPU-s)%n", best.wall, matches, sample.size(), best.cpu);
            sample.clear();

            final int cores = Runtime.getRuntime().availableProcessors();
            for (final int threads : cores > 1 ? new int[] {1, cores} : new int[] {1}) {
                ReplayRound round = null;
                // the warm-up asked for, then more while the JIT still compiles for more than 2 % of a round (the
                // threads of a parallel replay run code shapes the one-thread rounds did not), at most 10 more
                int warmed = 0;
                while (warmed < warm || warmed > 0 && warmed < warm + 10 && round.jitShare() > 0.02) {
                    round = replay(p, parsers, input, threads);
                    warmed++;
                }
                best = new Best(0);
                long jitMillis = 0;
                ReplayRunner.Result last = null;
                for (int i = 0; i < counted; i++) {
                    // one thread: the calling thread's CPU; several: the whole process's (JIT and GC included)
                    final long c0 = threads == 1 ? threadCpu() : processCpu();
                    round = replay(p, parsers, input, threads);
                    last = round.result();
                    best.round(i, last.stats().totalRead(), last.nanos(),
                        (threads == 1 ? threadCpu() : processCpu()) - c0);
                    jitMillis += round.jitMillis();
                }
                System.out.printf(Locale.ROOT, "replay end-to-end, %d thread%s %,12.0f lines/s   (%,d lines, %,d "
                    + "alerts, %,d dead-lettered; %,.0f per CPU-s) after %d warm-up round%s; JIT %,d ms in the "
                    + "measured rounds%n", threads, threads == 1 ? ": " : "s:", best.wall, last.stats().totalRead(),
                    last.stats().totalAlerts(), last.stats().totalDeadLettered(), best.cpu, warmed,
                    warmed == 1 ? "" : "s", jitMillis);
            }
            return 0;
        } finally {
            if (tmp != null) {
                try (Stream<Path> s = Files.walk(tmp)) {
                    s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                }
            }
        }
    }

    /** The middle of {@code sorted} (the mean of the two middle values for an even count). */
    static double median(final double[] sorted) {
        final int n = sorted.length;
        return n == 0 ? 0 : n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** The best rates over the measured rounds; the first {@code warmUp} rounds are not counted. */
    private static final class Best {
        private final int warmUp;
        double wall;
        double cpu;

        Best(final int warmUp) {
            this.warmUp = warmUp;
        }

        void round(final int i, final long work, final long wallNanos, final long cpuNanos) {
            if (i < warmUp) {
                return;
            }
            wall = Math.max(wall, work / (wallNanos / 1e9));
            if (cpuNanos > 0) {
                cpu = Math.max(cpu, work / (cpuNanos / 1e9));
            }
        }
    }

    /** One replay round and how long the JIT compiled while it ran. */
    private record ReplayRound(ReplayRunner.Result result, long jitMillis) {
        /** The share of the round's wall time the JIT spent compiling. */
        double jitShare() {
            return result.nanos() <= 0 ? 0 : jitMillis * 1e6 / result.nanos();
        }
    }

    private ReplayRound replay(final PatternPack p, final Parsers parsers, final List<Path> input,
                               final int threads) throws IOException {
        final long jit0 = jitMillis();
        final ReplayRunner.Result r = new ReplayRunner(p, parsers, pack.alertSettings(),
            ReplayOptions.defaults().withThreads(threads)).run(input, a -> { }, d -> { });
        return new ReplayRound(r, jitMillis() - jit0);
    }

    /** Total time the JIT compilers have spent, in ms (0 when the JVM does not say). */
    private static long jitMillis() {
        final java.lang.management.CompilationMXBean c = java.lang.management.ManagementFactory.getCompilationMXBean();
        return c != null && c.isCompilationTimeMonitoringSupported() ? c.getTotalCompilationTime() : 0;
    }

    private static long threadCpu() {
        return java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    private static long processCpu() {
        final java.lang.management.OperatingSystemMXBean os =
            java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean
            ? ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime() : 0;
    }

    private static void parseAll(final List<Path> input, final Parsers parsers,
                                 final java.util.function.Consumer<LogEvent> out) throws IOException {
        final Ingest ingest = new Ingest(parsers, new Stats());
        final MapPendingStore store = new MapPendingStore();
        final EventSink sink = EventSink.of(out, d -> { });
        for (final Path f : input) {
            try (BufferedReader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
                String l;
                final String key = f.toString();
                while ((l = r.readLine()) != null) {
                    ingest.acceptLine(l, key, null, 0L, store, sink);
                }
                store.flushAll(ingest, sink);
            }
        }
    }
}
