package dev.vigil.app;

import dev.vigil.pack.Durations;
import dev.vigil.pack.YamlTree;
import dev.vigil.pack.YamlTree.ListNode;
import dev.vigil.pack.YamlTree.MapNode;
import dev.vigil.pack.YamlTree.Node;
import dev.vigil.pack.YamlTree.Scalar;
import dev.vigil.parse.Source;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Vigil's live configuration: defaults, then a YAML file ({@code --config}, strict: an unknown key or a bad value
 * stops start-up with file:line), then {@code VIGIL_*} environment variables, then command-line flags. Kafka
 * client settings (TLS, SASL, …) pass through from the {@code kafka:} map and {@code VIGIL_KAFKA_*} variables
 * ({@code VIGIL_KAFKA_SASL_JAAS_CONFIG} → {@code sasl.jaas.config}); they are never printed.
 */
final class VigilConfig {

    private static final Set<String> KEYS = Set.of("bootstrap_servers", "application_id", "input", "alerts_topic",
        "deadletter_topic", "partitions", "replication_factor", "patterns", "runbook_base_url",
        "processing_guarantee", "stream_threads", "standby_replicas", "state_dir", "idle_flush", "idle_timeout",
        "renotify",
        "kafka", "embedded", "metrics");
    private static final Set<String> INPUT_KEYS = Set.of("topics", "pattern", "sources");
    private static final Set<String> EMBEDDED_KEYS = Set.of("port", "data_dir");
    private static final Set<String> METRICS_KEYS = Set.of("address");

    String bootstrapServers;
    String applicationId = "vigil";
    List<String> inputTopics = new ArrayList<>(List.of("logs"));
    String inputPattern;
    Map<String, Source> topicSources = new LinkedHashMap<>();
    String alertsTopic = "vigil.alerts";
    String deadLetterTopic = "vigil.deadletter";
    int partitions = 3;
    short replicationFactor = -1;
    String patterns;
    String runbookBaseUrl;
    String processingGuarantee = "exactly_once_v2";
    int streamThreads = 1;
    int standbyReplicas;
    String stateDir = ".vigil/state";
    long idleFlushMillis = 2_000;
    long idleMillis = 60_000;
    long renotifyMillis = 4 * 3_600_000L;
    final Map<String, String> kafka = new TreeMap<>();
    int embeddedPort = 9092;
    String embeddedDataDir = ".vigil/kafka";
    String metricsAddress = "127.0.0.1:9464";

    /** Reads a config file strictly. */
    static VigilConfig load(final Path file) {
        final VigilConfig c = new VigilConfig();
        if (file == null) {
            return c;
        }
        final Node root;
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            root = YamlTree.parse(r);
        } catch (final NoSuchFileException e) {
            throw new UserError(file + ": config file not found");
        } catch (final YamlTree.YamlError e) {
            throw new UserError(file + ":" + e.line + ": " + e.getMessage());
        } catch (final com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UserError(file + ":" + (e.getLocation() == null ? 1 : e.getLocation().getLineNr())
                + ": invalid YAML: " + e.getOriginalMessage());
        } catch (final IOException e) {
            throw new UserError(file + ": cannot read config (" + e.getMessage() + ")");
        }
        new Reading(file, c).apply(root);
        return c;
    }

    /** Applies {@code VIGIL_*} environment variables. */
    void applyEnv(final Map<String, String> env) {
        final Reading r = new Reading(Path.of("environment"), this);
        for (final Map.Entry<String, String> e : env.entrySet()) {
            final String k = e.getKey();
            if (!k.startsWith("VIGIL_") || e.getValue() == null) {
                continue;
            }
            final String v = e.getValue();
            if (k.startsWith("VIGIL_KAFKA_")) {
                kafka.put(k.substring("VIGIL_KAFKA_".length()).toLowerCase(Locale.ROOT).replace('_', '.'), v);
                continue;
            }
            switch (k) {
                case "VIGIL_BOOTSTRAP_SERVERS": bootstrapServers = v; break;
                case "VIGIL_APPLICATION_ID": applicationId = v; break;
                case "VIGIL_INPUT_TOPICS": inputTopics = List.of(v.split("\\s*,\\s*")); break;
                case "VIGIL_INPUT_PATTERN": inputPattern = v; break;
                case "VIGIL_ALERTS_TOPIC": alertsTopic = v; break;
                case "VIGIL_DEADLETTER_TOPIC": deadLetterTopic = v; break;
                case "VIGIL_PROCESSING_GUARANTEE": processingGuarantee = r.guarantee(v, 0); break;
                case "VIGIL_STREAM_THREADS": streamThreads = r.positive(v, k, 0); break;
                case "VIGIL_STANDBY_REPLICAS": standbyReplicas = r.nonNegative(v, k, 0); break;
                case "VIGIL_STATE_DIR": stateDir = v; break;
                case "VIGIL_METRICS_ADDRESS": metricsAddress = v; break;
                default: break; // VIGIL_PATTERNS, VIGIL_RUNBOOK_BASE_URL, bridge and debug variables are read elsewhere
            }
        }
    }

    /**
     * Where the metrics server listens, or null when it is off.
     *
     * @throws UserError when the address is not HOST:PORT or off
     */
    java.net.InetSocketAddress metricsSocket() {
        try {
            return dev.vigil.metrics.MetricsServer.parse(metricsAddress);
        } catch (final IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
    }

    /** Client properties with secrets masked, for log lines. */
    Map<String, String> maskedKafka() {
        final Map<String, String> m = new TreeMap<>();
        kafka.forEach((k, v) -> m.put(k, secret(k) ? "****" : v));
        return m;
    }

    static boolean secret(final String key) {
        final String k = key.toLowerCase(Locale.ROOT);
        return k.contains("password") || k.contains("jaas") || k.contains("secret") || k.contains("key")
            || k.contains("token") || k.contains("credential");
    }

    /** One file being applied; errors name the file and line. */
    private static final class Reading {
        private final Path file;
        private final VigilConfig c;

        Reading(final Path file, final VigilConfig c) {
            this.file = file;
            this.c = c;
        }

        private UserError error(final int line, final String what) {
            return new UserError(file + ":" + line + ": " + what);
        }

        void apply(final Node root) {
            final MapNode m = map(root, "the config");
            check(m, KEYS);
            for (final Map.Entry<String, Node> e : m.entries.entrySet()) {
                final Node v = e.getValue();
                final int line = m.keyLines.get(e.getKey());
                switch (e.getKey()) {
                    case "bootstrap_servers": c.bootstrapServers = text(v); break;
                    case "application_id": c.applicationId = text(v); break;
                    case "alerts_topic": c.alertsTopic = text(v); break;
                    case "deadletter_topic": c.deadLetterTopic = text(v); break;
                    case "partitions": c.partitions = positive(text(v), "partitions", line); break;
                    case "replication_factor":
                        c.replicationFactor = (short) Integer.parseInt(number(v, "replication_factor"));
                        break;
                    case "patterns": c.patterns = text(v); break;
                    case "runbook_base_url": c.runbookBaseUrl = text(v); break;
                    case "processing_guarantee": c.processingGuarantee = guarantee(text(v), line); break;
                    case "stream_threads": c.streamThreads = positive(text(v), "stream_threads", line); break;
                    case "standby_replicas":
                        c.standbyReplicas = nonNegative(text(v), "standby_replicas", line);
                        break;
                    case "state_dir": c.stateDir = text(v); break;
                    case "idle_flush": c.idleFlushMillis = duration(v); break;
                    case "idle_timeout": c.idleMillis = duration(v); break;
                    case "renotify": c.renotifyMillis = duration(v); break;
                    case "kafka":
                        for (final Map.Entry<String, Node> k : map(v, "kafka").entries.entrySet()) {
                            c.kafka.put(k.getKey(), text(k.getValue()));
                        }
                        break;
                    case "input": input(map(v, "input")); break;
                    case "embedded": {
                        final MapNode em = map(v, "embedded");
                        check(em, EMBEDDED_KEYS);
                        if (em.entries.containsKey("port")) {
                            c.embeddedPort = nonNegative(text(em.entries.get("port")), "port", em.line);
                        }
                        if (em.entries.containsKey("data_dir")) {
                            c.embeddedDataDir = text(em.entries.get("data_dir"));
                        }
                        break;
                    }
                    case "metrics": {
                        final MapNode mm = map(v, "metrics");
                        check(mm, METRICS_KEYS);
                        if (mm.entries.containsKey("address")) {
                            final Node a = mm.entries.get("address");
                            c.metricsAddress = text(a);
                            try {
                                dev.vigil.metrics.MetricsServer.parse(c.metricsAddress);
                            } catch (final IllegalArgumentException bad) {
                                throw error(a.line, bad.getMessage());
                            }
                        }
                        break;
                    }
                    default: break;
                }
            }
        }

        private void input(final MapNode in) {
            check(in, INPUT_KEYS);
            final Node topics = in.entries.get("topics");
            if (topics != null) {
                if (!(topics instanceof ListNode)) {
                    throw error(topics.line, "'topics' must be a list of topic names");
                }
                final List<String> list = new ArrayList<>();
                for (final Node t : ((ListNode) topics).items) {
                    list.add(text(t));
                }
                c.inputTopics = list;
            }
            if (in.entries.containsKey("pattern")) {
                c.inputPattern = text(in.entries.get("pattern"));
                try {
                    java.util.regex.Pattern.compile(c.inputPattern);
                } catch (final java.util.regex.PatternSyntaxException e) {
                    throw error(in.entries.get("pattern").line, "bad topic pattern: " + e.getDescription());
                }
            }
            if (in.entries.containsKey("sources")) {
                final MapNode s = map(in.entries.get("sources"), "sources");
                for (final Map.Entry<String, Node> e : s.entries.entrySet()) {
                    final Source src = Source.fromId(text(e.getValue()));
                    if (src == null) {
                        throw error(e.getValue().line, "unknown source '" + text(e.getValue())
                            + "' for topic " + e.getKey() + " (nginx, postgres, synapse, journald)");
                    }
                    c.topicSources.put(e.getKey(), src);
                }
            }
        }

        private void check(final MapNode m, final Set<String> allowed) {
            for (final String k : m.entries.keySet()) {
                if (!allowed.contains(k)) {
                    throw error(m.keyLines.get(k), "unknown key '" + k + "' (allowed: "
                        + String.join(", ", new java.util.TreeSet<>(allowed)) + ")");
                }
            }
        }

        private MapNode map(final Node n, final String what) {
            if (!(n instanceof MapNode)) {
                throw error(n.line, what + " must be a mapping, found " + n.kind());
            }
            return (MapNode) n;
        }

        private String text(final Node n) {
            if (!(n instanceof Scalar) || ((Scalar) n).text == null) {
                throw error(n.line, "expected a value, found " + n.kind());
            }
            return ((Scalar) n).text;
        }

        private String number(final Node n, final String what) {
            final String t = text(n);
            if (!t.matches("-?\\d+")) {
                throw error(n.line, what + " must be a whole number, found '" + t + "'");
            }
            return t;
        }

        private long duration(final Node n) {
            try {
                return Durations.parseMillis(text(n));
            } catch (final IllegalArgumentException e) {
                throw error(n.line, e.getMessage());
            }
        }

        int positive(final String v, final String what, final int line) {
            final int n = nonNegative(v, what, line);
            if (n == 0) {
                throw error(line, what + " must be at least 1");
            }
            return n;
        }

        int nonNegative(final String v, final String what, final int line) {
            try {
                final int n = Integer.parseInt(v.trim());
                if (n < 0) {
                    throw error(line, what + " must not be negative");
                }
                return n;
            } catch (final NumberFormatException e) {
                throw error(line, what + " must be a whole number, found '" + v + "'");
            }
        }

        String guarantee(final String v, final int line) {
            if (!"exactly_once_v2".equals(v) && !"at_least_once".equals(v)) {
                throw error(line, "processing_guarantee must be exactly_once_v2 or at_least_once, found '" + v + "'");
            }
            return v;
        }
    }
}
