package dev.vigil.parse;

import dev.vigil.ingest.SourceDetector;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Runs the detector and the parsers over whole files of the shared corpus (surefire passes its location as
 * {@code corpus.dir}); skipped when the corpus is not there. Every entry must parse, except the listed number of
 * entries that are not lines of that source at all (each explained below).
 */
class CorpusSweepTest {

    private static Path corpus() {
        final String dir = System.getProperty("corpus.dir");
        assumeTrue(dir != null && Files.isDirectory(Path.of(dir)), "corpus.dir not available");
        return Path.of(dir);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "nginx/elastic_apache_logs.combined.log, NGINX, 0",
        "nginx/lnav_shop_access_log.nginx-combined.log, NGINX, 0",
        "nginx/elastic_beats_nginx_access_test.log, NGINX, 0",
        "nginx/elastic_beats_nginx_error_test.log, NGINX, 0",
        "nginx/github_issues_nginx_error_excerpts.log, NGINX, 0",
        "fail2ban/nginx-http-auth.log, NGINX, 0",
        "fail2ban/nginx-limit-req.log, NGINX, 0",
        "postgres/pgbadger_light.postgres.stderr.log, POSTGRES, 0",
        "postgres/pgbadger_rds.head5000.stderr.log, POSTGRES, 0",
        "postgres/pgbadger_pg_vacuums.head3000.stderr.log, POSTGRES, 0",
        "postgres/pgbadger_pg_vacuums.head1000.jsonlog.log, POSTGRES, 0",
        "postgres/pgbadger_anonymize.csvlog.log, POSTGRES, 0",
        "postgres/pgbadger_csv_statement_without_duration.csvlog.log, POSTGRES, 0",
        "postgres/pgbadger_cloudsql.gcp.jsonl.log, POSTGRES, 0",
        "postgres/pgbadger_logplex.heroku.log, POSTGRES, 0",
        "postgres/pgbadger_queryid.stderr.log, POSTGRES, 0",
        "postgres/pgbadger_tempfile_only.stderr.log, POSTGRES, 0",
        "postgres/plaso_postgresql.stderr.log, POSTGRES, 0",
        // 3 systemd lines in the syslog file
        "postgres/pgbadger_pg-syslog.head5000.syslog.log, POSTGRES, 3",
        // pg_ctl's own two output lines
        "postgres/pgbadger_pg_rawcsv.stderr.log, POSTGRES, 2",
        // two lines carry a docker-compose service prefix
        "postgres/github_issues_postgres_excerpts.log, POSTGRES, 2",
        // 43 CloudNativePG operator (not PostgreSQL) records
        "postgres/pgbadger_cnpg.jsonl.log, POSTGRES, 43",
        "synapse/alirad18_matrix_homeserver.log, SYNAPSE, 0",
        "synapse/barney9211_telegram-bridge_homeserver.log, SYNAPSE, 0",
        "synapse/dhirajwork_chat-matrix_homeserver.2021-10-16.log, SYNAPSE, 0",
        "synapse/dhirajwork_chat-matrix_homeserver.log, SYNAPSE, 0",
        "synapse/evanrobinson2_luna2_homeserver.log, SYNAPSE, 0",
        "synapse/lamoboos223_matrix_homeserver.log, SYNAPSE, 0",
        // a custom journal line format and systemd's lines
        "synapse/github_issues_synapse_excerpts.log, SYNAPSE, 2",
        "journald/aminer_journal.json, JOURNALD, 0",
        "journald/lnav_logfile_journald.json, JOURNALD, 0",
        "journald/github_issues_journal_short_excerpts.log, JOURNALD, 0",
        "loghub/OpenSSH_2k.log, JOURNALD, 0",
        "loghub/Linux_2k.log, JOURNALD, 0",
        "fail2ban/sshd.log, JOURNALD, 0",
    })
    void shouldDetectAndParseWholeCorpusFiles(final String file, final Source source, final int expectedFailures) {
        final Path path = corpus().resolve(file);
        assumeTrue(Files.isRegularFile(path), file + " not in corpus");
        final List<String> lines = Fixtures.file(path);
        final List<String> sample = lines.stream().filter(l -> !l.startsWith("# ")).limit(200)
            .collect(Collectors.toList());
        if (!file.startsWith("fail2ban/")) {
            assertEquals(source, SourceDetector.detectFile(sample), "detected source");
        }
        final Parser parser = Parsers.of(null, ZoneOffset.UTC, Fixtures.CLOCK).get(source);
        final Fixtures.Outcome out = Fixtures.run(parser, lines);
        assertEquals(expectedFailures, out.failures.size(), () -> String.join("\n", out.failures.subList(0,
            Math.min(5, out.failures.size()))));
    }
}
