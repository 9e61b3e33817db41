package dev.vigil.app;

import dev.vigil.pack.PatternPack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code vigil demo}: {@code run} on the embedded broker, fed with the bundled sample incident. */
@Command(name = "demo", description = {"Start Vigil on an embedded Kafka broker, publish the bundled sample logs "
    + "(an incident made of real log lines) the way a shipper would, and print alerts as they fire.",
    "Alerts also stay on the vigil.alerts topic. Ctrl-C stops."})
final class DemoCommand implements Callable<Integer> {

    @Mixin
    LiveOptions live = new LiveOptions();

    @Mixin
    PackOptions pack = new PackOptions();

    @Option(names = "--samples", paramLabel = "DIR", description = "Sample logs to publish (default: samples/demo).")
    Path samples;

    @Option(names = "--format", paramLabel = "json|text", description = "Alert output (default: text on a terminal).")
    String format;

    @Option(names = "--duration", paramLabel = "DURATION",
        description = "Stop by itself this long after the samples are published (e.g. 30s); default: run until Ctrl-C.")
    String duration;

    @Override
    public Integer call() throws Exception {
        final VigilConfig cfg = live.resolve();
        final PatternPack p = pack.load();
        if (cfg.bootstrapServers == null) {
            // every demo starts from a clean broker and state, so it shows its alerts again
            cfg.embeddedDataDir = ".vigil/demo/kafka";
            cfg.stateDir = ".vigil/demo/state";
            deleteTree(Path.of(".vigil/demo"));
        }
        final Path dir = samples != null ? samples : home().resolve("samples/demo");
        final List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(f -> f.toString().endsWith(".log")).sorted().collect(Collectors.toList());
        } catch (final java.io.IOException e) {
            throw new UserError(dir + ": sample logs not found (use --samples DIR)");
        }
        // the samples arrive at once and then nothing: let a finished file stop holding event time back after a
        // few seconds, so that the incident's episodes resolve while one watches
        cfg.idleMillis = Math.min(cfg.idleMillis, 5_000);
        final long stopAfter = duration == null ? -1 : dev.vigil.pack.Durations.parseMillis(duration);
        final AlertPrinter printer = RunCommand.printer(format == null
            ? (AlertPrinter.terminal() ? "text" : "json") : format);
        return RunCommand.runLive(cfg, p, pack.alertSettings().withRenotify(cfg.renotifyMillis), printer, runner -> {
            try (Shipper s = new Shipper(runner.clientProperties(), cfg.inputTopics.get(0), Shipper.Envelope.RAW)) {
                // in event-time order across the files, as the machines would have written them
                dev.vigil.replay.ReplayRunner.forEachEntry(files, dev.vigil.parse.Parsers.defaults(),
                    // keyed by file name, as a shipper keys by its source: the same partitions wherever the
                    // samples are, and the five files cover the three partitions, so every input task has events
                    (file, event) -> s.shipEntry(file.getFileName().toString(), event.line()));
                s.flush();
                System.err.printf("vigil demo: published %d lines from %s to topic %s on %s; alerts follow as they "
                    + "fire%s%n", s.lines(), dir, cfg.inputTopics.get(0), runner.bootstrap(),
                    stopAfter < 0 ? " (Ctrl-C to stop)" : "");
            }
            if (stopAfter >= 0) {
                Thread.sleep(Duration.ofMillis(stopAfter).toMillis());
                runner.stop();
            }
        });
    }

    private static void deleteTree(final Path dir) throws java.io.IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (final Path f : s.sorted(java.util.Comparator.reverseOrder()).collect(Collectors.toList())) {
                Files.delete(f);
            }
        }
    }

    private static Path home() {
        final String h = System.getProperty("vigil.home");
        return h == null ? Path.of(".") : Path.of(h);
    }
}
