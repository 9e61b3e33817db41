package dev.vigil.bridge;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.vigil.pack.Durations;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The bridge's YAML config file, read strictly: an unknown key, a wrong type, a bad duration or a secret written
 * into the file is an error naming the file and line. One file may configure all three targets; the bridge applies
 * the top-level settings, then the section of its own target (which may override delivery settings):
 *
 * <pre>
 * bootstrap_servers: kafka:9092
 * rate: 30                 # requests per minute
 * max_age: 1h
 * pagerduty:
 *   routing_key_file: /run/secrets/pagerduty
 *   routing: {critical: {env: PD_KEY_OPS}, info: drop}
 * slack:
 *   url_file: /run/secrets/slack-webhook
 *   rate: 20
 * webhook:
 *   url: https://hooks.example.com/alertmanager
 *   headers: {X-Team: sre}
 *   hmac_secret_file: /run/secrets/webhook-hmac
 * </pre>
 */
public final class BridgeConfigFile {
    private static final YAMLFactory FACTORY = new YAMLFactory();

    private static final Set<String> DELIVERY = Set.of("timeout", "max_age", "backoff_initial", "backoff_max",
        "backoff_multiplier", "jitter", "rate", "burst", "group_interval", "max_batch");
    private static final Set<String> TOP = union(DELIVERY, Set.of("to", "bootstrap_servers", "topic",
        "dead_letter_topic", "start_from", "broker_timeout", "max_pending", "pagerduty", "slack", "webhook"));
    private static final Set<String> PAGERDUTY = union(DELIVERY, Set.of("url", "group", "routing_key_file",
        "routing_key_env", "routing", "client", "client_url"));
    private static final Set<String> SLACK = union(DELIVERY, Set.of("url_file", "url_env", "group"));
    private static final Set<String> WEBHOOK = union(DELIVERY, Set.of("url", "url_file", "url_env", "group",
        "headers", "hmac_secret_file", "hmac_secret_env", "receiver", "external_url"));
    private static final Map<String, String> SECRET_HINTS = Map.of(
        "routing_key", "routing keys are secrets: use routing_key_file or routing_key_env",
        "hmac_secret", "secrets come from files or the environment: use hmac_secret_file or hmac_secret_env",
        "url", "a Slack webhook URL is a secret: use url_file or url_env (or VIGIL_SLACK_WEBHOOK_URL)",
        "key", "routing keys are secrets: use {file: path} or {env: NAME}");

    private final Path file;
    private final MapNode root;

    private BridgeConfigFile(final Path file, final MapNode root) {
        this.file = file;
        this.root = root;
    }

    /**
     * Reads and checks a config file.
     *
     * @throws IllegalArgumentException "file:line: what is wrong"
     */
    public static BridgeConfigFile read(final Path file) {
        final Node node;
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            node = parse(file, r);
        } catch (final NoSuchFileException e) {
            throw new IllegalArgumentException("config file " + file + " does not exist", e);
        } catch (final JsonProcessingException e) {
            final int line = e.getLocation() == null ? 1 : e.getLocation().getLineNr();
            throw new IllegalArgumentException(file + ":" + line + ": invalid YAML: " + e.getOriginalMessage(), e);
        } catch (final IOException e) {
            throw new IllegalArgumentException("cannot read config file " + file + ": " + e.getMessage(), e);
        }
        if (!(node instanceof MapNode)) {
            throw new IllegalArgumentException(file + ":" + node.line + ": the config must be a mapping of settings");
        }
        final BridgeConfigFile cfg = new BridgeConfigFile(file, (MapNode) node);
        cfg.check(cfg.root, TOP, "");
        for (final Map.Entry<String, Set<String>> s : Map.of("pagerduty", PAGERDUTY, "slack", SLACK,
            "webhook", WEBHOOK).entrySet()) {
            final Node section = cfg.root.entries.get(s.getKey());
            if (section != null) {
                cfg.check(cfg.map(section, s.getKey()), s.getValue(), s.getKey() + ".");
            }
        }
        return cfg;
    }

    /**
     * Applies the file to a builder: the target (unless {@code builder} already has one), the top-level settings,
     * then the target's section.
     *
     * @param env the environment, for settings that name a variable ({@code routing_key_env}, ...)
     * @throws IllegalArgumentException "file:line: what is wrong"
     */
    public void applyTo(final BridgeConfig.Builder builder, final Map<String, String> env) {
        if (builder.target() == null && root.entries.containsKey("to")) {
            final Node to = root.entries.get("to");
            builder.target(at(to, () -> TargetKind.parse(text(to, "to"))));
        }
        for (final Map.Entry<String, Node> e : root.entries.entrySet()) {
            final String key = e.getKey();
            final Node v = e.getValue();
            switch (key) {
                case "to":
                case "pagerduty":
                case "slack":
                case "webhook":
                    break;
                case "bootstrap_servers":
                    builder.bootstrapServers(text(v, key));
                    break;
                case "topic":
                    builder.topic(text(v, key));
                    break;
                case "dead_letter_topic":
                    builder.deadLetterTopic(text(v, key));
                    break;
                case "start_from":
                    at(v, () -> builder.startFrom(text(v, key)));
                    break;
                case "broker_timeout":
                    at(v, () -> builder.brokerTimeout(duration(v, key)));
                    break;
                case "max_pending":
                    at(v, () -> builder.maxPending(integer(v, key)));
                    break;
                default:
                    delivery(builder, key, v);
            }
        }
        final TargetKind target = builder.target();
        if (target != null && root.entries.containsKey(target.id())) {
            section(builder, target, map(root.entries.get(target.id()), target.id()), env);
        }
    }

    private void section(final BridgeConfig.Builder b, final TargetKind target, final MapNode section,
                         final Map<String, String> env) {
        for (final Map.Entry<String, Node> e : section.entries.entrySet()) {
            final String key = e.getKey();
            final Node v = e.getValue();
            switch (key) {
                case "url":
                    b.url(Secret.of(text(v, key), "the config"), file + ":" + v.line);
                    break;
                case "url_file":
                    b.url(at(v, () -> Secret.fromFile(path(v, key))), file + ":" + v.line);
                    break;
                case "url_env":
                    b.url(envSecret(v, key, env), file + ":" + v.line);
                    break;
                case "group":
                    b.group(text(v, key));
                    break;
                case "routing_key_file":
                    b.pagerDutyKey(at(v, () -> Secret.fromFile(path(v, key))));
                    break;
                case "routing_key_env":
                    b.pagerDutyKey(envSecret(v, key, env));
                    break;
                case "routing":
                    routing(b, map(v, key), env);
                    break;
                case "client":
                    b.pagerDutyClient(text(v, key));
                    break;
                case "client_url":
                    b.pagerDutyClientUrl(text(v, key));
                    break;
                case "headers":
                    for (final Map.Entry<String, Node> h : map(v, key).entries.entrySet()) {
                        at(h.getValue(), () -> b.header(h.getKey(), text(h.getValue(), "header " + h.getKey())));
                    }
                    break;
                case "hmac_secret_file":
                    b.hmacSecret(at(v, () -> Secret.fromFile(path(v, key))));
                    break;
                case "hmac_secret_env":
                    b.hmacSecret(envSecret(v, key, env));
                    break;
                case "receiver":
                    b.receiver(text(v, key));
                    break;
                case "external_url":
                    b.externalUrl(text(v, key));
                    break;
                default:
                    delivery(b, key, v);
            }
        }
    }

    private void routing(final BridgeConfig.Builder b, final MapNode routes, final Map<String, String> env) {
        for (final Map.Entry<String, Node> e : routes.entries.entrySet()) {
            final String severity = e.getKey();
            final Node v = e.getValue();
            if (v instanceof Scalar && "drop".equals(((Scalar) v).text)) {
                at(v, () -> b.route(severity, BridgeConfig.Route.dropped()));
            } else if (v instanceof MapNode) {
                final MapNode m = (MapNode) v;
                check(m, Set.of("file", "env"), "routing." + severity + ".");
                if (m.entries.size() != 1) {
                    throw error(v, "routing." + severity + " needs exactly one of file: or env:");
                }
                final Secret key = m.entries.containsKey("file")
                    ? at(m.entries.get("file"), () -> Secret.fromFile(path(m.entries.get("file"), "file")))
                    : envSecret(m.entries.get("env"), "env", env);
                at(v, () -> b.route(severity, BridgeConfig.Route.to(key)));
            } else {
                throw error(v, "routing." + severity + " must be drop, {file: path} or {env: NAME}");
            }
        }
    }

    private void delivery(final BridgeConfig.Builder b, final String key, final Node v) {
        final DeliveryPolicy p = b.policy();
        at(v, () -> {
            switch (key) {
                case "timeout":
                    b.timeout(duration(v, key));
                    break;
                case "max_age":
                    b.policy(new DeliveryPolicy(p.initialBackoff(), p.maxBackoff(), p.multiplier(), p.jitter(),
                        duration(v, key), p.ratePerMinute(), p.burst(), p.groupInterval(), p.maxBatch()));
                    break;
                case "backoff_initial":
                    b.policy(new DeliveryPolicy(duration(v, key), p.maxBackoff().compareTo(duration(v, key)) < 0
                        ? duration(v, key) : p.maxBackoff(), p.multiplier(), p.jitter(), p.maxAge(),
                        p.ratePerMinute(), p.burst(), p.groupInterval(), p.maxBatch()));
                    break;
                case "backoff_max":
                    b.policy(new DeliveryPolicy(p.initialBackoff(), duration(v, key), p.multiplier(), p.jitter(),
                        p.maxAge(), p.ratePerMinute(), p.burst(), p.groupInterval(), p.maxBatch()));
                    break;
                case "backoff_multiplier":
                    b.policy(new DeliveryPolicy(p.initialBackoff(), p.maxBackoff(), number(v, key), p.jitter(),
                        p.maxAge(), p.ratePerMinute(), p.burst(), p.groupInterval(), p.maxBatch()));
                    break;
                case "jitter":
                    b.policy(new DeliveryPolicy(p.initialBackoff(), p.maxBackoff(), p.multiplier(), number(v, key),
                        p.maxAge(), p.ratePerMinute(), p.burst(), p.groupInterval(), p.maxBatch()));
                    break;
                case "rate":
                    b.policy(new DeliveryPolicy(p.initialBackoff(), p.maxBackoff(), p.multiplier(), p.jitter(),
                        p.maxAge(), number(v, key), p.burst(), p.groupInterval(), p.maxBatch()));
                    break;
                case "burst":
                    b.policy(new DeliveryPolicy(p.initialBackoff(), p.maxBackoff(), p.multiplier(), p.jitter(),
                        p.maxAge(), p.ratePerMinute(), integer(v, key), p.groupInterval(), p.maxBatch()));
                    break;
                case "group_interval":
                    b.policy(new DeliveryPolicy(p.initialBackoff(), p.maxBackoff(), p.multiplier(), p.jitter(),
                        p.maxAge(), p.ratePerMinute(), p.burst(), duration(v, key), p.maxBatch()));
                    break;
                case "max_batch":
                    b.policy(new DeliveryPolicy(p.initialBackoff(), p.maxBackoff(), p.multiplier(), p.jitter(),
                        p.maxAge(), p.ratePerMinute(), p.burst(), p.groupInterval(), integer(v, key)));
                    break;
                default:
                    throw new IllegalStateException("unhandled key " + key);
            }
            return null;
        });
    }

    // ---- checks and conversions -----------------------------------------------------------------------------

    private void check(final MapNode m, final Set<String> allowed, final String prefix) {
        for (final Map.Entry<String, Integer> k : m.keyLines.entrySet()) {
            if (!allowed.contains(k.getKey())) {
                final String hint = SECRET_HINTS.get(k.getKey());
                throw new IllegalArgumentException(file + ":" + k.getValue() + ": unknown key '" + prefix + k.getKey()
                    + "'" + (hint != null ? " (" + hint + ")" : " (expected one of " + new TreeSet<>(allowed) + ")"));
            }
        }
    }

    private MapNode map(final Node n, final String key) {
        if (!(n instanceof MapNode)) {
            throw error(n, key + " must be a mapping");
        }
        return (MapNode) n;
    }

    private String text(final Node n, final String key) {
        if (!(n instanceof Scalar) || ((Scalar) n).text == null || ((Scalar) n).text.isBlank()) {
            throw error(n, key + " must be a non-empty value");
        }
        return ((Scalar) n).text;
    }

    private Duration duration(final Node n, final String key) {
        try {
            return Duration.ofMillis(Durations.parseMillis(text(n, key)));
        } catch (final IllegalArgumentException e) {
            throw error(n, key + ": " + e.getMessage());
        }
    }

    private double number(final Node n, final String key) {
        try {
            return Double.parseDouble(text(n, key));
        } catch (final NumberFormatException e) {
            throw error(n, key + " must be a number");
        }
    }

    private int integer(final Node n, final String key) {
        try {
            return Integer.parseInt(text(n, key));
        } catch (final NumberFormatException e) {
            throw error(n, key + " must be a whole number");
        }
    }

    private Path path(final Node n, final String key) {
        final Path p = Path.of(text(n, key));
        final Path dir = file.toAbsolutePath().getParent();
        return p.isAbsolute() || dir == null ? p : dir.resolve(p);
    }

    private Secret envSecret(final Node n, final String key, final Map<String, String> env) {
        final String name = text(n, key);
        final String v = env.get(name);
        if (v == null || v.isBlank()) {
            throw error(n, key + ": environment variable " + name + " is not set");
        }
        return Secret.fromEnv(name, v);
    }

    private interface Action<T> {
        T run();
    }

    /** Runs a setter; its IllegalArgumentException becomes "file:line: message". */
    private <T> T at(final Node n, final Action<T> action) {
        try {
            return action.run();
        } catch (final IllegalArgumentException e) {
            final String m = e.getMessage();
            if (m != null && m.startsWith(file + ":")) {
                throw e;
            }
            throw error(n, m);
        }
    }

    private IllegalArgumentException error(final Node n, final String message) {
        return new IllegalArgumentException(file + ":" + n.line + ": " + message);
    }

    private static Set<String> union(final Set<String> a, final Set<String> b) {
        final Set<String> s = new TreeSet<>(a);
        s.addAll(b);
        return Set.copyOf(s);
    }

    // ---- a YAML tree that remembers lines -------------------------------------------------------------------

    private abstract static class Node {
        final int line;

        Node(final int line) {
            this.line = line;
        }
    }

    private static final class MapNode extends Node {
        final Map<String, Node> entries = new LinkedHashMap<>();
        final Map<String, Integer> keyLines = new LinkedHashMap<>();

        MapNode(final int line) {
            super(line);
        }
    }

    private static final class ListNode extends Node {
        ListNode(final int line) {
            super(line);
        }
    }

    private static final class Scalar extends Node {
        final String text;

        Scalar(final int line, final String text) {
            super(line);
            this.text = text;
        }
    }

    private static Node parse(final Path file, final Reader reader) throws IOException {
        try (JsonParser p = FACTORY.createParser(reader)) {
            final JsonToken first = p.nextToken();
            if (first == null) {
                throw new IllegalArgumentException(file + ":1: the config file is empty");
            }
            return read(file, p, first);
        }
    }

    private static Node read(final Path file, final JsonParser p, final JsonToken token) throws IOException {
        final int line = p.currentTokenLocation().getLineNr();
        switch (token) {
            case START_OBJECT: {
                final MapNode map = new MapNode(line);
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    final String key = p.currentName();
                    final int keyLine = p.currentTokenLocation().getLineNr();
                    if (map.entries.containsKey(key)) {
                        throw new IllegalArgumentException(file + ":" + keyLine + ": duplicate key '" + key + "'");
                    }
                    map.keyLines.put(key, keyLine);
                    map.entries.put(key, read(file, p, p.nextToken()));
                }
                return map;
            }
            case START_ARRAY: {
                final ListNode list = new ListNode(line);
                JsonToken t;
                while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                    read(file, p, t);
                }
                return list;
            }
            case VALUE_NULL:
                return new Scalar(line, null);
            default:
                return new Scalar(line, p.getText());
        }
    }
}
