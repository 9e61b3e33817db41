package dev.vigil.app;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.vigil.alert.Alert;
import dev.vigil.engine.DeadLetter;
import dev.vigil.engine.Stats;
import dev.vigil.metrics.Meters;
import dev.vigil.pack.PatternPack;
import dev.vigil.parse.Parsers;
import dev.vigil.parse.Source;
import dev.vigil.replay.ReplayOptions;
import dev.vigil.replay.ReplayRunner;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vigil replay FILE…}: postmortem replay of log files through the engine. */
@Command(name = "replay", sortOptions = false,
    description = {"Replay log files (plain or .gz) through the engine and print the alerts live mode would raise.",
        "Each file's source is detected from its lines; files are merged by event time."})
final class ReplayCommand implements Callable<Integer> {

    @Parameters(paramLabel = "FILE", arity = "0..*", description = "Log files: nginx, PostgreSQL, Synapse, "
        + "journald (journalctl -o json or syslog text), optionally gzipped.")
    List<Path> files = new ArrayList<>();

    @Option(names = "--format", paramLabel = "json|text",
        description = "json: one vigil.alert/v1 object per line; text: a readable listing (default on a terminal).")
    String format;

    @Option(names = "--source", paramLabel = "SOURCE",
        description = "Parse every file as this source (nginx, postgres, synapse, journald) instead of detecting.")
    String source;

    @Option(names = "--since", paramLabel = "TIME", description = "Skip events before TIME (UTC unless it says).")
    String since;

    @Option(names = "--until", paramLabel = "TIME", description = "Skip events at or after TIME.")
    String until;

    @Option(names = "--dead-letters", paramLabel = "FILE",
        description = "Write every line that could not be parsed to FILE (JSON lines: reason, detail, line, bytes).")
    Path deadLetters;

    @Option(names = "--topic", paramLabel = "TOPIC",
        description = "Replay this Kafka topic instead of files: all partitions from --since (by record timestamp) "
            + "to the end offsets at start; no consumer group, the live app's offsets are untouched.")
    String topic;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT,…", defaultValue = "localhost:9092",
        description = "Kafka brokers for --topic (default: ${DEFAULT-VALUE}).")
    String bootstrapServers;

    @Option(names = "--report", paramLabel = "FILE",
        description = "Write a postmortem report: FILE.html (self-contained page: incident timeline, rule charts, "
            + "alerts with evidence) or FILE.md (the same as Markdown tables).")
    Path report;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "${sys:vigil.threads:-0}",
        description = "Replay on N threads: up to N files parsed at once, and every file's lines matched by N "
            + "workers, so one big file uses several cores too (default: one per core, but one on 2 cores or fewer "
            + "for less than 256 MiB of input, where the JIT needs the other core); the alerts are the same.")
    int threads;

    @Option(names = "--year", paramLabel = "YYYY",
        description = "Year of syslog-style lines that carry none (default: the latest year not in the future).")
    Integer year;

    @Option(names = "--timezone", paramLabel = "ZONE", defaultValue = "UTC",
        description = "Zone of timestamps written in local time without an offset (nginx error log, Synapse, "
            + "syslog), e.g. Europe/Berlin (default: ${DEFAULT-VALUE}).")
    String timezone;

    @Option(names = "--pg-prefix", paramLabel = "PREFIX",
        description = "PostgreSQL log_line_prefix in use (repeatable; default: '%%m [%%p] ' and "
            + "'%%m [%%p] %%q%%u@%%d ').")
    List<String> pgPrefixes = new ArrayList<>();

    @Option(names = "--metrics-out", paramLabel = "FILE",
        description = "Write the run's final metrics to FILE in the Prometheus text format (see docs/metrics.md).")
    Path metricsOut;

    @Mixin
    PackOptions pack = new PackOptions();

    Parsers parsers() {
        final java.time.ZoneId zone;
        try {
            zone = java.time.ZoneId.of(timezone);
        } catch (final java.time.DateTimeException e) {
            throw new UserError("--timezone: unknown zone '" + timezone + "' (e.g. UTC, Europe/Berlin)");
        }
        java.time.Clock clock = java.time.Clock.systemUTC();
        if (year != null) {
            if (year < 1970 || year > 9999) {
                throw new UserError("--year: " + year + " is not a plausible year");
            }
            clock = java.time.Clock.fixed(java.time.LocalDate.of(year, 12, 31).atTime(12, 0)
                .toInstant(java.time.ZoneOffset.UTC), java.time.ZoneOffset.UTC);
        }
        return Parsers.of(pgPrefixes.isEmpty() ? null : pgPrefixes, zone, clock);
    }

    @Override
    public Integer call() throws IOException {
        final PatternPack p = pack.load();
        if (topic == null && files.isEmpty() || topic != null && !files.isEmpty()) {
            throw new UserError("replay: give log files or --topic TOPIC (not both)");
        }
        for (final Path f : files) {
            if (!Files.isReadable(f) || Files.isDirectory(f)) {
                throw new UserError(f + ": " + (Files.isDirectory(f) ? "is a directory" : "no such readable file"));
            }
        }
        Source forced = null;
        if (source != null) {
            forced = Source.fromId(source);
            if (forced == null) {
                throw new UserError("--source: unknown source '" + source + "' (nginx, postgres, synapse, journald)");
            }
        }
        final boolean tty = AlertPrinter.terminal();
        final AlertPrinter.Format fmt;
        if (format == null) {
            fmt = tty ? AlertPrinter.Format.TEXT : AlertPrinter.Format.JSON;
        } else if ("json".equals(format) || "text".equals(format)) {
            fmt = "json".equals(format) ? AlertPrinter.Format.JSON : AlertPrinter.Format.TEXT;
        } else {
            throw new UserError("--format: '" + format + "' must be json or text");
        }
        if (threads <= 0) {
            threads = defaultThreads(Runtime.getRuntime().availableProcessors(), totalBytes(files));
        }
        if (report != null && dev.vigil.replay.ReplayReport.formatOf(report) == null) {
            throw new UserError("--report: '" + report + "' must end in .html or .md");
        }
        final Long from = since == null ? null : Times.parse(since, "--since");
        final Long to = until == null ? null : Times.parse(until, "--until");
        final ReplayOptions options = new ReplayOptions(forced, from, to,
            dev.vigil.engine.FrontEnd.DEFAULT_TICK_MILLIS, true, threads);
        final PrintStream out = new PrintStream(new BufferedOutputStream(System.out, 1 << 16), false,
            StandardCharsets.UTF_8);
        final AlertPrinter printer = new AlertPrinter(out, fmt, tty && fmt == AlertPrinter.Format.TEXT);
        final ReplayRunner.Result result;
        ProgressLine progress = null;
        try (DeadLetterWriter dlw = new DeadLetterWriter(deadLetters)) {
            final dev.vigil.replay.ReplayReport rep = report == null ? null : new dev.vigil.replay.ReplayReport(p);
            final Consumer<Alert> sink = rep == null ? printer : printer.andThen(rep);
            final ReplayRunner runner = new ReplayRunner(p, parsers(), pack.alertSettings(), options).observeRules(rep);
            if (ProgressLine.stderrIsTerminal()) {
                progress = new ProgressLine(System.err);
                runner.progress(progress);
            }
            if (topic == null) {
                result = runner.run(files, sink, dlw);
            } else {
                if (rep != null) {
                    rep.topic(topic + " on " + bootstrapServers);
                }
                try {
                    result = runner.runTopic(Map.of("bootstrap.servers", bootstrapServers), topic, sink, dlw);
                } catch (final IOException | org.apache.kafka.common.KafkaException e) {
                    throw new UserError("--topic " + topic + " on " + bootstrapServers + ": " + e.getMessage());
                }
            }
            if (rep != null) {
                rep.finish(files, result, runner.firstEventTime(), runner.lastEventTime(), from, to).write(report);
            }
        } catch (final NoSuchFileException e) {
            throw new UserError(e.getFile() + ": no such file");
        } finally {
            out.flush();
            if (progress != null) {
                progress.clear();
            }
        }
        if (metricsOut != null) {
            writeMetrics(metricsOut, result, p.version());
        }
        System.err.println(summary(result));
        return 0;
    }

    /** The engine's counters at the end of the replay, as a scrape of a live run would show them. */
    static void writeMetrics(final Path file, final ReplayRunner.Result result, final String packVersion)
        throws IOException {
        try (Meters meters = Meters.prometheus().buildInfo(Main.version(), packVersion).bind(result.stats())) {
            Files.writeString(file, meters.scrape(), StandardCharsets.UTF_8);
        } catch (final NoSuchFileException e) {
            throw new UserError("--metrics-out: " + file + ": no such directory");
        }
    }

    static String summary(final ReplayRunner.Result r) {
        final Stats s = r.stats();
        final StringBuilder sb = new StringBuilder("vigil replay: ");
        sb.append(fmt(s.totalRead())).append(" lines");
        appendCounts(sb, s.readBySource());
        sb.append(" · ").append(fmt(s.totalParsed())).append(" parsed");
        sb.append(" · ").append(fmt(s.totalDeadLettered())).append(" dead-lettered");
        appendCounts(sb, s.deadLetteredByReason());
        if (r.outOfRange() > 0) {
            sb.append(" · ").append(fmt(r.outOfRange())).append(" outside --since/--until");
        }
        if (s.truncatedLines() > 0) {
            sb.append(" · ").append(fmt(s.truncatedLines())).append(" truncated");
        }
        sb.append(" · ").append(fmt(s.totalMatches())).append(" matches");
        sb.append(" · ").append(fmt(s.totalAlerts())).append(" alerts");
        appendCounts(sb, s.alertsByStatus());
        final double secs = r.nanos() / 1e9;
        sb.append(String.format(Locale.ROOT, " · %.2f s, %s lines/s", secs,
            fmt((long) (s.totalRead() / Math.max(secs, 1e-6)))));
        for (final Map.Entry<Path, Source> e : r.sources().entrySet()) {
            if (e.getValue() == null) {
                sb.append("\nvigil replay: ").append(e.getKey()).append(": source not recognised; its lines were "
                    + "dead-lettered (use --source to say what it is)");
            }
        }
        return sb.toString();
    }

    private static void appendCounts(final StringBuilder sb, final Map<String, Long> counts) {
        if (counts.isEmpty()) {
            return;
        }
        sb.append(" (");
        boolean first = true;
        for (final Map.Entry<String, Long> e : counts.entrySet()) {
            if (!first) {
                sb.append(", ");
            }
            first = false;
            sb.append(e.getKey()).append(' ').append(fmt(e.getValue()));
        }
        sb.append(')');
    }

    private static String fmt(final long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** Writes dead letters as JSON lines, or only counts them when no file was asked for. */
    static final class DeadLetterWriter implements Consumer<DeadLetter>, AutoCloseable {
        private final OutputStream os;
        private final JsonGenerator gen;

        DeadLetterWriter(final Path file) throws IOException {
            if (file == null) {
                os = null;
                gen = null;
            } else {
                os = new BufferedOutputStream(Files.newOutputStream(file));
                gen = new JsonFactory().createGenerator(os);
                gen.setRootValueSeparator(null);
            }
        }

        @Override
        public void accept(final DeadLetter d) {
            if (gen == null) {
                return;
            }
            try {
                gen.writeStartObject();
                gen.writeStringField("reason", d.reason());
                gen.writeStringField("detail", d.detail());
                gen.writeStringField("source", d.source());
                gen.writeStringField("line", new String(d.original(), StandardCharsets.UTF_8));
                gen.writeStringField("bytes", Base64.getEncoder().encodeToString(d.original()));
                gen.writeEndObject();
                gen.flush();
                os.write('\n');
            } catch (final IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() throws IOException {
            if (gen != null) {
                gen.close();
                os.close();
            }
        }
    }

    /** Input size below which a machine of 2 cores or fewer replays on one thread. */
    static final long SMALL_INPUT_BYTES = 256L << 20;

    /**
     * One reader per core, except for a small input on a small machine: a replay of a few million lines spends
     * about as much CPU compiling (the JIT, on its own threads) as replaying, and on 2 cores a second reader takes
     * that core from the compiler (measured here: 1M lines in 5.6 s on one thread, 6.5-8 s on two).
     */
    static int defaultThreads(final int cores, final long inputBytes) {
        return cores <= 2 && inputBytes < SMALL_INPUT_BYTES ? 1 : cores;
    }

    private static long totalBytes(final List<Path> files) {
        long n = 0;
        for (final Path f : files) {
            try {
                // a gzip file holds several times its size in lines
                n += java.nio.file.Files.size(f) * (f.toString().endsWith(".gz") ? 8 : 1);
            } catch (final java.io.IOException e) {
                // unreadable: the replay says so when it opens the file
            }
        }
        return n;
    }
}
