package dev.vigil.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.alert.Alert;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The delivery core with an injected clock and a scripted sender: no sleeps, no network. */
class DispatcherTest {
    private static final DeliveryPolicy POLICY = new DeliveryPolicy(Duration.ofSeconds(1), Duration.ofSeconds(8),
        2.0, 0.0, Duration.ofSeconds(30), 60, 5, Duration.ofSeconds(10), 100);

    private final TestClock clock = new TestClock(TestAlerts.T0);
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final Deque<SendResult> answers = new ArrayDeque<>();
    private final List<Sent> sent = new ArrayList<>();
    private final List<String> deadLetters = new ArrayList<>();
    private final List<Pending> settled = new ArrayList<>();

    /** One call the sender saw, and when. */
    record Sent(long at, JsonNode body) {
    }

    @BeforeEach
    void reset() {
        answers.clear();
    }

    private Dispatcher dispatcher(final Target target, final DeliveryPolicy policy) {
        final Sender sender = call -> {
            try {
                sent.add(new Sent(clock.millis(), Json.MAPPER.readTree(call.body())));
            } catch (final IOException e) {
                throw new AssertionError(e);
            }
            return answers.isEmpty() ? SendResult.ok() : answers.pollFirst();
        };
        return new Dispatcher(target, policy, sender, clock, () -> 0.0,
            new BridgeMeters(registry, target.kind()),
            (record, reason, detail, attempts) -> deadLetters.add(reason + " after " + attempts + ": " + detail),
            settled::add);
    }

    private static WebhookTarget webhook() {
        return new WebhookTarget(URI.create("http://127.0.0.1/hook"), Map.of(), null, "vigil", "");
    }

    private double count(final String outcome) {
        return registry.get(BridgeMeters.DELIVERIES).tag("outcome", outcome).counter().count();
    }

    /** Runs rounds, moving the clock to each wake-up, until nothing is pending or the time is up. */
    private void runFor(final Dispatcher d, final long millis) {
        final long end = clock.millis() + millis;
        d.runDue(() -> false, 60_000);
        while (d.size() > 0) {
            final long next = d.nextWakeup();
            if (next > end) {
                clock.set(end);
                return;
            }
            clock.set(Math.max(clock.millis(), next));
            d.runDue(() -> false, 60_000);
        }
    }

    @Test
    void shouldDeliverAndSettle() {
        final Dispatcher d = dispatcher(webhook(), POLICY);
        d.add(null, TestAlerts.firing("web1"));

        d.runDue(() -> false, 1000);

        assertEquals(1, sent.size());
        assertEquals(1, settled.size());
        assertEquals(0, d.size());
        assertEquals(1.0, count("delivered"));
    }

    @Test
    void shouldRetryWithExponentialBackoffAfterServerErrors() {
        final Dispatcher d = dispatcher(webhook(), POLICY);
        answers.add(SendResult.retry("http_5xx", -1, "HTTP 500"));
        answers.add(SendResult.retry("http_5xx", -1, "HTTP 500"));
        answers.add(SendResult.retry("http_5xx", -1, "HTTP 500"));
        d.add(null, TestAlerts.firing("web1"));

        runFor(d, 20_000);

        assertEquals(List.of(0L, 1000L, 3000L, 7000L), sent.stream().map(s -> s.at() - TestAlerts.T0).toList());
        assertEquals(1, settled.size());
        assertEquals(3.0, count("retried"));
        assertEquals(1.0, count("delivered"));
        assertEquals(3.0, registry.get(BridgeMeters.RETRIES).tag("reason", "http_5xx").counter().count());
    }

    @Test
    void shouldHonourRetryAfterForTheWholeTarget() {
        final Dispatcher d = dispatcher(webhook(), POLICY);
        answers.add(SendResult.retry("http_429", 5000, "HTTP 429"));
        d.add(null, TestAlerts.firing("web1"));
        d.runDue(() -> false, 1000);
        d.add(null, TestAlerts.firing("web2"));

        runFor(d, 20_000);

        // nothing at all goes out before the Retry-After has passed, not even the other alert
        assertEquals(List.of(0L, 5000L), sent.stream().map(s -> s.at() - TestAlerts.T0).distinct().toList());
        assertEquals(2, settled.size());
    }

    @Test
    void shouldDeadLetterAfterMaxAge() {
        final Dispatcher d = dispatcher(webhook(), POLICY);
        for (int i = 0; i < 100; i++) {
            answers.add(SendResult.retry("http_5xx", -1, "HTTP 500: boom"));
        }
        d.add(null, TestAlerts.firing("web1"));

        runFor(d, 60_000);

        // attempts at 0, 1, 3, 7, 15, 23 s, then the deadline (30 s) is the last chance
        assertEquals(List.of(0L, 1000L, 3000L, 7000L, 15_000L, 23_000L, 30_000L),
            sent.stream().map(s -> s.at() - TestAlerts.T0).toList());
        assertEquals(1, deadLetters.size());
        assertTrue(deadLetters.get(0).startsWith("max_age after 7: gave up after 7 attempts"), deadLetters.get(0));
        assertTrue(deadLetters.get(0).endsWith("HTTP 500: boom"), deadLetters.get(0));
        assertEquals(1.0, count("dead_lettered"));
        assertEquals(1.0, registry.get(BridgeMeters.DEADLETTERS).tag("reason", "max_age").counter().count());
        assertEquals(0, d.size());
    }

    @Test
    void shouldDeadLetterARejectedAlertAtOnce() {
        final Dispatcher d = dispatcher(webhook(), POLICY);
        answers.add(SendResult.permanent("http_4xx", "HTTP 400: invalid"));
        d.add(null, TestAlerts.firing("web1"));

        d.runDue(() -> false, 1000);

        assertEquals(List.of("rejected after 1: HTTP 400: invalid"), deadLetters);
    }

    @Test
    void shouldNeverLetAResolveOvertakeItsTrigger() {
        final Dispatcher d = dispatcher(webhook(), POLICY);
        final Alert a = TestAlerts.firing("web1");
        answers.add(SendResult.retry("http_5xx", -1, "HTTP 500"));
        d.add(null, a);
        d.add(null, TestAlerts.resolved(a, TestAlerts.T0 + 1));

        runFor(d, 10_000);

        final List<String> statuses = sent.stream().map(s -> s.body().get("status").asText()).toList();
        assertEquals(List.of("firing", "firing", "resolved"), statuses);
    }

    @Test
    void shouldGroupWhenMoreAreWaitingThanTokensAndHoldForTheGroupInterval() {
        final Dispatcher d = dispatcher(webhook(), POLICY);
        for (int i = 0; i < 3; i++) {
            d.add(null, TestAlerts.firing("web" + i));
        }
        d.runDue(() -> false, 1000);
        assertEquals(3, sent.size(), "within the burst of 5: one request each");

        for (int i = 0; i < 250; i++) {
            d.add(null, TestAlerts.firing("storm" + i));
        }
        d.runDue(() -> false, 1000);
        assertEquals(6, sent.size(), "250 alerts over the limit: 3 grouped requests of at most 100");
        assertEquals(0, d.size());

        clock.advance(1000);
        for (int i = 0; i < 50; i++) {
            d.add(null, TestAlerts.firing("more" + i));
        }
        d.runDue(() -> false, 1000);
        assertEquals(6, sent.size(), "held back during the group interval");
        clock.advance(9000);
        d.runDue(() -> false, 1000);
        assertEquals(7, sent.size(), "one grouped request after the interval");
        assertEquals(50, sent.get(6).body().get("alerts").size());
        assertEquals(4.0, registry.get(BridgeMeters.REQUESTS).tag("kind", "grouped").counter().count());
    }

    @Test
    void shouldSplitARejectedGroupToFindTheCulprit() {
        final Dispatcher d = dispatcher(webhook(), POLICY.withRate(60, 1));
        answers.add(SendResult.permanent("http_4xx", "HTTP 413: too large"));
        answers.add(SendResult.ok());
        answers.add(SendResult.permanent("http_4xx", "HTTP 400: bad alert"));
        answers.add(SendResult.ok());
        d.add(null, TestAlerts.firing("web1"));
        d.add(null, TestAlerts.firing("web2"));
        d.add(null, TestAlerts.firing("web3"));

        runFor(d, 20_000);

        assertEquals(3, sent.get(0).body().get("alerts").size());
        assertEquals(4, sent.size());
        assertEquals(List.of("rejected after 2: HTTP 400: bad alert"), deadLetters);
        assertEquals(2.0, count("delivered"));
    }

    @Test
    void shouldDeadLetterWhatTheRateLimitKeepsPastMaxAge() {
        final Dispatcher d = dispatcher(webhook(), POLICY.withRate(0.001, 1).withMaxAge(Duration.ofSeconds(5)));
        d.add(null, TestAlerts.firing("web1"));
        d.runDue(() -> false, 1000);
        d.add(null, TestAlerts.firing("web2"));

        runFor(d, 10_000);

        assertEquals(1, sent.size());
        assertEquals(1, deadLetters.size());
        assertTrue(deadLetters.get(0).startsWith("max_age after 0: not sent within max-age"), deadLetters.get(0));
    }

    @Test
    void shouldDropWhatRoutingDrops() {
        final PagerDutyTarget pd = new PagerDutyTarget(URI.create("http://127.0.0.1/pd"),
            s -> "info".equals(s) ? null : Secret.of("key-0123", "t"), "Vigil", null, 100);
        final Dispatcher d = dispatcher(pd, POLICY);
        d.add(null, TestAlerts.withSeverity(TestAlerts.firing("web1"), "info"));

        d.runDue(() -> false, 1000);

        assertEquals(0, sent.size());
        assertEquals(1.0, count("dropped"));
        assertEquals(1, settled.size());
    }

    @Test
    void shouldForgetRevokedPartitions() {
        final Dispatcher d = dispatcher(webhook(), POLICY);
        answers.add(SendResult.retry("io", -1, "connection refused"));
        d.add(null, TestAlerts.firing("web1"));
        d.runDue(() -> false, 1000);

        d.forget(List.of(new org.apache.kafka.common.TopicPartition("x", 0)));
        assertEquals(1, d.size(), "alerts of other partitions stay (test alerts have none)");
    }
}
