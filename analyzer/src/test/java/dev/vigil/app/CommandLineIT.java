package dev.vigil.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.alert.Alert;
import dev.vigil.alert.AlertJson;
import dev.vigil.broker.KafkaTestBroker;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line against real and missing brokers: an unreachable Kafka is one clear line and exit code 1
 * within seconds, for {@code run} and {@code ship}; {@code ship} publishes; {@code demo --port 0} runs in a process
 * of its own, on an embedded broker on a free port, and prints the incident's alerts.
 */
@Tag("integration")
class CommandLineIT {

    @RegisterExtension
    static final KafkaTestBroker BROKER = new KafkaTestBroker();

    @TempDir
    Path tmp;

    /** What a command printed and returned. */
    private record Outcome(int code, String out, String err, long millis) {
    }

    private static Outcome execute(final String... args) {
        final PrintStream out = System.out;
        final PrintStream err = System.err;
        final ByteArrayOutputStream o = new ByteArrayOutputStream();
        final ByteArrayOutputStream e = new ByteArrayOutputStream();
        final long t0 = System.nanoTime();
        final int code;
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            code = Main.execute(args);
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        return new Outcome(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8),
            (System.nanoTime() - t0) / 1_000_000);
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void assertOneLine(final Outcome o, final String start) {
        assertEquals(1, o.code(), o.err());
        assertTrue(o.err().startsWith(start), o.err());
        assertEquals(1, o.err().lines().count(), "one line, no warnings, no stack trace:\n" + o.err());
        assertTrue(o.millis() < 20_000, "failed after " + o.millis() + " ms");
    }

    @Test
    void shouldSayInOneLineThatRunCannotReachKafka() throws IOException {
        final String at = "127.0.0.1:" + closedPort();
        final Outcome o = execute("run", "--bootstrap-servers", at, "--state-dir", tmp.resolve("state").toString(),
            "--patterns", LiveHarness.PATTERNS.toString());

        assertOneLine(o, "vigil: cannot reach Kafka at " + at + ": connection refused");
    }

    @Test
    void shouldSayInOneLineThatShipCannotReachKafka() throws IOException {
        final Path log = Files.writeString(tmp.resolve("a.log"), "hello\n");
        final String at = "127.0.0.1:" + closedPort();
        final Outcome o = execute("ship", "--bootstrap-servers", at, log.toString());

        assertOneLine(o, "vigil: cannot reach Kafka at " + at + ": connection refused");
    }

    @Test
    void shouldSayInOneLineThatShipsTopicDoesNotExist() throws IOException {
        final Path log = Files.writeString(tmp.resolve("a.log"), "hello\n");
        final String topic = BROKER.uniqueName("missing");
        final Outcome o = execute("ship", "--bootstrap-servers", BROKER.bootstrapServers(), "--topic", topic,
            log.toString());

        assertOneLine(o, "vigil: topic " + topic + " does not exist on " + BROKER.bootstrapServers());
    }

    @Test
    void shouldShipFilesLineByLineKeyedByFile() throws IOException {
        final String topic = BROKER.createUniqueTopic("ship", 3);
        final Path log = Files.writeString(tmp.resolve("b.log"), "one\r\ntwo\n\nthree");
        final Outcome o = execute("ship", "--bootstrap-servers", BROKER.bootstrapServers(), "--topic", topic,
            log.toString());

        assertEquals(0, o.code(), o.err());
        assertTrue(o.err().startsWith("vigil ship: 3 lines"), o.err());
        assertEquals(List.of("one", "two", "three"), BROKER.consumeAll(topic, 3, Duration.ofSeconds(20)),
            "one key per file: one partition, in order; the empty line is not shipped");
    }

    @Test
    void shouldRunTheDemoOnAFreePortInAProcessOfItsOwn() throws Exception {
        final List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
            .toString(), "-Xmx512m", "-cp", System.getProperty("java.class.path"), Main.class.getName(), "demo",
            "--port", "0", "--duration", "15s", "--format", "json", "--patterns", LiveHarness.PATTERNS.toString(),
            "--samples", LiveHarness.DEMO.toString()));
        final Process p = new ProcessBuilder(cmd).directory(tmp.toFile())
            .redirectOutput(tmp.resolve("out.jsonl").toFile()).redirectError(tmp.resolve("err.txt").toFile())
            .start();
        try {
            assertTrue(p.waitFor(90, TimeUnit.SECONDS), "the demo stops by itself after --duration");
        } finally {
            p.destroyForcibly();
        }
        final String err = Files.readString(tmp.resolve("err.txt"));
        final List<Alert> alerts = Files.readAllLines(tmp.resolve("out.jsonl")).stream().map(AlertJson::read)
            .collect(Collectors.toList());

        assertEquals(0, p.exitValue(), err);
        assertFalse(err.contains(":9092"), "not the default port: " + err);
        assertTrue(err.matches("(?s).*vigil demo: published \\d{3} lines.*"), err);
        // 10 signature episodes and 3 rule episodes (two brute-forcing addresses, the 5xx ratio)
        assertEquals(13, alerts.stream().filter(a -> a.status() == Alert.Status.FIRING).count(), alerts.toString());
        assertTrue(Files.isDirectory(tmp.resolve(".vigil/demo/kafka")), "the demo keeps its data in ./.vigil/demo");
    }
}
