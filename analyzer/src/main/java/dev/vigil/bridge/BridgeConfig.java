package dev.vigil.bridge;

import dev.vigil.pack.Severity;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Everything one bridge needs: where alerts come from, which target they go to and how. Built with
 * {@link #builder()}; sources are applied in order of increasing precedence: the YAML file
 * ({@link BridgeConfigFile}), the environment ({@link Builder#environment}), then command-line flags.
 * {@link Builder#build()} checks the result and says in one line what is missing.
 */
public final class BridgeConfig {
    /** The topic alerts are read from. */
    public static final String DEFAULT_TOPIC = "vigil.alerts";
    /** Where alerts go that could not be delivered. */
    public static final String DEFAULT_DEAD_LETTER_TOPIC = "vigil.bridge.deadletter";
    /** The embedded broker of a {@code vigil run} on this machine. */
    public static final String DEFAULT_BOOTSTRAP_SERVERS = "localhost:9092";
    /** Environment variable with the webhook URL. */
    public static final String ENV_WEBHOOK_URL = "VIGIL_WEBHOOK_URL";
    /** Environment variable with the Slack incoming-webhook URL. */
    public static final String ENV_SLACK_URL = "VIGIL_SLACK_WEBHOOK_URL";
    /** Environment variable with the default PagerDuty routing (integration) key. */
    public static final String ENV_PAGERDUTY_KEY = "VIGIL_PAGERDUTY_ROUTING_KEY";
    /** Environment variable with the webhook's HMAC secret. */
    public static final String ENV_WEBHOOK_HMAC = "VIGIL_WEBHOOK_HMAC_SECRET";

    /** Headers a user may not set: the HTTP client owns them, or the bridge does. */
    private static final Set<String> RESERVED_HEADERS = Set.of("host", "content-length", "connection", "expect",
        "upgrade", "content-type", "transfer-encoding", "te", "trailer", "keep-alive", "proxy-connection",
        "x-vigil-signature", "http2-settings");

    /**
     * Where alerts of one severity go in PagerDuty.
     *
     * @param key  the routing key, or null when dropped
     * @param drop whether alerts of that severity are not sent at all
     */
    public record Route(Secret key, boolean drop) {
        /** Alerts of this severity are dropped (counted, not sent). */
        public static Route dropped() {
            return new Route(null, true);
        }

        /** Alerts of this severity go to this routing key. */
        public static Route to(final Secret key) {
            return new Route(Objects.requireNonNull(key, "key"), false);
        }
    }

    private final TargetKind target;
    private final URI url;
    private final List<String> secrets;
    private final String bootstrapServers;
    private final String topic;
    private final String group;
    private final String deadLetterTopic;
    private final boolean fromLatest;
    private final Duration timeout;
    private final Duration brokerTimeout;
    private final DeliveryPolicy policy;
    private final int maxPending;
    private final Secret pagerDutyKey;
    private final Map<String, Route> routes;
    private final String pagerDutyClient;
    private final String pagerDutyClientUrl;
    private final Map<String, String> headers;
    private final Secret hmacSecret;
    private final String receiver;
    private final String externalUrl;

    private BridgeConfig(final Builder b, final URI url) {
        this.target = b.target;
        this.url = url;
        this.bootstrapServers = b.bootstrapServers;
        this.topic = b.topic;
        this.group = b.group == null ? "vigil-bridge-" + b.target.id() : b.group;
        this.deadLetterTopic = b.deadLetterTopic;
        this.fromLatest = b.fromLatest;
        this.timeout = b.timeout;
        this.brokerTimeout = b.brokerTimeout;
        this.policy = b.policy;
        this.maxPending = b.maxPending;
        this.pagerDutyKey = b.pagerDutyKey;
        this.routes = Collections.unmodifiableMap(new TreeMap<>(b.routes));
        this.pagerDutyClient = b.pagerDutyClient;
        this.pagerDutyClientUrl = b.pagerDutyClientUrl;
        this.headers = Collections.unmodifiableMap(new LinkedHashMap<>(b.headers));
        this.hmacSecret = b.hmacSecret;
        this.receiver = b.receiver;
        this.externalUrl = b.externalUrl;
        final List<String> s = new ArrayList<>();
        if (b.url != null && b.target != TargetKind.PAGERDUTY) {
            s.add(b.url.reveal());
            if (url.getRawPath() != null && url.getRawPath().length() > 1) {
                s.add(url.getRawPath());
            }
            if (url.getRawQuery() != null) {
                s.add(url.getRawQuery());
            }
        }
        for (final Secret k : new Secret[] {b.pagerDutyKey, b.hmacSecret}) {
            if (k != null) {
                s.add(k.reveal());
            }
        }
        for (final Route r : b.routes.values()) {
            if (r.key() != null) {
                s.add(r.key().reveal());
            }
        }
        this.secrets = List.copyOf(s);
    }

    /** A builder with the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** The target kind. */
    public TargetKind target() {
        return target;
    }

    /** Where requests go (may contain a token: print only through the bridge's masking). */
    public URI url() {
        return url;
    }

    /** Kafka bootstrap servers. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The alerts topic. */
    public String topic() {
        return topic;
    }

    /** The consumer group; by default {@code vigil-bridge-<target>} so bridges of different targets coexist. */
    public String group() {
        return group;
    }

    /** The bridge dead-letter topic. */
    public String deadLetterTopic() {
        return deadLetterTopic;
    }

    /** Whether a new consumer group starts at the end of the topic instead of its beginning. */
    public boolean fromLatest() {
        return fromLatest;
    }

    /** Time limit of one HTTP request. */
    public Duration timeout() {
        return timeout;
    }

    /** How long to wait for the Kafka broker at start. */
    public Duration brokerTimeout() {
        return brokerTimeout;
    }

    /** Retry, give-up, rate and grouping rules. */
    public DeliveryPolicy policy() {
        return policy;
    }

    /** Most alerts held in memory before the consumer pauses. */
    public int maxPending() {
        return maxPending;
    }

    /**
     * The PagerDuty routing key for alerts of a severity: its own route, else the default key; null when that
     * severity is dropped.
     */
    public Secret pagerDutyRoute(final String severity) {
        final Route r = routes.get(severity);
        if (r == null) {
            return pagerDutyKey;
        }
        return r.drop() ? null : r.key();
    }

    /** PagerDuty {@code client} field. */
    public String pagerDutyClient() {
        return pagerDutyClient;
    }

    /** PagerDuty {@code client_url} field, or null. */
    public String pagerDutyClientUrl() {
        return pagerDutyClientUrl;
    }

    /** Extra headers of webhook requests. */
    public Map<String, String> headers() {
        return headers;
    }

    /** The webhook signing secret, or null for unsigned requests. */
    public Secret hmacSecret() {
        return hmacSecret;
    }

    /** Alertmanager {@code receiver} field. */
    public String receiver() {
        return receiver;
    }

    /** Alertmanager {@code externalURL} field. */
    public String externalUrl() {
        return externalUrl;
    }

    /** Every secret value, for masking. */
    List<String> secrets() {
        return secrets;
    }

    @Override
    public String toString() {
        return "bridge to " + target.id() + " at " + Masker.describe(url) + " from " + topic + " on "
            + bootstrapServers + " (group " + group + ")";
    }

    /** Collects settings; later calls override earlier ones. */
    public static final class Builder {
        private TargetKind target;
        private Secret url;
        private String urlSource = "--url";
        private String bootstrapServers = DEFAULT_BOOTSTRAP_SERVERS;
        private String topic = DEFAULT_TOPIC;
        private String group;
        private String deadLetterTopic = DEFAULT_DEAD_LETTER_TOPIC;
        private boolean fromLatest;
        private Duration timeout = Duration.ofSeconds(10);
        private Duration brokerTimeout = Duration.ofSeconds(15);
        private DeliveryPolicy policy = DeliveryPolicy.DEFAULT;
        private int maxPending = 10_000;
        private Secret pagerDutyKey;
        private final Map<String, Route> routes = new LinkedHashMap<>();
        private String pagerDutyClient = "Vigil";
        private String pagerDutyClientUrl;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private Secret hmacSecret;
        private String receiver = "vigil";
        private String externalUrl = "";

        private Builder() {
        }

        /** The target kind, if not known yet (the YAML {@code to:}, then {@code --to}). */
        public TargetKind target() {
            return target;
        }

        public Builder target(final TargetKind t) {
            this.target = t;
            return this;
        }

        /**
         * The endpoint URL.
         *
         * @param u      the URL (a secret for Slack and for webhooks with tokens in them)
         * @param source where it came from, for messages ("--url", "VIGIL_WEBHOOK_URL", "file x")
         */
        public Builder url(final Secret u, final String source) {
            this.url = u;
            this.urlSource = source;
            return this;
        }

        public Builder bootstrapServers(final String s) {
            this.bootstrapServers = s;
            return this;
        }

        public Builder topic(final String t) {
            this.topic = t;
            return this;
        }

        public Builder group(final String g) {
            this.group = g;
            return this;
        }

        public Builder deadLetterTopic(final String t) {
            this.deadLetterTopic = t;
            return this;
        }

        /** {@code earliest} (the default: nothing in the topic is skipped) or {@code latest}. */
        public Builder startFrom(final String s) {
            final String v = s.trim().toLowerCase(Locale.ROOT);
            if (!"earliest".equals(v) && !"latest".equals(v)) {
                throw new IllegalArgumentException("start_from must be earliest or latest, not '" + s + "'");
            }
            this.fromLatest = "latest".equals(v);
            return this;
        }

        public Builder timeout(final Duration d) {
            this.timeout = positive(d, "timeout");
            return this;
        }

        public Builder brokerTimeout(final Duration d) {
            this.brokerTimeout = positive(d, "broker timeout");
            return this;
        }

        /** The current policy, to derive a changed one from. */
        public DeliveryPolicy policy() {
            return policy;
        }

        public Builder policy(final DeliveryPolicy p) {
            this.policy = Objects.requireNonNull(p, "policy");
            return this;
        }

        public Builder maxPending(final int n) {
            if (n < 1) {
                throw new IllegalArgumentException("max_pending must be at least 1");
            }
            this.maxPending = n;
            return this;
        }

        /** The default PagerDuty routing key (for severities without a route of their own). */
        public Builder pagerDutyKey(final Secret k) {
            this.pagerDutyKey = k;
            return this;
        }

        /**
         * A route for one severity.
         *
         * @throws IllegalArgumentException when the severity is not critical, error, warning or info
         */
        public Builder route(final String severity, final Route route) {
            if (Severity.fromId(severity) == null) {
                throw new IllegalArgumentException("unknown severity '" + severity
                    + "' (use critical, error, warning or info)");
            }
            routes.put(severity, route);
            return this;
        }

        public Builder pagerDutyClient(final String c) {
            this.pagerDutyClient = c;
            return this;
        }

        public Builder pagerDutyClientUrl(final String u) {
            this.pagerDutyClientUrl = u;
            return this;
        }

        /**
         * An extra webhook header.
         *
         * @throws IllegalArgumentException for a malformed or reserved header
         */
        public Builder header(final String name, final String value) {
            if (name == null || !name.matches("[A-Za-z0-9!#$%&'*+.^_`|~-]+")) {
                throw new IllegalArgumentException("invalid header name '" + name + "'");
            }
            if (RESERVED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("header " + name + " is set by the bridge and cannot be configured");
            }
            if (value == null || value.chars().anyMatch(c -> c < 0x20 && c != '\t' || c == 0x7f)) {
                throw new IllegalArgumentException("header " + name + " has control characters in its value");
            }
            headers.put(name, value);
            return this;
        }

        public Builder hmacSecret(final Secret s) {
            this.hmacSecret = s;
            return this;
        }

        public Builder receiver(final String r) {
            this.receiver = r;
            return this;
        }

        public Builder externalUrl(final String u) {
            this.externalUrl = u;
            return this;
        }

        /**
         * Applies the {@code VIGIL_*} variables that concern the current target: its URL or routing key, and the
         * webhook's HMAC secret.
         */
        public Builder environment(final Map<String, String> env) {
            if (target == TargetKind.WEBHOOK) {
                setUrlFromEnv(env, ENV_WEBHOOK_URL);
                final String h = env.get(ENV_WEBHOOK_HMAC);
                if (h != null && !h.isBlank()) {
                    hmacSecret = Secret.fromEnv(ENV_WEBHOOK_HMAC, h);
                }
            } else if (target == TargetKind.SLACK) {
                setUrlFromEnv(env, ENV_SLACK_URL);
            } else if (target == TargetKind.PAGERDUTY) {
                final String k = env.get(ENV_PAGERDUTY_KEY);
                if (k != null && !k.isBlank()) {
                    pagerDutyKey = Secret.fromEnv(ENV_PAGERDUTY_KEY, k);
                }
            }
            return this;
        }

        private void setUrlFromEnv(final Map<String, String> env, final String name) {
            final String v = env.get(name);
            if (v != null && !v.isBlank()) {
                url(Secret.fromEnv(name, v), name);
            }
        }

        /**
         * Checks and freezes the settings.
         *
         * @throws IllegalArgumentException with one line saying what is missing or wrong
         */
        public BridgeConfig build() {
            if (target == null) {
                throw new IllegalArgumentException("no target: use --to pagerduty, --to slack or --to webhook");
            }
            final URI uri;
            switch (target) {
                case WEBHOOK:
                    if (url == null) {
                        throw new IllegalArgumentException("no webhook URL: set " + ENV_WEBHOOK_URL + " or --url");
                    }
                    uri = parseUrl(url.reveal(), urlSource);
                    break;
                case SLACK:
                    if (url == null) {
                        throw new IllegalArgumentException("no Slack webhook URL: set " + ENV_SLACK_URL
                            + " or --url");
                    }
                    uri = parseUrl(url.reveal(), urlSource);
                    break;
                default:
                    uri = parseUrl(url == null ? PagerDutyTarget.DEFAULT_URL : url.reveal(), urlSource);
                    if (pagerDutyKey == null) {
                        for (final Severity s : Severity.values()) {
                            if (!routes.containsKey(s.id())) {
                                throw new IllegalArgumentException("no PagerDuty routing key: set "
                                    + ENV_PAGERDUTY_KEY + " or --routing-key-file");
                            }
                        }
                    }
            }
            requireText(bootstrapServers, "bootstrap servers");
            requireText(topic, "topic");
            requireText(deadLetterTopic, "dead-letter topic");
            if (group != null) {
                requireText(group, "group");
            }
            if (deadLetterTopic.equals(topic)) {
                throw new IllegalArgumentException("the dead-letter topic must differ from the alerts topic");
            }
            if (pagerDutyClientUrl != null && Json.httpUrl(pagerDutyClientUrl, 2048) == null) {
                throw new IllegalArgumentException("pagerduty client_url must be an http(s) URL");
            }
            return new BridgeConfig(this, uri);
        }

        private static URI parseUrl(final String s, final String source) {
            try {
                final URI u = new URI(s);
                final String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
                if (("http".equals(scheme) || "https".equals(scheme)) && u.getHost() != null) {
                    return u;
                }
            } catch (final URISyntaxException e) {
                // fall through: the message must not echo the URL, which may hold a token
            }
            throw new IllegalArgumentException("the URL from " + source + " is not an http(s) URL with a host");
        }

        private static void requireText(final String s, final String what) {
            if (s == null || s.isBlank()) {
                throw new IllegalArgumentException("empty " + what);
            }
        }

        private static Duration positive(final Duration d, final String what) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " must be positive");
            }
            return d;
        }
    }
}
