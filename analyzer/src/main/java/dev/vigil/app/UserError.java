package dev.vigil.app;

/** An error the user can fix (bad flag, missing file, invalid pack): printed as one message, no stack trace. */
public final class UserError extends RuntimeException {
    private final int exitCode;

    public UserError(final String message) {
        this(message, 2);
    }

    public UserError(final String message, final int exitCode) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    /** Process exit code for this error. */
    public int exitCode() {
        return exitCode;
    }
}
