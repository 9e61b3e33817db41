package dev.vigil.app;

import dev.vigil.replay.ReplayRunner;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;

/**
 * A one-line progress display for long replays on stderr — lines/s, input done, ETA when the size is known —
 * redrawn at most four times a second, and only when stderr is a terminal (quiet when piped or redirected).
 */
final class ProgressLine implements ReplayRunner.Progress {
    private static final long EVERY_NANOS = 250_000_000L;
    private final PrintStream err;
    private long lastDraw;
    private boolean drawn;

    ProgressLine(final PrintStream err) {
        this.err = err;
    }

    /** Whether stderr is a terminal: /proc/self/fd/2 names a tty (Linux), else whether there is a console. */
    static boolean stderrIsTerminal() {
        if ("dumb".equals(System.getenv("TERM"))) {
            return false;
        }
        final Path fd = Paths.get("/proc/self/fd/2");
        try {
            if (Files.exists(fd)) {
                final String target = Files.readSymbolicLink(fd).toString();
                return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
            }
        } catch (final java.io.IOException | UnsupportedOperationException | SecurityException e) {
            // fall through
        }
        return System.console() != null;
    }

    @Override
    public void update(final long events, final long done, final long total, final String unit, final long nanos) {
        if (nanos - lastDraw < EVERY_NANOS) {
            return;
        }
        lastDraw = nanos;
        err.print("\r\033[K" + text(events, done, total, unit, nanos));
        err.flush();
        drawn = true;
    }

    /** The line itself, e.g. {@code 1,204,000 lines · 812,000 lines/s · 301 MB of 1.2 GB (25%) · ETA 0:04}. */
    static String text(final long events, final long done, final long total, final String unit, final long nanos) {
        final double secs = Math.max(nanos / 1e9, 1e-3);
        final StringBuilder sb = new StringBuilder("vigil replay: ");
        sb.append(String.format(Locale.ROOT, "%,d lines · %,d lines/s · ", events, (long) (events / secs)));
        final boolean bytes = "bytes".equals(unit);
        sb.append(bytes ? size(done) : String.format(Locale.ROOT, "%,d %s", done, unit));
        if (total > 0) {
            final double f = Math.min(1, (double) done / total);
            sb.append(" of ").append(bytes ? size(total) : String.format(Locale.ROOT, "%,d", total))
                .append(String.format(Locale.ROOT, " (%d%%)", (int) (f * 100)));
            if (f > 0.001) {
                final long eta = (long) (secs * (1 - f) / f);
                sb.append(String.format(Locale.ROOT, " · ETA %d:%02d", eta / 60, eta % 60));
            }
        }
        return sb.toString();
    }

    private static String size(final long b) {
        if (b < 1 << 20) {
            return String.format(Locale.ROOT, "%d KB", b >> 10);
        }
        if (b < 1L << 30) {
            return String.format(Locale.ROOT, "%.1f MB", b / 1048576.0);
        }
        return String.format(Locale.ROOT, "%.2f GB", b / 1073741824.0);
    }

    /** Clears the line (before the summary is printed). */
    void clear() {
        if (drawn) {
            err.print("\r\033[K");
            err.flush();
        }
    }
}
