package dev.vigil.replay;

import dev.vigil.broker.TopicPartitions;
import dev.vigil.engine.DeadLetter;
import dev.vigil.engine.EventSink;
import dev.vigil.engine.Ingest;
import dev.vigil.engine.MapPendingStore;
import dev.vigil.parse.LogEvent;
import dev.vigil.parse.Source;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a log topic for a replay: every partition from the offset of {@code since} (by record timestamp, less a
 * margin: record timestamps are when a shipper published, event times come from the lines) up to the end offsets
 * captured when it starts, or until its events' time has passed {@code until} by the margin (record timestamps say
 * nothing about the end: a backfill publishes old lines late). No consumer group: the partitions are
 * assigned and sought directly, so the live application's committed offsets are never touched. Each record is decoded
 * like the live path ({@link Ingest#accept}, folding per {@code topic/partition}); each partition is a lane the
 * runner merges by event time.
 */
final class TopicReader implements AutoCloseable {

    /** How far record timestamps may run ahead of the event times in them. */
    static final long MARGIN_MILLIS = 5 * 60_000L;
    private static final int HIGH_WATER = 20_000;
    private static final int LOW_WATER = 2_000;
    private static final Duration STALL = Duration.ofSeconds(60);

    final String topic;
    final List<Lane> lanes = new ArrayList<>();
    private final Map<Integer, Lane> byPartition = new HashMap<>();
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Ingest ingest;
    private final Source forced;
    private final Consumer<DeadLetter> deadLetters;
    private final Long until;
    long records;
    long bytes;
    long totalRecords;

    TopicReader(final Map<String, Object> clientProps, final String topic, final Long since, final Long until,
                final Ingest ingest, final Source forced, final Consumer<DeadLetter> deadLetters) throws IOException {
        this.topic = topic;
        this.ingest = ingest;
        this.forced = forced;
        this.deadLetters = deadLetters;
        this.until = until;
        final Properties p = new Properties();
        p.putAll(clientProps);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        p.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "vigil-replay");
        p.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        this.consumer = new KafkaConsumer<>(p);
        try {
            final List<TopicPartition> tps = TopicPartitions.of(consumer, topic, Duration.ofSeconds(30));
            if (tps.isEmpty()) {
                throw new IOException("topic " + topic + ": not found");
            }
            consumer.assign(tps);
            final Map<TopicPartition, Long> ends = consumer.endOffsets(tps, Duration.ofSeconds(30));
            final Map<TopicPartition, Long> begins = consumer.beginningOffsets(tps, Duration.ofSeconds(30));
            final Map<TopicPartition, OffsetAndTimestamp> from = since == null ? Map.of()
                : lookup(tps, since - MARGIN_MILLIS);
            int index = 0;
            for (final TopicPartition tp : tps) {
                final long end = ends.get(tp);
                long start = begins.get(tp);
                if (since != null) {
                    final OffsetAndTimestamp o = from.get(tp);
                    start = o == null ? end : Math.max(start, o.offset());
                }
                final Lane l = new Lane(tp, index++, Math.min(start, end), end);
                lanes.add(l);
                byPartition.put(tp.partition(), l);
                totalRecords += l.end - l.start;
                consumer.seek(tp, l.start);
                if (l.start >= l.end) {
                    l.finish();
                }
            }
        } catch (final IOException | RuntimeException e) {
            consumer.close();
            throw e;
        }
    }

    private Map<TopicPartition, OffsetAndTimestamp> lookup(final List<TopicPartition> tps, final long time) {
        final Map<TopicPartition, Long> q = new HashMap<>();
        for (final TopicPartition tp : tps) {
            q.put(tp, Math.max(0, time));
        }
        final Map<TopicPartition, OffsetAndTimestamp> r = consumer.offsetsForTimes(q, Duration.ofSeconds(30));
        final Map<TopicPartition, OffsetAndTimestamp> out = new HashMap<>();
        r.forEach((k, v) -> {
            if (v != null) {
                out.put(k, v);
            }
        });
        return out;
    }

    /** Polls once and spreads what came over the lanes. */
    private void pollOnce() throws IOException {
        final long deadline = System.nanoTime() + STALL.toNanos();
        while (true) {
            final var batch = consumer.poll(Duration.ofMillis(200));
            for (final ConsumerRecord<byte[], byte[]> r : batch) {
                final Lane l = byPartition.get(r.partition());
                if (l == null || l.done || r.offset() >= l.end) {
                    continue;
                }
                records++;
                final byte[] v = r.value() == null ? new byte[0] : r.value();
                bytes += v.length;
                ingest.accept(v, topic + "/" + r.partition(), forced, r.timestamp(), l.pending, l);
            }
            boolean progress = !batch.isEmpty();
            final List<TopicPartition> pause = new ArrayList<>();
            final List<TopicPartition> resume = new ArrayList<>();
            for (final Lane l : lanes) {
                if (l.done) {
                    continue;
                }
                if (consumer.position(l.tp) >= l.end
                    || until != null && l.maxEvent != Long.MIN_VALUE && l.maxEvent >= until + MARGIN_MILLIS) {
                    l.finish();
                    progress = true;
                } else if (l.ready.size() > HIGH_WATER) {
                    pause.add(l.tp);
                } else if (l.ready.size() < LOW_WATER) {
                    resume.add(l.tp);
                }
            }
            consumer.pause(pause);
            consumer.resume(resume);
            if (progress) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("topic " + topic + ": no records for " + STALL.toSeconds()
                    + " s before the end offsets taken at start");
            }
        }
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }

    /** One partition's events in offset order. */
    final class Lane implements EventSink {
        final TopicPartition tp;
        final int index;
        final long start;
        final long end;
        final ArrayDeque<LogEvent> ready = new ArrayDeque<>();
        final MapPendingStore pending = new MapPendingStore();
        boolean done;
        long maxEvent = Long.MIN_VALUE;

        Lane(final TopicPartition tp, final int index, final long start, final long end) {
            this.tp = tp;
            this.index = index;
            this.start = start;
            this.end = end;
        }

        void finish() {
            done = true;
            pending.flushAll(ingest, this);
            consumer.pause(List.of(tp));
        }

        /** The next event of this partition, or null at its end. */
        LogEvent next() throws IOException {
            while (ready.isEmpty() && !done) {
                pollOnce();
            }
            return ready.poll();
        }

        @Override
        public void event(final LogEvent event) {
            maxEvent = Math.max(maxEvent, event.time());
            ready.add(event);
        }

        @Override
        public void deadLetter(final DeadLetter deadLetter) {
            deadLetters.accept(deadLetter);
        }
    }
}
