package dev.vigil.bridge;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A secret value (routing key, webhook URL with a token in it, HMAC secret) that never shows up in a log line, an
 * error message or a {@code toString()}: it prints as {@code ****}. Secrets come only from the environment or from
 * files, never from flags' values echoed back or from the YAML config itself.
 */
public final class Secret {
    private final String value;
    private final String origin;

    private Secret(final String value, final String origin) {
        this.value = Objects.requireNonNull(value, "value");
        this.origin = Objects.requireNonNull(origin, "origin");
    }

    /**
     * A secret taken from an environment variable.
     *
     * @param variable the variable's name, used in messages
     * @param value    its value; surrounding whitespace is dropped
     */
    public static Secret fromEnv(final String variable, final String value) {
        return new Secret(value.strip(), "environment variable " + variable);
    }

    /**
     * A secret read from a file (UTF-8; surrounding whitespace and a trailing newline are dropped).
     *
     * @throws IllegalArgumentException with a user-facing message when the file cannot be read or is empty
     */
    public static Secret fromFile(final Path file) {
        final String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (final IOException e) {
            throw new IllegalArgumentException("cannot read secret file " + file + ": "
                + e.getClass().getSimpleName(), e);
        }
        if (text.isEmpty()) {
            throw new IllegalArgumentException("secret file " + file + " is empty");
        }
        return new Secret(text, "file " + file);
    }

    /** A secret given directly (tests, and {@code --url}, which the user typed). */
    public static Secret of(final String value, final String origin) {
        return new Secret(value.strip(), origin);
    }

    /** The value itself: only for building a request, never for a message. */
    public String reveal() {
        return value;
    }

    /** Where the value came from ("environment variable X", "file /run/secrets/y"), safe to print. */
    public String origin() {
        return origin;
    }

    /** Whether the value is empty. */
    public boolean isEmpty() {
        return value.isEmpty();
    }

    @Override
    public boolean equals(final Object o) {
        return o instanceof Secret && ((Secret) o).value.equals(value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public String toString() {
        return "****";
    }
}
