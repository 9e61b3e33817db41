package dev.vigil.app;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Hours of three web servers' nginx logs in which the backends fail again and again: every 25 minutes, one server
 * in turn logs a minute of "connection refused" to its own upstream, so each server's upstream has an episode
 * every 75 minutes (well past the 15-minute quiet period) and every episode is one page. Access logs keep event
 * time moving on every input partition; each upstream's lines stay in one file, hence one partition.
 */
final class OutageCorpus {

    /** Servers whose access logs (named {@code <host>-access.log}) land on partitions 0, 1 and 2 of three. */
    static final List<String> HOSTS = List.of("web1", "web2", "web5");
    static final Instant START = Instant.parse("2024-05-02T00:00:00Z");
    static final long OUTAGE_EVERY_MS = 25 * 60_000L;

    private static final DateTimeFormatter ACCESS = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z",
        Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter ERROR = DateTimeFormatter.ofPattern("yyyy/MM/dd HH:mm:ss", Locale.ROOT)
        .withZone(ZoneOffset.UTC);

    private OutageCorpus() {
    }

    /** Writes {@code hours} of logs, one access and one error log per server; returns the files. */
    static List<Path> write(final Path dir, final int hours) throws IOException {
        final List<Path> files = new ArrayList<>();
        final long end = START.toEpochMilli() + hours * 3_600_000L;
        for (int h = 0; h < HOSTS.size(); h++) {
            final String host = HOSTS.get(h);
            final Path access = dir.resolve(host + "-access.log");
            final Path error = dir.resolve(host + "-error.log");
            try (BufferedWriter a = Files.newBufferedWriter(access, StandardCharsets.UTF_8);
                 BufferedWriter e = Files.newBufferedWriter(error, StandardCharsets.UTF_8)) {
                int request = 0;
                for (long t = START.toEpochMilli() + 700L * h; t < end; t += 2_000) {
                    a.write("10.1." + h + "." + (request % 250) + " - - [" + ACCESS.format(Instant.ofEpochMilli(t))
                        + "] \"GET /api/items/" + request + " HTTP/1.1\" 200 " + (500 + request % 900)
                        + " \"-\" \"shop-app/2.3\"\n");
                    request++;
                }
                int k = 0;
                for (long t = START.toEpochMilli() + 5 * 60_000L; t < end; t += OUTAGE_EVERY_MS, k++) {
                    if (k % HOSTS.size() != h) {
                        continue;
                    }
                    for (int i = 0; i < 6; i++) {
                        e.write(ERROR.format(Instant.ofEpochMilli(t + i * 10_000L)) + " [error] 7#7: *" + (k * 10 + i)
                            + " connect() failed (111: Connection refused) while connecting to upstream, client: "
                            + "10.1." + h + ".9, server: shop, request: \"GET /api/items HTTP/1.1\", upstream: "
                            + "\"http://10.2." + h + ".1:8080/api/items\", host: \"" + host + "\"\n");
                    }
                }
            }
            files.add(access);
            files.add(error);
        }
        return files;
    }
}
