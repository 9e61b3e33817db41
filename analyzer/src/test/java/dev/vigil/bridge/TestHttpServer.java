package dev.vigil.bridge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A real HTTP server on 127.0.0.1 for bridge tests: records every request and answers as told — a status, a status
 * with Retry-After, slowly, or by closing the connection without an answer.
 */
final class TestHttpServer implements AutoCloseable {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** One recorded request. */
    record Request(String method, String path, Map<String, String> headers, byte[] body, String answer,
                   long nanos) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        JsonNode json() {
            try {
                return MAPPER.readTree(body);
            } catch (final IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        String header(final String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** How to answer. */
    record Response(int status, String retryAfter, String body, long delayMillis, boolean close) {
        static Response status(final int status) {
            return new Response(status, null, status == 200 ? "ok" : "", 0, false);
        }

        static Response status(final int status, final String body) {
            return new Response(status, null, body, 0, false);
        }

        static Response retryAfter(final int status, final String retryAfter) {
            return new Response(status, retryAfter, "", 0, false);
        }

        static Response slow(final long millis) {
            return new Response(202, null, "", millis, false);
        }

        static Response closeConnection() {
            return new Response(0, null, "", 0, true);
        }

        String describe() {
            return close ? "closed" : delayMillis > 0 ? "slow" : Integer.toString(status);
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(8);
    private final List<Request> requests = new ArrayList<>();
    private final Deque<Response> script = new ArrayDeque<>();
    private Function<Request, Response> responder = r -> Response.status(202);

    TestHttpServer() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    /** A URL on this server. */
    URI uri(final String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    /** Answers every later request with this function (after any scripted answers). */
    synchronized void respond(final Function<Request, Response> f) {
        this.responder = f;
    }

    /** Answers every later request this way. */
    void respond(final Response r) {
        respond(req -> r);
    }

    /** The next requests get these answers, in order; then the responder answers again. */
    synchronized void script(final Response... responses) {
        script.addAll(List.of(responses));
    }

    synchronized List<Request> requests() {
        return List.copyOf(requests);
    }

    /** Requests whose path is {@code path}. */
    List<Request> requests(final String path) {
        return requests().stream().filter(r -> r.path().equals(path)).toList();
    }

    /** Waits until at least {@code n} recorded requests match, and returns the matching ones. */
    List<Request> await(final Predicate<Request> which, final int n, final Duration timeout) {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            final List<Request> match = requests().stream().filter(which).toList();
            if (match.size() >= n) {
                return match;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("expected " + n + " requests within " + timeout + ", got " + match.size()
                    + " (all: " + requests().stream().map(r -> r.path() + " " + r.answer()).toList() + ")");
            }
            sleep(20);
        }
    }

    List<Request> await(final String path, final int n, final Duration timeout) {
        return await(r -> r.path().equals(path), n, timeout);
    }

    private void handle(final HttpExchange ex) throws IOException {
        final byte[] body;
        try (InputStream in = ex.getRequestBody()) {
            body = in.readAllBytes();
        }
        final Map<String, String> headers = new TreeMap<>();
        ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
        final Request probe = new Request(ex.getRequestMethod(), ex.getRequestURI().getPath(), headers, body, "",
            System.nanoTime());
        final Response r;
        synchronized (this) {
            r = script.isEmpty() ? responder.apply(probe) : script.pollFirst();
            requests.add(new Request(probe.method(), probe.path(), headers, body, r.describe(), probe.nanos()));
        }
        if (r.close()) {
            ex.close();
            throw new IOException("test server closes the connection without an answer");
        }
        if (r.delayMillis() > 0) {
            sleep(r.delayMillis());
        }
        if (r.retryAfter() != null) {
            ex.getResponseHeaders().set("Retry-After", r.retryAfter());
        }
        final byte[] out = r.body().getBytes(StandardCharsets.UTF_8);
        try {
            ex.sendResponseHeaders(r.status(), out.length == 0 ? -1 : out.length);
            if (out.length > 0) {
                try (OutputStream os = ex.getResponseBody()) {
                    os.write(out);
                }
            }
        } finally {
            ex.close();
        }
    }

    private static void sleep(final long ms) {
        try {
            Thread.sleep(ms);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
