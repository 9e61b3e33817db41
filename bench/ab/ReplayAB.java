import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Compares builds of Vigil's replay in one JVM: each jar gets its own class loader, and their rounds alternate
 * (the order flips every round), so a slow minute on a shared machine slows every build alike. Prints each round
 * and each build's median and best lines/s, and lines per CPU-second of the whole machine (from /proc/stat).
 *
 * <pre>java -XX:+UseParallelGC bench/ab/ReplayAB.java THREADS WARMUP ROUNDS A.jar B.jar [C.jar…] -- FILE…</pre>
 *
 * Run from the repository root (the pattern pack is read from ./patterns). A benchmark tool, not a test.
 */
public final class ReplayAB {

    /** One build: its class loader's entry points and its measurements. */
    private static final class Build {
        final String name;
        final Object pack;
        final Object parsers;
        final Object settings;
        final Object options;
        final Constructor<?> runner;
        final Method run;
        final Method stats;
        final Method totalRead;
        final List<Double> rates = new ArrayList<>();
        final List<Double> perCpu = new ArrayList<>();

        Build(final String name, final Path jar, final int threads) throws Exception {
            this.name = name;
            final ClassLoader cl = new URLClassLoader(new URL[] {jar.toUri().toURL()},
                ClassLoader.getPlatformClassLoader());
            final Class<?> packClass = cl.loadClass("dev.vigil.pack.PatternPack");
            pack = packClass.getMethod("load", Path.class).invoke(null, Path.of("patterns"));
            parsers = cl.loadClass("dev.vigil.parse.Parsers").getMethod("defaults").invoke(null);
            final Class<?> settingsClass = cl.loadClass("dev.vigil.rule.AlertSettings");
            settings = settingsClass.getMethod("defaults", String.class).invoke(null, "file:///runbooks");
            final Class<?> optionsClass = cl.loadClass("dev.vigil.replay.ReplayOptions");
            options = optionsClass.getMethod("withThreads", int.class)
                .invoke(optionsClass.getMethod("defaults").invoke(null), threads);
            final Class<?> runnerClass = cl.loadClass("dev.vigil.replay.ReplayRunner");
            runner = runnerClass.getConstructor(packClass, parsers.getClass(), settingsClass, optionsClass);
            run = runnerClass.getMethod("run", List.class, Consumer.class, Consumer.class);
            stats = cl.loadClass("dev.vigil.replay.ReplayRunner$Result").getMethod("stats");
            totalRead = cl.loadClass("dev.vigil.engine.Stats").getMethod("totalRead");
        }

        double round(final List<Path> files) throws Exception {
            final Object r = runner.newInstance(pack, parsers, settings, options);
            final Consumer<Object> none = x -> { };
            final long[] before = cpuTicks();
            final long t0 = System.nanoTime();
            final Object result = run.invoke(r, files, none, none);
            final long nanos = System.nanoTime() - t0;
            final long[] after = cpuTicks();
            final long lines = (Long) totalRead.invoke(stats.invoke(result));
            final double rate = lines / (nanos / 1e9);
            // user + system ticks of the whole machine, at 100 per second
            final long busy = after[0] + after[2] - before[0] - before[2];
            rates.add(rate);
            perCpu.add(busy > 0 ? lines / (busy / 100.0) : Double.NaN);
            return rate;
        }
    }

    private static long[] cpuTicks() throws Exception {
        final String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        final long[] out = new long[f.length - 1];
        for (int i = 1; i < f.length; i++) {
            out[i - 1] = Long.parseLong(f[i]);
        }
        return out;
    }

    private static double median(final List<Double> values) {
        final List<Double> s = new ArrayList<>(values);
        Collections.sort(s);
        final int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    public static void main(final String[] args) throws Exception {
        if (args.length < 6 || !List.of(args).contains("--")) {
            System.err.println("usage: java bench/ab/ReplayAB.java THREADS WARMUP ROUNDS A.jar B.jar… -- FILE…");
            System.exit(2);
        }
        final int threads = Integer.parseInt(args[0]);
        final int warmup = Integer.parseInt(args[1]);
        final int rounds = Integer.parseInt(args[2]);
        final List<Build> builds = new ArrayList<>();
        final List<Path> files = new ArrayList<>();
        boolean inFiles = false;
        for (int i = 3; i < args.length; i++) {
            if (args[i].equals("--")) {
                inFiles = true;
            } else if (inFiles) {
                files.add(Path.of(args[i]));
            } else {
                builds.add(new Build((char) ('A' + builds.size()) + ":" + Path.of(args[i]).getFileName(),
                    Path.of(args[i]), threads));
            }
        }
        for (int i = 0; i < warmup; i++) {
            for (final Build b : builds) {
                b.round(files);
            }
        }
        for (final Build b : builds) {
            b.rates.clear();
            b.perCpu.clear();
        }
        for (int i = 0; i < rounds; i++) {
            final List<Build> order = new ArrayList<>(builds);
            if (i % 2 == 1) {
                Collections.reverse(order);
            }
            final StringBuilder line = new StringBuilder("round " + (i + 1) + ":");
            for (final Build b : order) {
                line.append(String.format(Locale.ROOT, "  %s %,.0f", b.name, b.round(files)));
            }
            System.out.println(line);
        }
        for (final Build b : builds) {
            System.out.printf(Locale.ROOT, "%s: median %,.0f lines/s (best %,.0f); median %,.0f lines per CPU-second%n",
                b.name, median(b.rates), Collections.max(b.rates), median(b.perCpu));
        }
    }
}
