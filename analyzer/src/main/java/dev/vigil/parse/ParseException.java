package dev.vigil.parse;

/**
 * A line or record that cannot be parsed. {@link #reason()} is a short bounded code (for metrics and the
 * dead-letter reason header, e.g. {@code nginx_unrecognized_line}); the message adds human detail.
 */
public final class ParseException extends Exception {
    private final String reason;

    public ParseException(final String reason, final String detail) {
        super(detail, null, false, false);
        this.reason = reason;
    }

    /** Bounded reason code. */
    public String reason() {
        return reason;
    }
}
