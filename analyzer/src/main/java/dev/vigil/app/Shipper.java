package dev.vigil.app;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.vigil.ingest.LineReader;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import java.util.zip.GZIPInputStream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Publishes log files (plain or gzip) or a stream line by line to a topic, as a shipper would: raw lines or
 * wrapped in a Vector, Filebeat or journald JSON envelope. Idempotent producer with lz4; every line of one file
 * has the same key, so a file's lines stay in order in one partition and multi-line entries fold. Follow mode
 * tails a growing file and survives rotation (a new inode or a truncated file is reopened from the start).
 */
final class Shipper implements AutoCloseable {

    /** Envelopes {@code ship} can wrap lines in. */
    enum Envelope { RAW, VECTOR, FILEBEAT, JOURNALD }

    /** Longest line shipped; longer lines are cut (the broker refuses records over ~1 MB by default). */
    static final int MAX_LINE_BYTES = LineReader.MAX_LINE_BYTES;

    private static final JsonFactory JSON = new JsonFactory();

    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final Envelope envelope;
    private final String hostname;
    private long lines;
    private long bytes;
    private long truncated;
    private volatile Exception failure;

    Shipper(final Properties client, final String topic, final Envelope envelope) {
        final Properties p = new Properties();
        p.putAll(client);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 20);
        p.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        // a broker that goes away fails the ship in well under a minute, with one line, instead of hanging
        p.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
        p.putIfAbsent(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000);
        p.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        this.topic = topic;
        this.envelope = envelope;
        this.hostname = hostname();
    }

    private static String hostname() {
        final String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (final IOException e) {
            return "localhost";
        }
    }

    long lines() {
        return lines;
    }

    long bytes() {
        return bytes;
    }

    long truncated() {
        return truncated;
    }

    /** Ships a whole stream; {@code name} keys its records. */
    void ship(final InputStream in, final String name) throws IOException {
        final LineReader r = new LineReader(in, false);
        byte[] line;
        while ((line = r.next()) != null) {
            send(name, line);
        }
    }

    /** Ships a file; in follow mode keeps reading as it grows until {@code stop} says so. */
    void shipFile(final Path file, final boolean follow, final BooleanSupplier stop) throws IOException {
        final String name = file.toString();
        if (!follow) {
            try (InputStream in = open(file)) {
                ship(in, name);
            }
            return;
        }
        Object inode = Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
        InputStream in = Files.newInputStream(file);
        LineReader r = new LineReader(in, true);
        long position = 0;
        try {
            while (!stop.getAsBoolean()) {
                final byte[] line = r.next();
                if (line != null) {
                    position += line.length + 1;
                    send(name, line);
                    continue;
                }
                producer.flush();
                sleep(Duration.ofMillis(200));
                final Object now = Files.exists(file)
                    ? Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class).fileKey() : null;
                final long size = Files.exists(file) ? Files.size(file) : 0;
                if (now != null && (!now.equals(inode) || size < position)) {
                    // rotated (new file under the name) or truncated: read the rest of nothing, start the new one
                    in.close();
                    inode = now;
                    in = Files.newInputStream(file);
                    r = new LineReader(in, true);
                    position = 0;
                } else {
                    r.resume();
                }
            }
        } finally {
            in.close();
        }
    }

    private static void sleep(final Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static InputStream open(final Path file) throws IOException {
        final PushbackInputStream pb = new PushbackInputStream(new BufferedInputStream(Files.newInputStream(file),
            1 << 16), 2);
        final byte[] magic = new byte[2];
        final int n = pb.readNBytes(magic, 0, 2);
        if (n > 0) {
            pb.unread(magic, 0, n);
        }
        return n == 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b ? new GZIPInputStream(pb, 1 << 16)
            : pb;
    }

    /** Ships one line (bytes as read, without its end of line) of the file {@code name}. */
    void shipLine(final String name, final byte[] line) {
        send(name, line);
    }

    /** Ships one entry (possibly several lines joined by '\n') of the file {@code name}. */
    void shipEntry(final String name, final String entry) {
        for (final String line : entry.split("\n", -1)) {
            send(name, line.getBytes(StandardCharsets.UTF_8));
        }
    }

    private void send(final String name, final byte[] raw) {
        byte[] line = raw;
        if (line.length > MAX_LINE_BYTES) {
            line = java.util.Arrays.copyOf(line, MAX_LINE_BYTES);
            truncated++;
        }
        if (line.length == 0) {
            return;
        }
        final byte[] value = envelope == Envelope.RAW ? line : wrap(name, line);
        try {
            producer.send(new ProducerRecord<>(topic, name.getBytes(StandardCharsets.UTF_8), value), (md, e) -> {
                if (e != null) {
                    failure = e;
                }
            });
        } catch (final org.apache.kafka.common.KafkaException e) {
            failure = e;
        }
        lines++;
        bytes += value.length;
        if (failure != null) {
            throw new UserError("publishing to " + topic + " failed: " + LiveRunner.cause(failure), 1);
        }
    }

    private byte[] wrap(final String file, final byte[] line) {
        final String text = new String(line, StandardCharsets.UTF_8);
        final Instant now = Instant.now();
        final ByteArrayOutputStream out = new ByteArrayOutputStream(line.length + 160);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            switch (envelope) {
                case VECTOR:
                    g.writeStringField("message", text);
                    g.writeStringField("timestamp", now.toString());
                    g.writeStringField("host", hostname);
                    g.writeStringField("file", file);
                    g.writeStringField("source_type", "file");
                    break;
                case FILEBEAT:
                    g.writeStringField("@timestamp", now.toString());
                    g.writeStringField("message", text);
                    g.writeObjectFieldStart("log");
                    g.writeObjectFieldStart("file");
                    g.writeStringField("path", file);
                    g.writeEndObject();
                    g.writeEndObject();
                    g.writeObjectFieldStart("host");
                    g.writeStringField("name", hostname);
                    g.writeEndObject();
                    break;
                default:
                    g.writeStringField("MESSAGE", text);
                    g.writeStringField("__REALTIME_TIMESTAMP", Long.toString(now.toEpochMilli() * 1000));
                    g.writeStringField("_HOSTNAME", hostname);
                    g.writeStringField("PRIORITY", "6");
                    break;
            }
            g.writeEndObject();
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Waits until everything sent is acknowledged. */
    void flush() {
        producer.flush();
        if (failure != null) {
            throw new UserError("publishing to " + topic + " failed: " + LiveRunner.cause(failure), 1);
        }
    }

    @Override
    public void close() {
        // after a failure, what is still buffered will not get through either: do not wait for it
        producer.close(failure != null ? Duration.ZERO : Duration.ofSeconds(10));
    }
}
