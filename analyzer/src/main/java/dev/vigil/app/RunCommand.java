package dev.vigil.app;

import dev.vigil.metrics.Meters;
import dev.vigil.metrics.MetricsServer;
import dev.vigil.pack.PatternPack;
import dev.vigil.parse.Parsers;
import dev.vigil.rule.AlertSettings;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code vigil run}: live analysis of the logs shippers publish to Kafka. */
@Command(name = "run", sortOptions = false, description = {"Analyse logs live from Kafka and publish alerts to the "
    + "alerts topic.", "Without --bootstrap-servers an embedded single-node Kafka broker starts on localhost:9092 "
    + "(data in ./.vigil/), so shippers on this machine can publish to it."})
final class RunCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

    @Mixin
    LiveOptions live = new LiveOptions();

    @Mixin
    PackOptions pack = new PackOptions();

    @Option(names = "--format", paramLabel = "json|text",
        description = "Also print alerts to stdout as they are published (json: one vigil.alert/v1 per line).")
    String format;

    @Override
    public Integer call() throws Exception {
        final VigilConfig cfg = live.resolve();
        if (pack.patterns == null && cfg.patterns != null) {
            pack.patterns = java.nio.file.Path.of(cfg.patterns);
        }
        if (pack.runbookBaseUrl == null) {
            pack.runbookBaseUrl = cfg.runbookBaseUrl;
        }
        final AlertPrinter printer = printer(format);
        return runLive(cfg, pack.load(), pack.alertSettings().withRenotify(cfg.renotifyMillis), printer, null);
    }

    static AlertPrinter printer(final String format) {
        if (format == null) {
            return null;
        }
        if (!"json".equals(format) && !"text".equals(format)) {
            throw new UserError("--format: '" + format + "' must be json or text");
        }
        final boolean text = "text".equals(format);
        return new AlertPrinter(new PrintStream(System.out, true, StandardCharsets.UTF_8),
            text ? AlertPrinter.Format.TEXT : AlertPrinter.Format.JSON, text && AlertPrinter.terminal());
    }

    /**
     * Runs live until SIGTERM/SIGINT (or {@code feeder} finishes and the demo says stop). Returns the exit code.
     *
     * @param feeder run once the application is RUNNING (the demo ships its samples), or null
     */
    static int runLive(final VigilConfig cfg, final PatternPack pack, final AlertSettings settings,
                       final AlertPrinter printer, final Feeder feeder) throws Exception {
        final LiveRunner runner = new LiveRunner(cfg, pack, settings, Parsers.of(null, java.time.ZoneOffset.UTC));
        final Meters meters = Meters.prometheus().bindJvm().buildInfo(Main.version(), pack.version())
            .ready(() -> runner.state() == KafkaStreams.State.RUNNING).bind(runner.stats());
        // first, so that /healthz answers while the broker starts and the application joins its group
        final MetricsServer metrics;
        try {
            metrics = MetricsEndpoint.start(cfg.metricsSocket(), meters,
                () -> runner.state() == KafkaStreams.State.RUNNING ? null : "streams " + runner.state(),
                "--metrics-address");
        } catch (final RuntimeException e) {
            meters.close();
            throw e;
        }
        final AtomicReference<AlertTail> tails = new AtomicReference<>();
        // the tail first: it would keep polling a broker that the runner stops
        final Thread hook = new Thread(() -> {
            closeQuietly(tails.get());
            runner.close();
        }, "vigil-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        AlertTail tail = null;
        try {
            runner.prepare();
            if (metrics != null) {
                // said only once Kafka answered, so that a failed start is one line
                LOG.info("metrics on {}/metrics (probes: /healthz, /readyz)", metrics.url());
            }
            if (printer != null) {
                tail = new AlertTail(runner.clientProperties(), cfg.alertsTopic, printer);
                tails.set(tail);
            }
            runner.start();
            meters.bindStreams(runner.streams());
            if (!runner.awaitRunning(Duration.ofSeconds(90))) {
                throw new UserError("the streams application did not start: " + (runner.failure() == null
                    ? "state " + runner.state() : LiveRunner.cause(runner.failure())), 1);
            }
            LOG.info("vigil {} running: pack {} ({} signatures), input {}, alerts → {} on {}{}",
                Main.version(), pack.version(), pack.signatures().size(),
                cfg.inputPattern != null ? "/" + cfg.inputPattern + "/" : cfg.inputTopics, cfg.alertsTopic,
                runner.bootstrap(), cfg.kafka.isEmpty() ? "" : " with client settings " + cfg.maskedKafka());
            if (feeder != null) {
                feeder.feed(runner);
            }
            runner.awaitStop();
            return runner.failure() == null ? 0 : 1;
        } finally {
            if (tail != null) {
                tail.close();
            }
            runner.close();
            if (metrics != null) {
                metrics.close();
            }
            meters.close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (final IllegalStateException e) {
                // already shutting down
            }
        }
    }

    private static void closeQuietly(final AlertTail tail) {
        if (tail != null) {
            try {
                tail.close();
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Something to do once the live application runs. */
    interface Feeder {
        /** Called on the main thread once RUNNING. */
        void feed(LiveRunner runner) throws Exception;
    }
}
