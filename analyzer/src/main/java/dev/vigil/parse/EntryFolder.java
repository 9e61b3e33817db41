package dev.vigil.parse;

/**
 * Folds a sequence of lines into complete entries with {@link Parser#continues}, for file replay (the stream
 * runner keeps the pending entry in a state store instead). Not thread-safe: one folder per file or stream.
 *
 * <p>Memory is bounded: a pending entry that would grow beyond {@code maxChars} characters or
 * {@code maxLines} lines is emitted as it stands (the line that does not fit is cut to the remaining room),
 * and the following lines start afresh, so a runaway entry (an unbalanced csv quote, an endless traceback)
 * becomes several entries instead of unbounded memory. {@link #cappedEntries()} counts these. Blank lines that
 * do not continue an entry are skipped.
 */
public final class EntryFolder {
    /** Default cap on an entry's length in chars (1 MiB). */
    public static final int MAX_CHARS = 1_048_576;
    /** Default cap on an entry's line count. */
    public static final int MAX_LINES = 2_000;

    private final Parser parser;
    private final int maxChars;
    private final int maxLines;
    private final StringBuilder pending = new StringBuilder();
    private boolean hasPending;
    private int lines;
    private long capped;

    /** Folder with the default caps. */
    public EntryFolder(final Parser parser) {
        this(parser, MAX_CHARS, MAX_LINES);
    }

    /** Folder with explicit caps (both at least 1). */
    public EntryFolder(final Parser parser, final int maxChars, final int maxLines) {
        if (maxChars < 1 || maxLines < 1) {
            throw new IllegalArgumentException("caps must be positive");
        }
        this.parser = parser;
        this.maxChars = maxChars;
        this.maxLines = maxLines;
    }

    /**
     * Takes the next line; returns the previous entry when this line starts a new one (or when the pending
     * entry hit a cap), else null.
     */
    public String accept(final String line) {
        if (line == null) {
            return null;
        }
        if (hasPending && parser.continues(pending.toString(), line)) {
            if (lines >= maxLines) {
                capped++;
                final String done = take();
                start(line);
                return done;
            }
            final int room = maxChars - pending.length() - 1;
            if (room < line.length()) {
                capped++;
                if (room > 0) {
                    pending.append('\n').append(line, 0, room);
                }
                return take();
            }
            pending.append('\n').append(line);
            lines++;
            return null;
        }
        final String done = hasPending ? take() : null;
        if (!line.isBlank()) {
            start(line);
        }
        return done;
    }

    /** Returns the pending entry, if any, and forgets it (end of input). */
    public String flush() {
        return hasPending ? take() : null;
    }

    /** How many entries were cut short by a cap so far. */
    public long cappedEntries() {
        return capped;
    }

    private void start(final String line) {
        pending.setLength(0);
        if (line.length() > maxChars) {
            capped++;
            pending.append(line, 0, maxChars);
        } else {
            pending.append(line);
        }
        hasPending = true;
        lines = 1;
    }

    private String take() {
        final String s = pending.toString();
        pending.setLength(0);
        hasPending = false;
        lines = 0;
        if (pending.capacity() > 65_536) {
            pending.trimToSize();
        }
        return s;
    }
}
