package dev.vigil.app;

import dev.vigil.bridge.AlertBridge;
import dev.vigil.bridge.BridgeConfig;
import dev.vigil.bridge.BridgeConfigFile;
import dev.vigil.bridge.BridgeException;
import dev.vigil.bridge.DeliveryPolicy;
import dev.vigil.bridge.Secret;
import dev.vigil.bridge.TargetKind;
import dev.vigil.pack.Durations;
import dev.vigil.metrics.Meters;
import dev.vigil.metrics.MetricsServer;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code vigil bridge --to pagerduty|slack|webhook}: delivers alerts from the alerts topic to one target. Settings
 * come from {@code --config}, then {@code VIGIL_*} environment variables, then flags (each overriding the one
 * before). Secrets (routing keys, Slack URLs, HMAC secrets) come from the environment or files only.
 */
@Command(name = "bridge", mixinStandardHelpOptions = true,
    description = {"Deliver alerts from the alerts topic to PagerDuty, Slack or an Alertmanager-compatible webhook.",
        "Targets: --url or VIGIL_WEBHOOK_URL (webhook), VIGIL_SLACK_WEBHOOK_URL (slack), VIGIL_PAGERDUTY_ROUTING_KEY"
            + " or --routing-key-file (pagerduty). See docs/bridges.md."})
public final class BridgeCommand implements Callable<Integer> {

    @Option(names = "--to", paramLabel = "TARGET", description = "pagerduty, slack or webhook")
    String to;

    @Option(names = "--url", paramLabel = "URL",
        description = "Webhook/Slack URL, or the PagerDuty Events API endpoint (default "
            + "https://events.pagerduty.com/v2/enqueue). Prefer the environment for URLs holding tokens.")
    String url;

    @Option(names = "--url-file", paramLabel = "FILE", description = "Read the target URL from a file")
    Path urlFile;

    @Option(names = "--bootstrap-servers", paramLabel = "HOSTS",
        description = "Kafka bootstrap servers (default: the embedded broker of `vigil run`, localhost:9092)")
    String bootstrapServers;

    @Option(names = "--topic", description = "Alerts topic (default vigil.alerts)")
    String topic;

    @Option(names = "--group", description = "Consumer group (default vigil-bridge-<target>)")
    String group;

    @Option(names = "--dead-letter-topic", paramLabel = "TOPIC",
        description = "Where undeliverable alerts go (default vigil.bridge.deadletter)")
    String deadLetterTopic;

    @Option(names = "--start-from", paramLabel = "earliest|latest",
        description = "Where a new consumer group starts (default earliest)")
    String startFrom;

    @Option(names = "--config", paramLabel = "FILE", description = "YAML config file (see docs/bridges.md)")
    Path config;

    @Option(names = "--routing-key-file", paramLabel = "FILE", description = "PagerDuty default routing key file")
    Path routingKeyFile;

    @Option(names = "--route", paramLabel = "SEVERITY=drop|env:NAME|file:PATH",
        description = "PagerDuty routing for one severity (repeatable), e.g. --route info=drop")
    List<String> routes = new ArrayList<>();

    @Option(names = "--hmac-secret-file", paramLabel = "FILE",
        description = "Sign webhook bodies: X-Vigil-Signature: sha256=<hex HMAC>")
    Path hmacSecretFile;

    @Option(names = "--header", paramLabel = "NAME=VALUE", description = "Extra webhook header (repeatable)")
    List<String> headers = new ArrayList<>();

    @Option(names = "--timeout", paramLabel = "DURATION", description = "Time limit of one request (default 10s)")
    String timeout;

    @Option(names = "--max-age", paramLabel = "DURATION",
        description = "Dead-letter an alert not delivered within this time (default 1h)")
    String maxAge;

    @Option(names = "--rate", paramLabel = "PER_MINUTE", description = "Requests per minute (default 30)")
    Double rate;

    @Option(names = "--burst", description = "Requests at once after a quiet time (default 10)")
    Integer burst;

    @Option(names = "--group-interval", paramLabel = "DURATION",
        description = "While grouping, time between grouped messages (default 10s)")
    String groupInterval;

    @Option(names = "--max-batch", paramLabel = "N", description = "Most alerts in one grouped message (default 200)")
    Integer maxBatch;

    @Option(names = "--backoff-initial", paramLabel = "DURATION", description = "First retry wait (default 1s)")
    String backoffInitial;

    @Option(names = "--backoff-max", paramLabel = "DURATION", description = "Longest retry wait (default 2m)")
    String backoffMax;

    @Option(names = "--metrics-address", paramLabel = "HOST:PORT|off",
        description = "Serve /metrics (Prometheus), /healthz and /readyz on HOST:PORT, e.g. 127.0.0.1:9465 "
            + "(default: off)")
    String metricsAddress;

    private final Map<String, String> env;

    /** The command as picocli creates it: environment from the process. */
    public BridgeCommand() {
        this(System.getenv());
    }

    BridgeCommand(final Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    @Override
    public Integer call() {
        final BridgeConfig cfg = resolve();
        final InetSocketAddress address;
        try {
            address = MetricsServer.parse(metricsAddress);
        } catch (final IllegalArgumentException e) {
            throw new UserError("--metrics-address: " + e.getMessage());
        }
        final Meters meters = Meters.prometheus().bindJvm().buildInfo(Main.version(), null);
        final AlertBridge bridge = AlertBridge.create(cfg, meters.registry());
        meters.ready(bridge::running);
        final MetricsServer metrics;
        try {
            metrics = MetricsEndpoint.start(address, meters, () -> bridge.running() ? null : "not consuming",
                "--metrics-address");
        } catch (final RuntimeException e) {
            meters.close();
            throw e;
        }
        final Thread hook = new Thread(bridge::close, "vigil-bridge-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            bridge.run();
            return 0;
        } catch (final BridgeException e) {
            throw new UserError(e.getMessage(), 1);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (final IllegalStateException shuttingDown) {
                // the hook is running: it is what stopped the bridge
            }
            if (metrics != null) {
                metrics.close();
            }
            meters.close();
        }
    }

    /**
     * The config from the file, the environment and the flags.
     *
     * @throws UserError with one line saying what is wrong
     */
    BridgeConfig resolve() {
        try {
            final BridgeConfig.Builder b = BridgeConfig.builder();
            if (to != null) {
                b.target(TargetKind.parse(to));
            }
            if (config != null) {
                BridgeConfigFile.read(config).applyTo(b, env);
            }
            b.environment(env);
            applyFlags(b);
            return b.build();
        } catch (final IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
    }

    private void applyFlags(final BridgeConfig.Builder b) {
        if (url != null) {
            b.url(Secret.of(url, "--url"), "--url");
        }
        if (urlFile != null) {
            b.url(Secret.fromFile(urlFile), "--url-file " + urlFile);
        }
        if (bootstrapServers != null) {
            b.bootstrapServers(bootstrapServers);
        }
        if (topic != null) {
            b.topic(topic);
        }
        if (group != null) {
            b.group(group);
        }
        if (deadLetterTopic != null) {
            b.deadLetterTopic(deadLetterTopic);
        }
        if (startFrom != null) {
            b.startFrom(startFrom);
        }
        if (routingKeyFile != null) {
            b.pagerDutyKey(Secret.fromFile(routingKeyFile));
        }
        for (final String r : routes) {
            route(b, r);
        }
        if (hmacSecretFile != null) {
            b.hmacSecret(Secret.fromFile(hmacSecretFile));
        }
        for (final String h : headers) {
            final int eq = h.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--header must be NAME=VALUE");
            }
            b.header(h.substring(0, eq).trim(), h.substring(eq + 1).trim());
        }
        if (timeout != null) {
            b.timeout(duration("--timeout", timeout));
        }
        final DeliveryPolicy p = b.policy();
        final Duration initial = backoffInitial == null ? p.initialBackoff() : duration("--backoff-initial",
            backoffInitial);
        final Duration max = backoffMax == null ? (p.maxBackoff().compareTo(initial) < 0 ? initial : p.maxBackoff())
            : duration("--backoff-max", backoffMax);
        b.policy(new DeliveryPolicy(initial, max, p.multiplier(), p.jitter(),
            maxAge == null ? p.maxAge() : duration("--max-age", maxAge),
            rate == null ? p.ratePerMinute() : rate,
            burst == null ? p.burst() : burst,
            groupInterval == null ? p.groupInterval() : duration("--group-interval", groupInterval),
            maxBatch == null ? p.maxBatch() : maxBatch));
    }

    private void route(final BridgeConfig.Builder b, final String spec) {
        final int eq = spec.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("--route must be SEVERITY=drop|env:NAME|file:PATH");
        }
        final String severity = spec.substring(0, eq).trim().toLowerCase(Locale.ROOT);
        final String target = spec.substring(eq + 1).trim();
        if ("drop".equals(target)) {
            b.route(severity, BridgeConfig.Route.dropped());
        } else if (target.startsWith("env:")) {
            final String name = target.substring(4);
            final String v = env.get(name);
            if (v == null || v.isBlank()) {
                throw new IllegalArgumentException("--route " + severity + ": environment variable " + name
                    + " is not set");
            }
            b.route(severity, BridgeConfig.Route.to(Secret.fromEnv(name, v)));
        } else if (target.startsWith("file:")) {
            b.route(severity, BridgeConfig.Route.to(Secret.fromFile(Path.of(target.substring(5)))));
        } else {
            throw new IllegalArgumentException("--route " + severity + " must be drop, env:NAME or file:PATH"
                + " (routing keys are secrets: never on the command line)");
        }
    }

    private static Duration duration(final String flag, final String text) {
        try {
            return Duration.ofMillis(Durations.parseMillis(text));
        } catch (final IllegalArgumentException e) {
            throw new IllegalArgumentException(flag + ": " + e.getMessage(), e);
        }
    }
}
