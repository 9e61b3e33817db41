package dev.vigil.bridge;

/**
 * How one HTTP call went.
 *
 * @param kind            success, retry later, or permanent failure
 * @param reason          a bounded reason code for metrics ({@code ok}, {@code http_429}, {@code http_5xx},
 *                        {@code http_4xx}, {@code timeout}, {@code io}, ...)
 * @param retryAfterMillis the server's Retry-After in ms, or -1 when none
 * @param detail          one line for logs and dead-letter headers (status and a cleaned excerpt of the body)
 */
record SendResult(Kind kind, String reason, long retryAfterMillis, String detail) {

    /** Outcome classes. */
    enum Kind { SUCCESS, RETRY, PERMANENT }

    static SendResult ok() {
        return new SendResult(Kind.SUCCESS, "ok", -1, "ok");
    }

    static SendResult retry(final String reason, final long retryAfterMillis, final String detail) {
        return new SendResult(Kind.RETRY, reason, retryAfterMillis, detail);
    }

    static SendResult permanent(final String reason, final String detail) {
        return new SendResult(Kind.PERMANENT, reason, -1, detail);
    }
}
