package dev.vigil.replay;

import dev.vigil.engine.DeadLetter;
import dev.vigil.engine.Ingest;
import dev.vigil.engine.Stats;
import dev.vigil.match.Match;
import dev.vigil.match.SignatureMatcher;
import dev.vigil.pack.PatternPack;
import dev.vigil.parse.LogEvent;
import dev.vigil.parse.Parsers;
import dev.vigil.parse.Source;
import dev.vigil.rule.RuleSampler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;

/**
 * Reads several files at once: one thread per file decodes, folds, parses, matches and selects the rules each
 * event feeds, and hands batches of (event, matches, rules) to the merging thread through a small bounded queue, so
 * memory stays flat whatever the input size. All of that is per event and deterministic, so the merged result is
 * the same as a sequential replay's.
 */
final class ParallelReader implements AutoCloseable {

    private static final int BATCH = 256;
    private static final int QUEUED_BATCHES = 16;

    /** One event, its signature matches and the rules it feeds. */
    static final class Item {
        final LogEvent event;
        final List<Match> matches;
        final RuleSampler.Selection selection;

        Item(final LogEvent event, final List<Match> matches, final RuleSampler.Selection selection) {
            this.event = event;
            this.matches = matches;
            this.selection = selection;
        }
    }

    /** One file's reader thread and queue. */
    final class Lane {
        final int index;
        final FileCursor cursor;
        final Stats stats = new Stats();
        private final BlockingQueue<Item[]> queue = new ArrayBlockingQueue<>(QUEUED_BATCHES);
        private Item[] batch;
        private int pos;
        private volatile Throwable error;
        private final Thread thread;

        Lane(final int index, final Path file, final PatternPack pack, final Parsers parsers, final Source forced,
             final Consumer<DeadLetter> deadLetters) throws IOException {
            this.index = index;
            this.cursor = new FileCursor(file, index, new Ingest(parsers, stats), forced, deadLetters);
            final SignatureMatcher matcher = new SignatureMatcher(pack);
            final RuleSampler sampler = new RuleSampler(pack, stats);
            this.thread = new Thread(() -> work(matcher, sampler), "vigil-replay-" + index);
            this.thread.setDaemon(true);
        }

        private void work(final SignatureMatcher matcher, final RuleSampler sampler) {
            try {
                while (true) {
                    // a permit while working, none while waiting for room: at most `threads` lanes parse at once,
                    // and a lane whose queue is full never keeps another from feeding the merge
                    final Item[] items;
                    permits.acquire();
                    try {
                        items = batch(matcher, sampler);
                    } finally {
                        permits.release();
                    }
                    if (items.length == 0) {
                        break;
                    }
                    queue.put(items);
                }
            } catch (final InterruptedException ex) {
                Thread.currentThread().interrupt();
                return;
            } catch (final IOException | RuntimeException ex) {
                error = ex;
            }
            try {
                queue.put(new Item[0]);
            } catch (final InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        }

        /** Up to {@link #BATCH} items, or none at the end of the file. */
        private Item[] batch(final SignatureMatcher matcher, final RuleSampler sampler) throws IOException {
            final List<Item> items = new ArrayList<>(BATCH);
            LogEvent e;
            while (items.size() < BATCH && (e = cursor.next()) != null) {
                final List<Match> matches = matcher.matchAll(e);
                items.add(new Item(e, matches, sampler.active() ? sampler.select(e, matches)
                    : RuleSampler.Selection.NONE));
            }
            return items.toArray(new Item[0]);
        }

        /** The next item of this file, or null at its end. */
        Item next() throws IOException {
            if (batch != null && pos < batch.length) {
                return batch[pos++];
            }
            if (batch != null && batch.length == 0) {
                return null;
            }
            try {
                batch = queue.take();
            } catch (final InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", ex);
            }
            pos = 0;
            if (batch.length == 0) {
                final Throwable failed = error;
                if (failed instanceof IOException) {
                    throw (IOException) failed;
                }
                if (failed != null) {
                    throw new UncheckedIOException(new IOException(cursor.path + ": " + failed, failed));
                }
                return null;
            }
            return batch[pos++];
        }
    }

    final List<Lane> lanes = new ArrayList<>();
    /** How many lanes may work at once. */
    private final Semaphore permits;

    /** @param threads how many files are read and parsed at once (each file still has a thread of its own) */
    ParallelReader(final List<Path> files, final int threads, final PatternPack pack, final Parsers parsers,
                   final Source forced, final Consumer<DeadLetter> deadLetters) throws IOException {
        this.permits = new Semaphore(Math.max(1, threads));
        final Consumer<DeadLetter> shared = d -> {
            synchronized (this) {
                deadLetters.accept(d);
            }
        };
        try {
            for (int i = 0; i < files.size(); i++) {
                lanes.add(new Lane(i, files.get(i), pack, parsers, forced, shared));
            }
        } catch (final IOException e) {
            close();
            throw e;
        }
        for (final Lane l : lanes) {
            l.thread.start();
        }
    }

    @Override
    public void close() throws IOException {
        for (final Lane l : lanes) {
            l.thread.interrupt();
        }
        for (final Lane l : lanes) {
            try {
                l.thread.join(5_000);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            l.cursor.close();
        }
    }
}
