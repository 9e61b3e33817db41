package dev.vigil.app;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.utils.Utils;

/**
 * The checks that turn "Kafka is not there" into one line at once instead of a minute of client warnings: a TCP
 * connect to the bootstrap servers before any Kafka client is made (a refused port or an unknown host fails in
 * milliseconds, silently), and, for {@code ship}, that the topic exists.
 */
final class KafkaCheck {

    /** How long one bootstrap address may take to accept a TCP connection. */
    static final Duration CONNECT = Duration.ofSeconds(5);
    /** How long Kafka may take to answer once it accepts connections. */
    static final Duration ANSWER = Duration.ofSeconds(15);

    private KafkaCheck() {
    }

    /**
     * Returns when at least one bootstrap server accepts a TCP connection; otherwise throws a {@link UserError}
     * naming what went wrong with each. Addresses it cannot parse are left to the Kafka client to judge.
     */
    static void reachable(final String bootstrap) {
        final List<String> problems = new ArrayList<>();
        for (final String raw : bootstrap.split(",")) {
            final String server = raw.trim();
            if (server.isEmpty()) {
                continue;
            }
            final String hostPort = server.contains("://") ? server.substring(server.indexOf("://") + 3) : server;
            final String host = Utils.getHost(hostPort);
            final Integer port = Utils.getPort(hostPort);
            if (host == null || port == null) {
                return; // not host:port: the client will say what it thinks of it
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(host, port), (int) CONNECT.toMillis());
                return;
            } catch (final UnknownHostException e) {
                problems.add(hostPort + ": unknown host " + host);
            } catch (final java.net.SocketTimeoutException e) {
                problems.add(hostPort + ": no answer to a connection within " + CONNECT.toSeconds() + " s");
            } catch (final IOException e) {
                problems.add(hostPort + ": " + (e.getMessage() == null ? e.getClass().getSimpleName()
                    : e.getMessage().toLowerCase(java.util.Locale.ROOT)));
            } catch (final IllegalArgumentException e) {
                problems.add(hostPort + ": " + e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            final String why = problems.size() == 1 ? problems.get(0).substring(problems.get(0).indexOf(": ") + 2)
                : String.join("; ", problems);
            throw new UserError("cannot reach Kafka at " + bootstrap + ": " + why
                + " (is the broker up, and are the bootstrap servers right?)", 1);
        }
    }

    /** Throws a {@link UserError} unless Kafka answers and has {@code topic}. */
    static void topicExists(final Properties client, final String topic) {
        final String bootstrap = String.valueOf(client.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG));
        reachable(bootstrap);
        final Properties p = new Properties();
        p.putAll(client);
        p.put(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, (int) ANSWER.toMillis());
        p.put(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) ANSWER.toMillis());
        try (Admin admin = Admin.create(p)) {
            admin.describeTopics(List.of(topic)).allTopicNames().get(ANSWER.toMillis(), TimeUnit.MILLISECONDS);
        } catch (final ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                throw new UserError("topic " + topic + " does not exist on " + bootstrap + " (create it, or let "
                    + "`vigil run` create its input topic)", 1);
            }
            throw new UserError("cannot use topic " + topic + " on " + bootstrap + ": " + LiveRunner.cause(e), 1);
        } catch (final TimeoutException e) {
            throw new UserError("Kafka at " + bootstrap + " did not answer within " + ANSWER.toSeconds() + " s: is it "
                + "a Kafka broker, and are the security settings right?", 1);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserError("interrupted while connecting to Kafka", 130);
        } catch (final KafkaException e) {
            throw new UserError("cannot connect to Kafka at " + bootstrap + ": " + LiveRunner.cause(e), 1);
        }
    }
}
