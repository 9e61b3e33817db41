package dev.vigil.pack;

import java.util.List;

/**
 * The pattern pack (or a config file) is invalid. The message lists every problem as {@code file:line: what},
 * one per line, ready to print to a user without a stack trace.
 */
public final class PackException extends Exception {
    private final List<String> problems;

    public PackException(final List<String> problems) {
        super(String.join("\n", problems), null, false, false);
        this.problems = List.copyOf(problems);
    }

    /** Each problem as {@code file:line: message}. */
    public List<String> problems() {
        return problems;
    }
}
