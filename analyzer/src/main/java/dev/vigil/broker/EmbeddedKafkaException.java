package dev.vigil.broker;

/**
 * The embedded broker could not start or could not do what it was asked.
 *
 * <p>The message is written for a person at a terminal (what went wrong and what to do about it), so the CLI can
 * print {@link #getMessage()} without a stack trace; the cause, when there is one, carries the Kafka detail.
 */
public final class EmbeddedKafkaException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what went wrong, and what to do about it
     */
    public EmbeddedKafkaException(final String message) {
        super(message);
    }

    /**
     * @param message what went wrong, and what to do about it
     * @param cause   the underlying failure
     */
    public EmbeddedKafkaException(final String message, final Throwable cause) {
        super(message, cause);
    }
}
