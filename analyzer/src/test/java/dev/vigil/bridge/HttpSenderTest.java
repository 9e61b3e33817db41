package dev.vigil.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTTP client against a real local server: how each kind of answer is classified. */
class HttpSenderTest {
    private static TestHttpServer server;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    // generous: a loaded 2-core CI machine must not turn a normal answer into a timeout
    private final HttpSender sender = new HttpSender(Duration.ofSeconds(5), Clock.systemUTC(),
        new Masker(List.of("token-0123456789")), registry.timer("t"));

    @BeforeAll
    static void start() {
        server = new TestHttpServer();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @BeforeEach
    void answer202() {
        server.respond(TestHttpServer.Response.status(202));
    }

    private SendResult post(final String path) {
        return sender.send(new HttpCall(server.uri(path), "{\"a\":1}".getBytes(StandardCharsets.UTF_8),
            Map.of("X-Team", "sre")));
    }

    @Test
    void shouldPostJsonWithHeaders() {
        final SendResult r = post("/ok");

        assertEquals(SendResult.Kind.SUCCESS, r.kind());
        final TestHttpServer.Request req = server.requests("/ok").get(0);
        assertEquals("POST", req.method());
        assertEquals("{\"a\":1}", req.text());
        assertTrue(req.header("Content-Type").startsWith("application/json"));
        assertEquals("sre", req.header("X-Team"));
        assertTrue(req.header("User-Agent").startsWith("Vigil-Bridge"));
        assertEquals(1, registry.timer("t").count());
    }

    @Test
    void shouldRetryAfterServerErrors() {
        server.script(TestHttpServer.Response.status(500, "internal"), TestHttpServer.Response.status(503));

        final SendResult a = post("/500");
        final SendResult b = post("/503");

        assertEquals(SendResult.Kind.RETRY, a.kind());
        assertEquals("http_5xx", a.reason());
        assertEquals("HTTP 500: internal", a.detail());
        assertEquals(-1, a.retryAfterMillis());
        assertEquals(SendResult.Kind.RETRY, b.kind());
    }

    @Test
    void shouldReadRetryAfterInSecondsOrAsADate() {
        final String date = DateTimeFormatter.RFC_1123_DATE_TIME
            .format(Instant.now().plusSeconds(30).atOffset(ZoneOffset.UTC));
        server.script(TestHttpServer.Response.retryAfter(429, "7"), TestHttpServer.Response.retryAfter(503, date));

        final SendResult seconds = post("/429");
        final SendResult httpDate = post("/503");

        assertEquals("http_429", seconds.reason());
        assertEquals(7000, seconds.retryAfterMillis());
        assertTrue(httpDate.retryAfterMillis() > 25_000 && httpDate.retryAfterMillis() <= 30_000,
            "" + httpDate.retryAfterMillis());
        assertEquals(-1, sender.retryAfter("soon"));
        assertEquals(3_600_000, sender.retryAfter("99999"));
    }

    @Test
    void shouldTreatOtherClientErrorsAsPermanentAndMaskSecretsInTheBody() {
        server.script(TestHttpServer.Response.status(400,
            "{\"status\":\"invalid event\",\"message\":\"bad routing key token-0123456789\"}"));

        final SendResult r = post("/400");

        assertEquals(SendResult.Kind.PERMANENT, r.kind());
        assertEquals("http_4xx", r.reason());
        assertTrue(r.detail().startsWith("HTTP 400: {\"status\":\"invalid event\""), r.detail());
        assertFalse(r.detail().contains("token-0123456789"), r.detail());
        assertTrue(r.detail().contains("****"), r.detail());
    }

    @Test
    void shouldNotFollowRedirects() {
        server.script(TestHttpServer.Response.status(302));

        assertEquals(SendResult.Kind.PERMANENT, post("/302").kind());
    }

    @Test
    void shouldRetryWhenTheServerIsTooSlow() {
        server.script(TestHttpServer.Response.slow(8_000));
        final HttpSender impatient = new HttpSender(Duration.ofMillis(300), Clock.systemUTC(),
            new Masker(List.of()), registry.timer("slow"));

        final SendResult r = impatient.send(new HttpCall(server.uri("/slow"),
            "{\"a\":1}".getBytes(StandardCharsets.UTF_8), Map.of()));

        assertEquals(SendResult.Kind.RETRY, r.kind());
        assertEquals("timeout", r.reason());
    }

    @Test
    void shouldRetryWhenTheConnectionClosesWithoutAnAnswer() {
        server.script(TestHttpServer.Response.closeConnection());

        final SendResult r = post("/close");

        assertEquals(SendResult.Kind.RETRY, r.kind());
        assertEquals("io", r.reason());
    }

    @Test
    void shouldRetryWhenNothingListens() throws Exception {
        final int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }

        final SendResult r = sender.send(new HttpCall(URI.create("http://127.0.0.1:" + port + "/"), new byte[0],
            Map.of()));

        assertEquals(SendResult.Kind.RETRY, r.kind());
        assertEquals("io", r.reason());
    }
}
