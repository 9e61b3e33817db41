package dev.vigil.bridge;

import io.micrometer.core.instrument.Timer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Sends calls with the JDK's {@link HttpClient}: HTTP/1.1, no redirects, one time limit for connect plus the whole
 * exchange, at most 4 KiB of a response body kept (for the error message). Classification:
 * <ul>
 *   <li>2xx: delivered;</li>
 *   <li>429, 408 and 5xx: retry later, honouring Retry-After (seconds or an HTTP date, at most one hour);</li>
 *   <li>timeouts and connection errors (refused, reset, closed without an answer): retry later;</li>
 *   <li>anything else (400, 401, 403, 404, 413, 3xx...): permanent for that message.</li>
 * </ul>
 */
final class HttpSender implements Sender {
    private static final int BODY_KEEP = 4096;
    private static final long RETRY_AFTER_CAP_MS = TimeUnit.HOURS.toMillis(1);
    private static final String USER_AGENT = "Vigil-Bridge/1";

    private final HttpClient client;
    private final Duration timeout;
    private final Clock clock;
    private final Masker masker;
    private final Timer latency;

    HttpSender(final Duration timeout, final Clock clock, final Masker masker, final Timer latency) {
        this.client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(timeout)
            .build();
        this.timeout = timeout;
        this.clock = clock;
        this.masker = masker;
        this.latency = latency;
    }

    @Override
    public SendResult send(final HttpCall call) {
        final HttpRequest.Builder b = HttpRequest.newBuilder(call.uri())
            .timeout(timeout)
            .header("Content-Type", "application/json; charset=utf-8")
            .header("User-Agent", USER_AGENT)
            .POST(HttpRequest.BodyPublishers.ofByteArray(call.body()));
        for (final Map.Entry<String, String> h : call.headers().entrySet()) {
            b.header(h.getKey(), h.getValue());
        }
        final long t0 = System.nanoTime();
        final CompletableFuture<HttpResponse<byte[]>> f = client.sendAsync(b.build(), r -> new Head(BODY_KEEP));
        try {
            final HttpResponse<byte[]> response = f.get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
            return classify(response);
        } catch (final TimeoutException e) {
            f.cancel(true);
            return SendResult.retry("timeout", -1, "no answer within " + timeout.toMillis() + " ms");
        } catch (final InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            return SendResult.retry("io", -1, "interrupted");
        } catch (final CancellationException e) {
            return SendResult.retry("io", -1, "cancelled");
        } catch (final ExecutionException e) {
            return failure(e.getCause() == null ? e : e.getCause());
        } finally {
            latency.record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
        }
    }

    private SendResult classify(final HttpResponse<byte[]> response) {
        final int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return SendResult.ok();
        }
        final String detail = "HTTP " + status + excerpt(response.body());
        if (status == 429 || status == 408 || status >= 500) {
            final long retryAfter = retryAfter(response.headers().firstValue("Retry-After").orElse(null));
            final String reason = status == 429 ? "http_429" : status == 408 ? "http_408" : "http_5xx";
            return SendResult.retry(reason, retryAfter, detail);
        }
        return SendResult.permanent(status >= 300 && status < 400 ? "http_3xx" : "http_4xx", detail);
    }

    private SendResult failure(final Throwable t) {
        if (t instanceof HttpConnectTimeoutException || t instanceof HttpTimeoutException) {
            return SendResult.retry("timeout", -1, "no answer within " + timeout.toMillis() + " ms");
        }
        if (t instanceof ConnectException) {
            return SendResult.retry("io", -1, "connection refused");
        }
        if (t instanceof IOException) {
            return SendResult.retry("io", -1, "connection error: " + describe(t));
        }
        if (t instanceof IllegalArgumentException) {
            return SendResult.permanent("invalid_request", "invalid request: " + describe(t));
        }
        return SendResult.retry("io", -1, "error: " + describe(t));
    }

    private String describe(final Throwable t) {
        final String m = t.getMessage();
        return t.getClass().getSimpleName() + (m == null ? "" : " " + masker.mask(LogText.line(m, 200)));
    }

    private String excerpt(final byte[] body) {
        if (body == null || body.length == 0) {
            return "";
        }
        final String text = LogText.line(new String(body, StandardCharsets.UTF_8).replaceAll("\\s+", " "), 200);
        return text.isBlank() ? "" : ": " + masker.mask(text.strip());
    }

    /** Retry-After in ms: delta-seconds or an HTTP date; -1 when absent or unreadable; capped at an hour. */
    long retryAfter(final String value) {
        if (value == null || value.isBlank()) {
            return -1;
        }
        final String v = value.trim();
        try {
            final long seconds = Long.parseLong(v);
            return seconds < 0 ? -1 : Math.min(TimeUnit.SECONDS.toMillis(Math.min(seconds, 86_400)),
                RETRY_AFTER_CAP_MS);
        } catch (final NumberFormatException notSeconds) {
            try {
                final long at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
                return Math.min(Math.max(0, at - clock.millis()), RETRY_AFTER_CAP_MS);
            } catch (final DateTimeParseException notDate) {
                return -1;
            }
        }
    }

    /** Keeps the first bytes of a body and discards the rest, so a huge error page costs nothing. */
    private static final class Head implements HttpResponse.BodySubscriber<byte[]> {
        private final int keep;
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();

        Head(final int keep) {
            this.keep = keep;
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(final Flow.Subscription subscription) {
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(final List<ByteBuffer> items) {
            for (final ByteBuffer b : items) {
                final int n = Math.min(b.remaining(), keep - out.size());
                if (n > 0) {
                    final byte[] chunk = new byte[n];
                    b.get(chunk);
                    out.write(chunk, 0, n);
                }
            }
        }

        @Override
        public void onError(final Throwable throwable) {
            result.completeExceptionally(throwable);
        }

        @Override
        public void onComplete() {
            result.complete(out.toByteArray());
        }
    }
}
