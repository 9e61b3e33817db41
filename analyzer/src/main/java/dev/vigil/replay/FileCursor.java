package dev.vigil.replay;

import dev.vigil.engine.DeadLetter;
import dev.vigil.engine.EventSink;
import dev.vigil.engine.Ingest;
import dev.vigil.engine.MapPendingStore;
import dev.vigil.ingest.LineReader;
import dev.vigil.ingest.SourceDetector;
import dev.vigil.parse.LogEvent;
import dev.vigil.parse.Source;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;

/**
 * Reads one log file (plain or gzip) lazily into parsed events, with its own multi-line folding and time
 * fallback, so that several files can be merged by event time. Memory is bounded by one pending entry and the
 * handful of events one line can produce.
 */
final class FileCursor implements AutoCloseable, EventSink {
    private static final int DETECT_LINES = 50;

    final Path path;
    final int index;
    private final LineReader reader;
    private final Ingest ingest;
    private final Source forced;
    private final Source detected;
    private final Consumer<DeadLetter> deadLetters;
    private final ArrayDeque<LogEvent> ready = new ArrayDeque<>();
    private final ArrayDeque<String> lookahead = new ArrayDeque<>();
    private final String key;
    private final MapPendingStore pending = new MapPendingStore();
    private boolean eof;
    long bytesRead;

    FileCursor(final Path path, final int index, final Ingest ingest, final Source forced,
               final Consumer<DeadLetter> deadLetters) throws IOException {
        this.path = path;
        this.index = index;
        this.ingest = ingest;
        this.forced = forced;
        this.deadLetters = deadLetters;
        this.key = path.toString();
        this.reader = open(path);
        if (forced == null) {
            final List<String> first = new ArrayList<>();
            String l;
            while (first.size() < DETECT_LINES && (l = reader.nextString()) != null) {
                lookahead.add(l);
                if (!l.isBlank()) {
                    first.add(l);
                }
            }
            this.detected = SourceDetector.detectFile(first);
        } else {
            this.detected = forced;
        }
    }

    /** The source detected for (or forced on) this file; null when unknown. */
    Source source() {
        return detected;
    }

    private static LineReader open(final Path path) throws IOException {
        InputStream in = Files.newInputStream(path);
        final PushbackInputStream pb = new PushbackInputStream(in, 2);
        final byte[] magic = new byte[2];
        final int n = pb.readNBytes(magic, 0, 2);
        if (n > 0) {
            pb.unread(magic, 0, n);
        }
        in = n == 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b
            ? new GZIPInputStream(pb, 1 << 16) : pb;
        // split as vigil ship splits (on '\n', a trailing '\r' dropped, endless lines bounded), decoded as UTF-8
        // with malformed bytes replaced
        return new LineReader(in, false);
    }

    /** The next event of this file, or null at its end. */
    LogEvent next() throws IOException {
        while (ready.isEmpty() && !eof) {
            final String line = lookahead.isEmpty() ? reader.nextString() : lookahead.poll();
            if (line == null) {
                eof = true;
                pending.flushAll(ingest, this);
                break;
            }
            bytesRead = reader.bytesRead();
            ingest.acceptLine(line, key, forced, LogEvent.NO_TIME, pending, this);
        }
        return ready.poll();
    }

    @Override
    public void event(final LogEvent event) {
        ready.add(event);
    }

    @Override
    public void deadLetter(final DeadLetter deadLetter) {
        deadLetters.accept(deadLetter);
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }
}
