package dev.vigil.app;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.CommonClientConfigs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vigil ship}: publish log files or stdin to a topic, for demos, tests and backfills. */
@Command(name = "ship", sortOptions = false, description = {"Publish log files (or - for stdin) to a Kafka topic, "
    + "line by line, raw or in a shipper's JSON envelope.", "Records carry the publish time; the event time stays "
    + "in the line, so old logs are not deleted by retention."})
final class ShipCommand implements Callable<Integer> {

    @Parameters(paramLabel = "FILE", arity = "1..*", description = "Files (plain or .gz), or - for stdin.")
    List<String> files = new ArrayList<>();

    @Option(names = "--topic", defaultValue = "logs", description = "Topic (default: ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = "--envelope", defaultValue = "raw", paramLabel = "raw|vector|filebeat|journald",
        description = "Wrap each line as this shipper would (default: ${DEFAULT-VALUE}).")
    String envelope;

    @Option(names = "--bootstrap-servers", defaultValue = "${env:VIGIL_BOOTSTRAP_SERVERS:-127.0.0.1:9092}",
        description = "Kafka to publish to (default: the embedded broker of a local `vigil run`).")
    String bootstrapServers;

    @Option(names = {"-f", "--follow"}, description = "Keep following the files as they grow (survives rotation).")
    boolean follow;

    @Override
    public Integer call() throws Exception {
        final Shipper.Envelope env;
        try {
            env = Shipper.Envelope.valueOf(envelope.toUpperCase(Locale.ROOT));
        } catch (final IllegalArgumentException e) {
            throw new UserError("--envelope: '" + envelope + "' must be raw, vector, filebeat or journald");
        }
        for (final String f : files) {
            if (!"-".equals(f) && !Files.isReadable(Path.of(f))) {
                throw new UserError(f + ": no such readable file");
            }
        }
        if (follow && files.size() > 1) {
            throw new UserError("--follow takes one file (run one `vigil ship -f` per file)");
        }
        final Properties p = new Properties();
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        final VigilConfig cfg = new VigilConfig();
        cfg.applyEnv(System.getenv());
        p.putAll(cfg.kafka);
        KafkaCheck.topicExists(p, topic);
        final long t0 = System.nanoTime();
        final AtomicBoolean stop = new AtomicBoolean();
        final Thread hook = new Thread(() -> stop.set(true));
        Runtime.getRuntime().addShutdownHook(hook);
        try (Shipper s = new Shipper(p, topic, env)) {
            for (final String f : files) {
                if ("-".equals(f)) {
                    s.ship(System.in, "stdin");
                } else {
                    s.shipFile(Path.of(f), follow, stop::get);
                }
            }
            s.flush();
            final double secs = (System.nanoTime() - t0) / 1e9;
            System.err.printf(Locale.ROOT, "vigil ship: %,d lines (%,d bytes) to %s on %s in %.2f s, %,.0f lines/s%s%n",
                s.lines(), s.bytes(), topic, bootstrapServers, secs, s.lines() / Math.max(secs, 1e-6),
                s.truncated() > 0 ? String.format(Locale.ROOT, "; %,d lines over %,d bytes were cut",
                    s.truncated(), Shipper.MAX_LINE_BYTES) : "");
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (final IllegalStateException e) {
                // already shutting down
            }
        }
        return 0;
    }
}
