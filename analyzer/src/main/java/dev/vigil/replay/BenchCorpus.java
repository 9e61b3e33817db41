package dev.vigil.replay;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Writes a realistic mixed corpus for the benchmark: nginx access and error logs, PostgreSQL stderr, Synapse and
 * journald (syslog text), in the proportions and error rates of a busy small deployment, with time advancing
 * through the files. Deterministic for a seed. The line shapes follow the real corpora in the test fixtures.
 */
public final class BenchCorpus {

    private static final DateTimeFormatter ACCESS = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z",
        Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter ERROR = DateTimeFormatter.ofPattern("yyyy/MM/dd HH:mm:ss", Locale.ROOT)
        .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter PG = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS 'UTC'",
        Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter SYN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss,SSS", Locale.ROOT)
        .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter SYSLOG = DateTimeFormatter.ofPattern("MMM d HH:mm:ss", Locale.ROOT)
        .withZone(ZoneOffset.UTC);

    private static final String[] PATHS = {"/", "/index.html", "/api/v1/items?page=2", "/api/v1/login",
        "/static/app.3f9a.js", "/static/style.css", "/images/logo.png", "/favicon.ico", "/robots.txt",
        "/api/v1/orders/123456", "/search?q=kafka+streams", "/_matrix/client/r0/sync?timeout=30000"};
    private static final String[] AGENTS = {
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148",
        "curl/8.5.0", "Googlebot/2.1 (+http://www.google.com/bot.html)", "Prometheus/2.48.0"};

    private BenchCorpus() {
    }

    /** Writes about {@code lines} lines into five files under {@code dir} and returns them. */
    public static List<Path> write(final Path dir, final long lines, final long seed) throws IOException {
        Files.createDirectories(dir);
        final SplittableRandom r = new SplittableRandom(seed);
        final Path access = dir.resolve("nginx-access.log");
        final Path error = dir.resolve("nginx-error.log");
        final Path pg = dir.resolve("postgresql.log");
        final Path syn = dir.resolve("homeserver.log");
        final Path journal = dir.resolve("syslog.log");
        long t = LocalDateTime.of(2024, 5, 1, 0, 0).toInstant(ZoneOffset.UTC).toEpochMilli();
        try (BufferedWriter a = Files.newBufferedWriter(access, StandardCharsets.UTF_8);
             BufferedWriter e = Files.newBufferedWriter(error, StandardCharsets.UTF_8);
             BufferedWriter p = Files.newBufferedWriter(pg, StandardCharsets.UTF_8);
             BufferedWriter s = Files.newBufferedWriter(syn, StandardCharsets.UTF_8);
             BufferedWriter j = Files.newBufferedWriter(journal, StandardCharsets.UTF_8)) {
            for (long i = 0; i < lines; i++) {
                t += 1 + r.nextInt(3);
                final Instant at = Instant.ofEpochMilli(t);
                final int k = r.nextInt(100);
                if (k < 55) {
                    a.write(access(r, at));
                    a.newLine();
                } else if (k < 60) {
                    e.write(nginxError(r, at));
                    e.newLine();
                } else if (k < 80) {
                    p.write(postgres(r, at, i));
                    p.newLine();
                } else if (k < 92) {
                    s.write(synapse(r, at, i));
                    s.newLine();
                } else {
                    j.write(syslog(r, at, i));
                    j.newLine();
                }
            }
        }
        final List<Path> out = new ArrayList<>();
        out.add(access);
        out.add(error);
        out.add(pg);
        out.add(syn);
        out.add(journal);
        return out;
    }

    private static String ip(final SplittableRandom r) {
        return "203.0." + r.nextInt(114) + "." + (1 + r.nextInt(254));
    }

    private static String access(final SplittableRandom r, final Instant at) {
        final int k = r.nextInt(1000);
        final int status = k < 8 ? 502 : k < 12 ? 504 : k < 30 ? 404 : k < 35 ? 401 : k < 40 ? 304 : 200;
        final String path = PATHS[r.nextInt(PATHS.length)];
        return ip(r) + " - - [" + ACCESS.format(at) + "] \"GET " + path + " HTTP/1.1\" " + status + " "
            + (status == 200 ? 512 + r.nextInt(40_000) : 150) + " \"-\" \"" + AGENTS[r.nextInt(AGENTS.length)]
            + "\" " + String.format(Locale.ROOT, "%.3f %.3f", r.nextDouble() * 0.4, r.nextDouble() * 0.35);
    }

    private static String nginxError(final SplittableRandom r, final Instant at) {
        final int k = r.nextInt(100);
        final String head = ERROR.format(at) + " [error] 31#31: *" + r.nextInt(1_000_000) + " ";
        final String tail = ", client: " + ip(r) + ", server: example.org, request: \"GET /api/v1/items HTTP/1.1\"";
        if (k < 70) {
            return head + "open() \"/var/www/html/wp-login.php\" failed (2: No such file or directory)" + tail
                + ", host: \"example.org\"";
        }
        if (k < 85) {
            return head + "connect() failed (111: Connection refused) while connecting to upstream" + tail
                + ", upstream: \"http://127.0.0.1:8080/api/v1/items\", host: \"example.org\"";
        }
        if (k < 95) {
            return head + "upstream timed out (110: Connection timed out) while reading response header from "
                + "upstream" + tail + ", upstream: \"http://127.0.0.1:8080/api/v1/items\", host: \"example.org\"";
        }
        return ERROR.format(at) + " [crit] 31#31: *" + r.nextInt(1_000_000) + " SSL_do_handshake() failed (SSL: "
            + "error:0A00006C:SSL routines::bad key share) while SSL handshaking, client: " + ip(r)
            + ", server: 0.0.0.0:443";
    }

    private static String postgres(final SplittableRandom r, final Instant at, final long i) {
        final int k = r.nextInt(100);
        final String head = PG.format(at) + " [" + (1000 + i % 5000) + "] app@appdb ";
        if (k < 55) {
            return head + String.format(Locale.ROOT, "LOG:  duration: %.3f ms  statement: SELECT * FROM items "
                + "WHERE id = %d", r.nextDouble() * (k < 2 ? 6000 : 40), r.nextInt(100_000));
        }
        if (k < 80) {
            return head + "LOG:  connection authorized: user=app database=appdb application_name=web";
        }
        if (k < 92) {
            return head + "LOG:  checkpoint complete: wrote 1234 buffers (7.5%); 0 WAL file(s) added";
        }
        if (k < 96) {
            return head + "ERROR:  relation \"item_archive\" does not exist at character 15";
        }
        if (k < 99) {
            return head + "FATAL:  password authentication failed for user \"app\"";
        }
        return head + "ERROR:  canceling statement due to statement timeout";
    }

    private static String synapse(final SplittableRandom r, final Instant at, final long i) {
        final int k = r.nextInt(100);
        final String head = SYN.format(at) + " - ";
        if (k < 80) {
            final boolean sync = r.nextInt(4) == 0;
            return head + "synapse.access.http.8008 - 465 - INFO - GET-" + i + " - " + ip(r) + " - 8008 - "
                + "{@alice:example.org} Processed request: " + String.format(Locale.ROOT, "%.3f", sync ? 30.0
                + r.nextDouble() : r.nextDouble() * 0.2) + "sec/0.000sec (0.001sec, 0.000sec) (0.000sec/0.002sec/2)"
                + " 2019B 200 \"GET " + (sync ? "/_matrix/client/r0/sync?timeout=30000" : "/_matrix/client/r0/"
                + "rooms/!abc:example.org/messages") + " HTTP/1.1\" \"Element/1.11\" [0 dbevts]";
        }
        if (k < 95) {
            return head + "synapse.handlers.presence - 1042 - INFO - persist_presence_changes-" + i
                + " - Persisting 3 unpersisted presence updates";
        }
        return head + "synapse.http.matrixfederationclient - 757 - WARNING - federation_transaction_transmission_"
            + "loop-" + i + " - {PUT-O-" + i + "} [remote.example] Request failed: PUT matrix-federation://remote."
            + "example/_matrix/federation/v1/send/1: ConnectError('Connection refused')";
    }

    private static String syslog(final SplittableRandom r, final Instant at, final long i) {
        final int k = r.nextInt(100);
        final String head = SYSLOG.format(at) + " web1 ";
        if (k < 40) {
            return head + "systemd[1]: Started Session " + i + " of User app.";
        }
        if (k < 60) {
            return head + "sshd[" + (2000 + i % 3000) + "]: Accepted publickey for deploy from " + ip(r)
                + " port 52144 ssh2: ED25519 SHA256:abc";
        }
        if (k < 75) {
            return head + "sshd[" + (2000 + i % 3000) + "]: Failed password for invalid user admin from " + ip(r)
                + " port 40022 ssh2";
        }
        if (k < 90) {
            return head + "CRON[" + (3000 + i % 3000) + "]: (root) CMD (command -v debian-sa1 > /dev/null)";
        }
        return head + "kernel: [12345.678901] TCP: request_sock_TCP: Possible SYN flooding on port 443.";
    }
}
