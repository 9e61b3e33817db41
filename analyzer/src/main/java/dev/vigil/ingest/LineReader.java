package dev.vigil.ingest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Splits a byte stream on '\n' (dropping a trailing '\r'), as {@code vigil ship} and {@code vigil replay} both
 * read files, so that a line is the same line in live mode and in a replay. Memory is bounded: of a line longer
 * than twice {@link #MAX_LINE_BYTES} (an attacker's endless line) only the head is kept, and the rest is skipped up
 * to its end; the consumer sees a line over the limit and truncates it with a reason.
 */
public final class LineReader implements java.io.Closeable {

    /** Lines are cut to about this many bytes by their consumers. */
    public static final int MAX_LINE_BYTES = 1_000_000;

    private final InputStream in;
    private final byte[] buf = new byte[1 << 16];
    private int pos;
    private int len;
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private final boolean follow;
    private boolean eof;
    /** Bytes consumed so far, line ends included. */
    private long bytes;

    /** In follow mode an unterminated last line is held back: its writer may not have finished it. */
    public LineReader(final InputStream in, final boolean follow) {
        this.in = in;
        this.follow = follow;
    }

    /** Closes the stream. */
    @Override
    public void close() throws IOException {
        in.close();
    }

    /** Clears the end-of-file mark so that a growing file can be read further. */
    public void resume() {
        eof = false;
    }

    /** Bytes consumed so far, line ends included. */
    public long bytesRead() {
        return bytes;
    }

    /** The next complete line as bytes; at end of input a last unterminated line, then null. */
    public byte[] next() throws IOException {
        final int end = advance();
        if (end == NONE) {
            return null;
        }
        if (end == FROM_PARTIAL) {
            final byte[] line = partial.toByteArray();
            partial.reset();
            return line;
        }
        return Arrays.copyOfRange(buf, lineStart, end);
    }

    /**
     * The next line decoded as UTF-8 (malformed bytes become U+FFFD, as a decoder with REPLACE does); at end of
     * input a last unterminated line, then null.
     */
    public String nextString() throws IOException {
        final int end = advance();
        if (end == NONE) {
            return null;
        }
        if (end == FROM_PARTIAL) {
            final String line = partial.toString(StandardCharsets.UTF_8);
            partial.reset();
            return line;
        }
        return new String(buf, lineStart, end - lineStart, StandardCharsets.UTF_8);
    }

    private static final int NONE = -1;
    private static final int FROM_PARTIAL = -2;
    /** Start in {@link #buf} of the line {@link #advance} found there. */
    private int lineStart;

    /**
     * Finds the next line: its end in {@link #buf} (from {@link #lineStart}) when it lies there whole, or
     * {@link #FROM_PARTIAL} when it was gathered in {@link #partial}, or {@link #NONE} at the end.
     */
    private int advance() throws IOException {
        while (true) {
            final int i = indexOfNewline(buf, pos, len);
            if (i >= 0) {
                final int start = pos;
                bytes += i + 1 - pos;
                pos = i + 1;
                if (partial.size() == 0) {
                    lineStart = start;
                    return i > start && buf[i - 1] == '\r' ? i - 1 : i;
                }
                partial.write(buf, start, i - start);
                dropTrailingReturn();
                return FROM_PARTIAL;
            }
            partial.write(buf, pos, len - pos);
            bytes += len - pos;
            pos = len;
            if (partial.size() > MAX_LINE_BYTES * 2) {
                // an endless line: keep the head, drop the rest until its end
                final byte[] head = Arrays.copyOf(partial.toByteArray(), MAX_LINE_BYTES + 1);
                partial.reset();
                partial.write(head, 0, head.length);
            }
            if (eof) {
                return NONE;
            }
            final int n = in.read(buf);
            if (n < 0) {
                eof = true;
                if (partial.size() > 0 && !follow) {
                    dropTrailingReturn();
                    return FROM_PARTIAL;
                }
                return NONE;
            }
            pos = 0;
            len = n;
        }
    }

    private static final java.lang.invoke.VarHandle LONGS =
        java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
    private static final long NEWLINES = 0x0A0A0A0A0A0A0A0AL;
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;

    /**
     * The first '\n' in {@code b[from, to)}, or -1: eight bytes at a time. XOR with eight newlines turns a newline
     * into a zero byte, and {@code (w - 0x01..) & ~w & 0x80..} flags zero bytes; the lowest flag is always a real
     * one (a borrow only runs upwards from a real zero), and little-endian order makes the lowest the first.
     */
    static int indexOfNewline(final byte[] b, final int from, final int to) {
        int i = from;
        for (; i + Long.BYTES <= to; i += Long.BYTES) {
            final long w = (long) LONGS.get(b, i) ^ NEWLINES;
            final long zeros = (w - ONES) & ~w & HIGHS;
            if (zeros != 0) {
                return i + (Long.numberOfTrailingZeros(zeros) >>> 3);
            }
        }
        for (; i < to; i++) {
            if (b[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private void dropTrailingReturn() {
        final int n = partial.size();
        if (n > 0) {
            final byte[] b = partial.toByteArray();
            if (b[n - 1] == '\r') {
                partial.reset();
                partial.write(b, 0, n - 1);
            }
        }
    }
}
