package dev.vigil.bridge;

/** The bridge cannot start or go on (broker unreachable, dead-letter topic not writable); the message says why. */
public final class BridgeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BridgeException(final String message, final Throwable cause) {
        super(message, cause);
    }
}
