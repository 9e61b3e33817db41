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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;

/**
 * Reads several files at once. One thread per file decodes, folds and parses (the steps that carry a file's
 * state from line to line) and cuts its events into batches; a pool of workers matches each batch and selects the
 * rules each event feeds (per event and stateless, so any worker may take any batch). The merging thread takes each
 * file's batches in order through a small bounded queue, so memory stays flat whatever the input size, and the
 * merged result is the same as a sequential replay's. Splitting the work this way keeps one big file (the access
 * log is often half of the lines) from holding a whole replay to the speed of one core.
 */
final class ParallelReader implements AutoCloseable {

    private static final int BATCH = 256;
    private static final int QUEUED_BATCHES = 16;

    /** One event, its signature matches and the rules it feeds: entries from to to of its batch's selections. */
    static final class Item {
        final LogEvent event;
        final List<Match> matches;
        final RuleSampler.Selections selections;
        final int from;
        final int to;

        Item(final LogEvent event, final List<Match> matches, final RuleSampler.Selections selections,
             final int from, final int to) {
            this.event = event;
            this.matches = matches;
            this.selections = selections;
            this.from = from;
            this.to = to;
        }
    }

    /** One file's reader thread and queue of batches (in file order, each matched by a worker or in progress). */
    final class Lane {
        final int index;
        final FileCursor cursor;
        final Stats stats = new Stats();
        private final BlockingQueue<Future<Item[]>> queue = new ArrayBlockingQueue<>(QUEUED_BATCHES);
        private Item[] batch;
        private int pos;
        private volatile Throwable error;
        private final Thread thread;

        Lane(final int index, final Path file, final Parsers parsers, final Source forced,
             final Consumer<DeadLetter> deadLetters) throws IOException {
            this.index = index;
            this.cursor = new FileCursor(file, index, new Ingest(parsers, stats), forced, deadLetters);
            this.thread = new Thread(this::work, "vigil-replay-" + index);
            this.thread.setDaemon(true);
        }

        private void work() {
            try {
                while (true) {
                    // a permit while parsing, none while waiting for room: at most `threads` lanes parse at once,
                    // and a lane whose queue is full never keeps another from feeding the merge
                    final LogEvent[] events;
                    unmatched.acquire();
                    Future<Item[]> matched = null; // once submitted, the worker gives the permit back
                    try {
                        permits.acquire();
                        try {
                            events = parseBatch();
                        } finally {
                            permits.release();
                        }
                        if (events.length == 0) {
                            break;
                        }
                        matched = workers.submit(() -> {
                            try {
                                return matchBatch(events);
                            } finally {
                                unmatched.release();
                            }
                        });
                    } finally {
                        if (matched == null) {
                            unmatched.release(); // the end of the file, a failure, or an interrupt
                        }
                    }
                    queue.put(matched);
                }
            } catch (final InterruptedException ex) {
                Thread.currentThread().interrupt();
                return;
            } catch (final IOException | RuntimeException ex) {
                error = ex;
            }
            try {
                queue.put(END);
            } catch (final InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        }

        /** Up to {@link #BATCH} parsed events, or none at the end of the file. */
        private LogEvent[] parseBatch() throws IOException {
            final LogEvent[] events = new LogEvent[BATCH];
            int n = 0;
            LogEvent e;
            while (n < BATCH && (e = cursor.next()) != null) {
                events[n++] = e;
            }
            return n == BATCH ? events : java.util.Arrays.copyOf(events, n);
        }

        /** What a failure on this file's thread or a worker becomes on the merging thread: one line naming the file. */
        private UncheckedIOException failure(final Throwable cause) {
            final String message = cursor.path + ": " + cause;
            return new UncheckedIOException(message, new IOException(message, cause));
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
                batch = queue.take().get();
            } catch (final InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", ex);
            } catch (final ExecutionException ex) {
                throw failure(ex.getCause());
            }
            pos = 0;
            if (batch.length == 0) {
                final Throwable failed = error;
                if (failed instanceof IOException) {
                    throw (IOException) failed;
                }
                if (failed != null) {
                    throw failure(failed);
                }
                return null;
            }
            return batch[pos++];
        }
    }

    /** A lane's last entry: no more batches. */
    private static final Future<Item[]> END = CompletableFuture.completedFuture(new Item[0]);

    /** A worker's own matcher and rule selector (both keep scratch space). */
    private record Matching(SignatureMatcher matcher, RuleSampler sampler) {
    }

    private final ThreadLocal<Matching> matching;

    /** Matches a batch and selects its events' rules, on a worker thread. */
    private Item[] matchBatch(final LogEvent[] events) {
        final Matching m = matching.get();
        final Item[] items = new Item[events.length];
        final RuleSampler.Selections selections = new RuleSampler.Selections(4 * events.length);
        final boolean rules = m.sampler.active();
        int from = 0;
        for (int i = 0; i < events.length; i++) {
            final LogEvent e = events[i];
            final List<Match> matches = m.matcher.matchAll(e);
            final int to = rules ? m.sampler.selectInto(selections, e, matches) : from;
            items[i] = new Item(e, matches, selections, from, to);
            from = to;
        }
        return items;
    }

    final List<Lane> lanes = new ArrayList<>();
    /** How many lanes may parse at once. */
    private final Semaphore permits;
    /**
     * Batches parsed and not yet matched, across lanes: two per worker. A worker then matches a batch while its
     * events are still in the cache the lane left them in; with only the lanes' queues as a bound, lanes ran up to
     * 80 batches (tens of MB) ahead of the workers, which then spent a quarter of their time on the first read of
     * each event (JFR, 2026-11-22).
     */
    private final Semaphore unmatched;
    /** Match and select batches: as many workers as threads were asked for. */
    private final ExecutorService workers;

    /** @param threads how many files are parsed at once, and how many workers match (each file has its own thread) */
    ParallelReader(final List<Path> files, final int threads, final PatternPack pack, final Parsers parsers,
                   final Source forced, final Consumer<DeadLetter> deadLetters) throws IOException {
        this.permits = new Semaphore(Math.max(1, threads));
        this.unmatched = new Semaphore(2 * Math.max(1, threads));
        this.matching = ThreadLocal.withInitial(() -> new Matching(new SignatureMatcher(pack),
            new RuleSampler(pack, new Stats())));
        final java.util.concurrent.atomic.AtomicInteger made = new java.util.concurrent.atomic.AtomicInteger();
        this.workers = Executors.newFixedThreadPool(Math.max(1, threads), r -> {
            final Thread t = new Thread(r, "vigil-match-" + made.getAndIncrement()); // lanes submit concurrently
            t.setDaemon(true);
            return t;
        });
        final Consumer<DeadLetter> shared = d -> {
            synchronized (this) {
                deadLetters.accept(d);
            }
        };
        try {
            for (int i = 0; i < files.size(); i++) {
                lanes.add(new Lane(i, files.get(i), parsers, forced, shared));
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
        workers.shutdownNow();
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
