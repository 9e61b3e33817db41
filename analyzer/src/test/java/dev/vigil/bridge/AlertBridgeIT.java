package dev.vigil.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.alert.Alert;
import dev.vigil.alert.AlertJson;
import dev.vigil.broker.KafkaTestBroker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsResult;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The bridge's real consumer loop against a real in-process Kafka broker and a real local HTTP server. */
@Tag("integration")
class AlertBridgeIT {
    @RegisterExtension
    static final KafkaTestBroker BROKER = new KafkaTestBroker();

    private static final Duration WAIT = Duration.ofSeconds(20);
    /** Fast retries for tests; a generous rate so that only the storm test groups. */
    private static final DeliveryPolicy FAST = new DeliveryPolicy(Duration.ofMillis(100), Duration.ofMillis(400),
        2.0, 0.5, Duration.ofSeconds(30), 6000, 100, Duration.ofMillis(500), 200);
    private static final String ROUTING_KEY = "routing-key-0123456789abcdef";

    private final List<AlertBridge> bridges = new ArrayList<>();
    private TestHttpServer server;
    private String topic;
    private String deadLetters;

    @BeforeEach
    void setUp() {
        server = new TestHttpServer();
        topic = BROKER.createUniqueTopic("alerts", 3);
        deadLetters = BROKER.uniqueName("deadletter");
    }

    @AfterEach
    void tearDown() {
        bridges.forEach(AlertBridge::close);
        server.close();
    }

    private BridgeConfig.Builder config(final TargetKind target, final String path) {
        final BridgeConfig.Builder b = BridgeConfig.builder().target(target)
            .url(Secret.of(server.uri(path).toString(), "test"), "test")
            .bootstrapServers(BROKER.bootstrapServers()).topic(topic).group(BROKER.uniqueName("bridge-" + target.id()))
            .deadLetterTopic(deadLetters).timeout(Duration.ofSeconds(5)).policy(FAST);
        if (target == TargetKind.PAGERDUTY) {
            b.pagerDutyKey(Secret.of(ROUTING_KEY, "test"));
        }
        return b;
    }

    private AlertBridge start(final BridgeConfig config, final SimpleMeterRegistry registry) {
        final AlertBridge bridge = AlertBridge.create(config, registry);
        bridges.add(bridge);
        bridge.start();
        return bridge;
    }

    private void produce(final List<Alert> alerts) {
        final List<ProducerRecord<String, String>> records = new ArrayList<>();
        for (final Alert a : alerts) {
            records.add(new ProducerRecord<>(topic, a.id(), AlertJson.write(a)));
        }
        BROKER.produceRecords(records);
    }

    private long committed(final String group) throws Exception {
        try (Admin admin = Admin.create(BROKER.adminProperties())) {
            final ListConsumerGroupOffsetsResult r = admin.listConsumerGroupOffsets(group);
            final Map<TopicPartition, OffsetAndMetadata> m = r.partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
            return m.values().stream().mapToLong(OffsetAndMetadata::offset).sum();
        }
    }

    private static double count(final SimpleMeterRegistry r, final String name, final String tag, final String v) {
        return r.find(name).tag(tag, v).counters().stream().mapToDouble(c -> c.count()).sum();
    }

    @Test
    void shouldTriggerThenResolvePagerDutyWithTheSameDedupKeyAndCommit() throws Exception {
        final Alert a = TestAlerts.firing("web1");
        produce(List.of(a, TestAlerts.resolved(a, TestAlerts.T0 + 60_000)));
        final BridgeConfig cfg = config(TargetKind.PAGERDUTY, "/v2/enqueue").build();
        final SimpleMeterRegistry registry = new SimpleMeterRegistry();
        final AlertBridge bridge = start(cfg, registry);

        final List<TestHttpServer.Request> got = server.await("/v2/enqueue", 2, WAIT);

        final JsonNode trigger = got.get(0).json();
        final JsonNode resolve = got.get(1).json();
        PagerDutyTargetTest.assertValidTrigger(trigger);
        PagerDutyTargetTest.assertValidResolve(resolve);
        assertEquals(a.id(), trigger.get("dedup_key").asText());
        assertEquals(a.id(), resolve.get("dedup_key").asText());
        assertEquals(ROUTING_KEY, trigger.get("routing_key").asText());
        bridge.close();
        assertEquals(2, committed(cfg.group()), "both offsets committed after delivery");
        assertEquals(2.0, count(registry, BridgeMeters.DELIVERIES, "outcome", "delivered"));
        assertEquals(2, registry.get(BridgeMeters.LATENCY).timer().count());
    }

    @Test
    void shouldRetryAfter500And429HonouringRetryAfter() {
        server.script(TestHttpServer.Response.status(500), TestHttpServer.Response.retryAfter(429, "1"));
        final Alert a = TestAlerts.firing("web1");
        produce(List.of(a));
        final SimpleMeterRegistry registry = new SimpleMeterRegistry();
        start(config(TargetKind.WEBHOOK, "/hook").build(), registry);

        final List<TestHttpServer.Request> got = server.await("/hook", 3, WAIT);

        assertEquals(List.of("500", "429", "202"), got.stream().map(TestHttpServer.Request::answer).toList());
        final long waited = TimeUnit.NANOSECONDS.toMillis(got.get(2).nanos() - got.get(1).nanos());
        assertTrue(waited >= 950, "waited only " + waited + " ms after Retry-After: 1");
        for (final TestHttpServer.Request r : got) {
            assertEquals(a.id(), r.json().get("alerts").get(0).get("fingerprint").asText());
        }
        awaitCount(registry, BridgeMeters.DELIVERIES, "outcome", "delivered", 1);
        assertEquals(2.0, count(registry, BridgeMeters.DELIVERIES, "outcome", "retried"));
        assertEquals(1.0, count(registry, BridgeMeters.RETRIES, "reason", "http_5xx"));
        assertEquals(1.0, count(registry, BridgeMeters.RETRIES, "reason", "http_429"));
    }

    @Test
    void shouldDeadLetterAfterMaxAgeWithTheOriginalBytes() {
        server.respond(TestHttpServer.Response.status(500, "upstream down"));
        final Alert a = TestAlerts.firing("web1");
        produce(List.of(a));
        final SimpleMeterRegistry registry = new SimpleMeterRegistry();
        final BridgeConfig cfg = config(TargetKind.WEBHOOK, "/hook").policy(FAST.withMaxAge(Duration.ofMillis(1500)))
            .build();
        start(cfg, registry);

        final ConsumerRecord<String, String> dead = BROKER.consumeRecords(deadLetters, 1, WAIT).get(0);

        assertEquals(a.id(), dead.key());
        assertEquals(AlertJson.write(a), dead.value());
        assertEquals("max_age", header(dead, "vigil.reason"));
        assertEquals("webhook", header(dead, "vigil.target"));
        assertTrue(Integer.parseInt(header(dead, "vigil.attempts")) >= 3, header(dead, "vigil.attempts"));
        assertTrue(header(dead, "vigil.error").contains("HTTP 500: upstream down"), header(dead, "vigil.error"));
        assertEquals(topic, header(dead, "vigil.source.topic"));
        awaitCount(registry, BridgeMeters.DEADLETTERS, "reason", "max_age", 1);
        assertEquals(1.0, count(registry, BridgeMeters.DELIVERIES, "outcome", "dead_lettered"));
    }

    @Test
    void shouldDeadLetterRejectedAndMalformedAlertsWithoutLeakingTheSecretUrl() throws Exception {
        server.respond(r -> r.text().contains("web-bad") ? TestHttpServer.Response.status(400,
            "invalid payload for " + r.path()) : TestHttpServer.Response.status(200));
        produce(List.of(TestAlerts.firing("web-bad"), TestAlerts.firing("web-good")));
        BROKER.produce(topic, List.of("this is not an alert"));
        final SimpleMeterRegistry registry = new SimpleMeterRegistry();
        final BridgeConfig cfg = config(TargetKind.SLACK, "/services/T000/B000/secret-token-xyz").build();
        start(cfg, registry);

        final List<ConsumerRecord<String, String>> dead = BROKER.consumeRecords(deadLetters, 2, WAIT);

        final Set<String> reasons = new HashSet<>();
        for (final ConsumerRecord<String, String> d : dead) {
            reasons.add(header(d, "vigil.reason"));
            assertFalse(header(d, "vigil.error").contains("secret-token-xyz"), header(d, "vigil.error"));
        }
        assertEquals(Set.of("rejected", "invalid_alert"), reasons);
        awaitCount(registry, BridgeMeters.DELIVERIES, "outcome", "delivered", 1);
        awaitCommitted(cfg.group(), 3);
    }

    @Test
    void shouldDeliverExactlyOnceAfterARestartInTheMiddleOfRetries() throws Exception {
        server.respond(TestHttpServer.Response.status(500));
        final Alert a = TestAlerts.firing("web1");
        produce(List.of(a));
        final BridgeConfig cfg = config(TargetKind.WEBHOOK, "/hook").build();
        final AlertBridge first = start(cfg, new SimpleMeterRegistry());
        server.await("/hook", 2, WAIT);

        first.close();
        assertEquals(0, committed(cfg.group()), "nothing committed while retrying");
        server.respond(TestHttpServer.Response.status(202));
        final int before = server.requests().size();
        final AlertBridge second = start(cfg, new SimpleMeterRegistry());

        server.await(r -> "202".equals(r.answer()), 1, WAIT);
        awaitCommitted(cfg.group(), 1);
        Thread.sleep(500); // room for a duplicate to show up
        second.close();

        final List<TestHttpServer.Request> after = server.requests().subList(before, server.requests().size());
        assertEquals(1, after.size(), "delivered once after the restart");
        assertEquals(a.id(), after.get(0).json().get("alerts").get(0).get("fingerprint").asText());
        assertEquals(1, server.requests().stream().filter(r -> "202".equals(r.answer())).count());
    }

    @Test
    void shouldNeutraliseAHostileAlertInEveryTarget() {
        produce(List.of(TestAlerts.hostile()));
        // three bridges side by side, each in its own group
        start(config(TargetKind.PAGERDUTY, "/pd").build(), new SimpleMeterRegistry());
        start(config(TargetKind.SLACK, "/slack").build(), new SimpleMeterRegistry());
        start(config(TargetKind.WEBHOOK, "/hook").hmacSecret(Secret.of("hmac-secret-1234", "test")).build(),
            new SimpleMeterRegistry());

        final TestHttpServer.Request pd = server.await("/pd", 1, WAIT).get(0);
        final TestHttpServer.Request slack = server.await("/slack", 1, WAIT).get(0);
        final TestHttpServer.Request hook = server.await("/hook", 1, WAIT).get(0);

        for (final TestHttpServer.Request r : List.of(pd, slack, hook)) {
            final String raw = r.text();
            assertFalse(raw.contains("\u001b") || raw.contains("\\u001b") || raw.contains("\\u0007"), r.path());
            assertTrue(r.body().length < 40_000, r.path() + " body of " + r.body().length + " bytes");
        }
        SlackTargetTest.assertNeutral((ObjectNode) slack.json());
        PagerDutyTargetTest.assertValidTrigger(pd.json());
        WebhookTargetTest.assertAlertmanagerV4(hook.json());
        assertEquals(WebhookTarget.signature(hook.body(), "hmac-secret-1234"), hook.header("X-Vigil-Signature"));
    }

    @Test
    void shouldGroupAStormOfAThousandAlertsIntoAFewRequests() {
        final List<Alert> storm = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            storm.add(TestAlerts.firing("storm_rule_" + (i % 10), Map.of("host", "web" + i)));
        }
        produce(storm);
        final Set<String> ids = new HashSet<>();
        storm.forEach(a -> ids.add(a.id()));
        final DeliveryPolicy limited = FAST.withRate(60, 5).withGrouping(Duration.ofMillis(500), 200);
        start(config(TargetKind.WEBHOOK, "/hook").policy(limited).build(), new SimpleMeterRegistry());
        start(config(TargetKind.SLACK, "/slack").policy(limited).build(), new SimpleMeterRegistry());
        start(config(TargetKind.PAGERDUTY, "/pd").policy(limited).build(), new SimpleMeterRegistry());

        final Map<String, Function<TestHttpServer.Request, Set<String>>> idsIn = Map.of(
            "/hook", r -> {
                final Set<String> s = new HashSet<>();
                r.json().get("alerts").forEach(x -> s.add(x.get("fingerprint").asText()));
                return s;
            },
            "/slack", r -> {
                final Set<String> s = new HashSet<>();
                final String text = r.text();
                ids.stream().filter(text::contains).forEach(s::add);
                return s;
            },
            "/pd", r -> {
                final Set<String> s = new HashSet<>();
                final JsonNode e = r.json();
                s.add(e.get("dedup_key").asText());
                e.get("payload").get("custom_details").path("alert_ids").forEach(x -> s.add(x.asText()));
                return s;
            });
        for (final Map.Entry<String, Function<TestHttpServer.Request, Set<String>>> t : idsIn.entrySet()) {
            final long deadline = System.nanoTime() + WAIT.toNanos();
            final Set<String> seen = new HashSet<>();
            List<TestHttpServer.Request> rs = List.of();
            while (!seen.containsAll(ids) && System.nanoTime() < deadline) {
                rs = server.requests(t.getKey());
                seen.clear();
                rs.forEach(r -> seen.addAll(t.getValue().apply(r)));
                sleep(50);
            }
            assertTrue(seen.containsAll(ids), t.getKey() + ": " + (ids.size() - countIn(ids, seen))
                + " alert ids never arrived");
            // a flush per group interval, plus at most a burst of single messages before grouping starts;
            // PagerDuty: one storm incident per alert name (10 names), each flush triggering it again
            final int limit = "/pd".equals(t.getKey()) ? 50 : 15;
            assertTrue(rs.size() <= limit, t.getKey() + " made " + rs.size() + " requests for 1000 alerts");
            if ("/pd".equals(t.getKey())) {
                final Set<String> incidents = new HashSet<>();
                rs.forEach(r -> incidents.add(r.json().get("dedup_key").asText()));
                assertTrue(incidents.size() <= 15, incidents.size() + " PagerDuty incidents: " + incidents);
            }
            System.out.printf("AlertBridgeIT: storm of 1000 alerts -> %d requests to %s%n", rs.size(), t.getKey());
        }
    }

    @Test
    void shouldExplainAnUnreachableBroker() throws Exception {
        final int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        final BridgeConfig cfg = config(TargetKind.WEBHOOK, "/hook").bootstrapServers("127.0.0.1:" + port)
            .brokerTimeout(Duration.ofSeconds(1)).build();

        try (AlertBridge bridge = AlertBridge.create(cfg, null)) {
            final BridgeException e = assertThrows(BridgeException.class, bridge::run);
            assertTrue(e.getMessage().startsWith("cannot reach Kafka at 127.0.0.1:" + port), e.getMessage());
        }
    }

    private static int countIn(final Set<String> ids, final Set<String> seen) {
        return (int) ids.stream().filter(seen::contains).count();
    }

    private static String header(final ConsumerRecord<String, String> r, final String name) {
        final Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private void awaitCommitted(final String group, final long expected) throws Exception {
        final long deadline = System.nanoTime() + WAIT.toNanos();
        long got;
        while ((got = committed(group)) < expected && System.nanoTime() < deadline) {
            sleep(100);
        }
        assertEquals(expected, got, "committed offsets of " + group);
    }

    private static void awaitCount(final SimpleMeterRegistry r, final String name, final String tag, final String v,
                                   final double expected) {
        final long deadline = System.nanoTime() + WAIT.toNanos();
        while (count(r, name, tag, v) < expected && System.nanoTime() < deadline) {
            sleep(20);
        }
        assertEquals(expected, count(r, name, tag, v), name + "{" + tag + "=" + v + "}");
    }

    private static void sleep(final long ms) {
        try {
            Thread.sleep(ms);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
