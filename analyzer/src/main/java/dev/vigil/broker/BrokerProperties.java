package dev.vigil.broker;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * The server properties of the single-node broker. A pure function of the options and the ports chosen for this
 * start, kept apart from the lifecycle so it can be unit-tested without a broker.
 */
final class BrokerProperties {

    static final int NODE_ID = 1;
    static final String BROKER_LISTENER = "PLAINTEXT";
    static final String CONTROLLER_LISTENER = "CONTROLLER";

    /** Per-partition size bound that replaces age-based retention (see {@link EmbeddedKafka}). */
    static final long RETENTION_BYTES = 1L << 30;

    /**
     * Keys derived from {@link EmbeddedKafka.Options} (data dir, host, ports) or fixed by the single-node layout;
     * overriding them through the extra properties would start a broker the rest of the class does not know about.
     */
    static final Set<String> RESERVED = Set.of(
        "process.roles", "node.id", "broker.id", "listeners", "advertised.listeners",
        "listener.security.protocol.map", "inter.broker.listener.name", "controller.listener.names",
        "controller.quorum.voters", "controller.quorum.bootstrap.servers",
        "log.dir", "log.dirs", "metadata.log.dir");

    private BrokerProperties() {
    }

    static Properties of(final Path dataDir, final String host, final int port, final int controllerPort,
                         final long startupNanos, final Map<String, String> extra) {
        final Properties p = new Properties();
        final String dir = dataDir.toAbsolutePath().normalize().toString();

        // One process is broker and controller; a static voter set (not a dynamic quorum) because the controller
        // port may differ on every start, and a dynamic quorum would have stored the old endpoint in its log.
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", Integer.toString(NODE_ID));
        p.setProperty("controller.quorum.voters", NODE_ID + "@" + host + ":" + controllerPort);
        p.setProperty("listeners", String.format(Locale.ROOT, "%s://%s:%d,%s://%s:%d",
            BROKER_LISTENER, host, port, CONTROLLER_LISTENER, host, controllerPort));
        p.setProperty("advertised.listeners", String.format(Locale.ROOT, "%s://%s:%d", BROKER_LISTENER, host, port));
        p.setProperty("listener.security.protocol.map",
            BROKER_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        p.setProperty("inter.broker.listener.name", BROKER_LISTENER);
        p.setProperty("controller.listener.names", CONTROLLER_LISTENER);
        p.setProperty("log.dirs", dir);
        p.setProperty("metadata.log.dir", dir);

        // One node: every internal topic must be satisfiable with a single replica (the defaults of 3 and 2 are not).
        p.setProperty("default.replication.factor", "1");
        p.setProperty("min.insync.replicas", "1");
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("offsets.topic.num.partitions", "3");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("transaction.state.log.num.partitions", "3");
        p.setProperty("share.coordinator.state.topic.replication.factor", "1");
        p.setProperty("share.coordinator.state.topic.min.isr", "1");
        p.setProperty("share.coordinator.state.topic.num.partitions", "1");

        // Bounds KafkaRaftServer.startup() itself (it waits for the controller, catch-up and unfencing), so that
        // a broker that cannot get going fails within the start timeout instead of blocking forever.
        p.setProperty("server.max.startup.time.ms", Long.toString(Math.max(1, startupNanos / 1_000_000)));

        p.setProperty("num.partitions", "3");
        p.setProperty("auto.create.topics.enable", "false");
        p.setProperty("group.initial.rebalance.delay.ms", "0");

        // Retention by size only: a log analyzer's records may carry their log's old event time, and age-based
        // retention would delete a replay within seconds. Future-stamped records (clock skew on a shipper) are
        // accepted rather than failing the producer (Kafka 4 rejects anything more than 1 h ahead by default).
        p.setProperty("log.retention.ms", "-1");
        p.setProperty("log.retention.bytes", Long.toString(RETENTION_BYTES));
        p.setProperty("log.message.timestamp.type", "CreateTime");
        p.setProperty("log.message.timestamp.after.max.ms", Long.toString(Long.MAX_VALUE));

        // A development broker on a laptop: small segments and indexes, few threads, a small cleaner buffer.
        p.setProperty("log.segment.bytes", Integer.toString(64 << 20));
        p.setProperty("log.index.size.max.bytes", Integer.toString(1 << 20));
        p.setProperty("log.cleaner.dedupe.buffer.size", Integer.toString(16 << 20));
        p.setProperty("num.network.threads", "2");
        p.setProperty("num.io.threads", "4");
        p.setProperty("background.threads", "4");
        p.setProperty("num.recovery.threads.per.data.dir", "1");

        for (final Map.Entry<String, String> e : extra.entrySet()) {
            p.setProperty(e.getKey(), e.getValue());
        }
        return p;
    }
}
