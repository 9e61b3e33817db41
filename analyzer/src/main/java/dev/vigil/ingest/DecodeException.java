package dev.vigil.ingest;

/**
 * A Kafka record or file line that cannot be turned into an {@link Envelope}. {@link #reason()} is a short
 * bounded code for metrics and the dead-letter reason header ({@code empty}); the message adds human detail.
 */
public final class DecodeException extends Exception {
    private final String reason;

    public DecodeException(final String reason, final String detail) {
        super(detail, null, false, false);
        this.reason = reason;
    }

    /** Bounded reason code. */
    public String reason() {
        return reason;
    }
}
