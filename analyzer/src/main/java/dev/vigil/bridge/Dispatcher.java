package dev.vigil.bridge;

import dev.vigil.alert.Alert;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delivery core, free of Kafka: holds the pending alerts, decides each round what is due, asks the target for
 * messages (one per alert, or grouped when over the rate limit), sends them, and settles each alert as delivered,
 * dropped, or dead-lettered, or schedules its retry ({@link DeliveryPolicy}). Updates of one alert id go out in the
 * order they were read: a resolve never overtakes the trigger it follows.
 *
 * <p>Single-threaded; time comes from the injected clock, randomness from the injected supplier.
 */
final class Dispatcher {
    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

    private final Target target;
    private final DeliveryPolicy policy;
    private final Sender sender;
    private final Clock clock;
    private final DoubleSupplier random;
    private final BridgeMeters meters;
    private final DeadLetterSink deadLetters;
    private final Consumer<Pending> settled;
    private final TokenBucket bucket;
    private final LogLimiter warnings;
    /** Pending alerts per alert id, in arrival order; only the head of each queue is eligible. */
    private final Map<String, ArrayDeque<Pending>> byId = new LinkedHashMap<>();
    private long seq;
    private int size;
    private long holdUntil = Long.MIN_VALUE;

    Dispatcher(final Target target, final DeliveryPolicy policy, final Sender sender, final Clock clock,
               final DoubleSupplier random, final BridgeMeters meters, final DeadLetterSink deadLetters,
               final Consumer<Pending> settled) {
        this.target = target;
        this.policy = policy;
        this.sender = sender;
        this.clock = clock;
        this.random = random;
        this.meters = meters;
        this.deadLetters = deadLetters;
        this.settled = settled;
        this.bucket = new TokenBucket(policy.burst(), policy.ratePerMinute(), clock.millis());
        this.warnings = new LogLimiter(LOG, clock, 20);
    }

    /** Adds an alert read from Kafka; it is due at once. */
    Pending add(final ConsumerRecord<byte[], byte[]> record, final Alert alert) {
        final Pending p = new Pending(record, alert, seq++, clock.millis(), policy.maxAge().toMillis());
        byId.computeIfAbsent(alert.id(), k -> new ArrayDeque<>()).addLast(p);
        size++;
        return p;
    }

    /** Alerts read and not yet settled. */
    int size() {
        return size;
    }

    /** Forgets the alerts of partitions this bridge no longer owns; their new owner delivers them. */
    void forget(final Collection<TopicPartition> partitions) {
        final Set<TopicPartition> gone = new HashSet<>(partitions);
        final Iterator<ArrayDeque<Pending>> it = byId.values().iterator();
        while (it.hasNext()) {
            final ArrayDeque<Pending> q = it.next();
            final int before = q.size();
            q.removeIf(p -> gone.contains(p.partition));
            size -= before - q.size();
            if (q.isEmpty()) {
                it.remove();
            }
        }
    }

    /** When {@link #runDue} next has something to do (epoch ms); {@link Long#MAX_VALUE} when nothing is pending. */
    long nextWakeup() {
        final long now = clock.millis();
        long next = Long.MAX_VALUE;
        for (final ArrayDeque<Pending> q : byId.values()) {
            final Pending p = q.peekFirst();
            long t = p.nextAttempt;
            if (t <= now) {
                // due but held back by the group interval or the rate limit; the deadline still applies
                t = Math.min(Math.max(Math.max(holdUntil, bucket.nextTokenAt(now)), now), Math.max(p.deadline, now));
            }
            next = Math.min(next, t);
        }
        return next;
    }

    /**
     * One round: sends what is due, as far as the rate limit allows.
     *
     * @param stop         checked between requests; true ends the round early
     * @param budgetMillis how long the round may take before it returns (the consumer must poll again)
     */
    void runDue(final BooleanSupplier stop, final long budgetMillis) {
        final long start = clock.millis();
        final List<Pending> due = due(start);
        if (due.isEmpty()) {
            return;
        }
        if (start >= holdUntil) {
            final List<Pending> solo = new ArrayList<>();
            final List<Pending> rest = new ArrayList<>();
            for (final Pending p : due) {
                (p.solo ? solo : rest).add(p);
            }
            final boolean grouped = rest.size() > bucket.available(start);
            final List<Message> messages = new ArrayList<>(target.plan(solo, false, 1));
            messages.addAll(target.plan(rest, grouped, policy.maxBatch()));
            boolean groupedSent = false;
            for (final Message m : messages) {
                final long now = clock.millis();
                if (stop.getAsBoolean() || now - start > budgetMillis) {
                    break;
                }
                if (m.calls().isEmpty()) {
                    settleAll(m.alerts(), m.dropped() ? BridgeMeters.Outcome.DROPPED : BridgeMeters.Outcome.DELIVERED);
                    m.onDelivered().run();
                    continue;
                }
                if (m.grouped() && groupedSent) {
                    // one flush: the first grouped request needed a token, the rest of the flush follows on credit
                    bucket.take(m.calls().size());
                } else if (!bucket.tryAcquire(now, m.calls().size())) {
                    continue;
                }
                groupedSent |= m.grouped();
                send(m);
            }
            if (groupedSent) {
                holdUntil = clock.millis() + policy.groupInterval().toMillis();
            }
        }
        final long now = clock.millis();
        for (final Pending p : due) {
            if (!p.done && p.nextAttempt <= now && now >= p.deadline) {
                deadLetter(p, "max_age", p.lastError == null
                    ? "not sent within max-age " + policy.maxAge() + " (rate limit)"
                    : "gave up after " + p.attempts + " attempts within max-age " + policy.maxAge() + ": "
                        + p.lastError);
            }
        }
    }

    private List<Pending> due(final long now) {
        final List<Pending> due = new ArrayList<>();
        for (final ArrayDeque<Pending> q : byId.values()) {
            final Pending p = q.peekFirst();
            if (p.nextAttempt <= now) {
                due.add(p);
            }
        }
        due.sort(Comparator.comparingLong(p -> p.seq));
        return due;
    }

    private void send(final Message m) {
        SendResult r = SendResult.ok();
        for (final HttpCall call : m.calls()) {
            meters.request(m.grouped());
            r = sender.send(call);
            if (r.kind() != SendResult.Kind.SUCCESS) {
                break;
            }
        }
        final long now = clock.millis();
        switch (r.kind()) {
            case SUCCESS:
                m.onDelivered().run();
                settleAll(m.alerts(), BridgeMeters.Outcome.DELIVERED);
                break;
            case RETRY:
                meters.retry(r.reason());
                if (r.retryAfterMillis() >= 0) {
                    bucket.blockUntil(now + r.retryAfterMillis());
                }
                int retried = 0;
                long soonest = Long.MAX_VALUE;
                for (final Pending p : m.alerts()) {
                    p.attempts++;
                    p.lastError = r.detail();
                    final long next = policy.nextAttempt(p.attempts, now, p.deadline, r.retryAfterMillis(),
                        random.getAsDouble());
                    if (next < 0) {
                        deadLetter(p, "max_age", "gave up after " + p.attempts + " attempts within max-age "
                            + policy.maxAge() + ": " + r.detail());
                    } else {
                        p.nextAttempt = next;
                        soonest = Math.min(soonest, next);
                        retried++;
                    }
                }
                if (retried > 0) {
                    meters.delivery(BridgeMeters.Outcome.RETRIED, retried);
                    warnings.warn("{} delivery of {} alert(s) failed ({}); retrying in {} ms", target.kind().id(),
                        retried, r.detail(), soonest - now);
                }
                break;
            default:
                final boolean split = m.alerts().size() > 1 && m.alerts().stream().anyMatch(p -> !p.solo);
                for (final Pending p : m.alerts()) {
                    p.attempts++;
                    p.lastError = r.detail();
                    if (split) {
                        p.solo = true; // resent one by one in the next round, to find which alert is refused
                    } else {
                        deadLetter(p, "rejected", r.detail());
                    }
                }
                if (split) {
                    warnings.warn("{} refused a grouped message of {} alerts ({}); sending them one by one",
                        target.kind().id(), m.alerts().size(), r.detail());
                }
        }
    }

    private void deadLetter(final Pending p, final String reason, final String detail) {
        deadLetters.deadLetter(p.record, reason, detail, p.attempts);
        meters.deadLetter(reason);
        warnings.warn("{} dead-lettered alert {} ({} {}) after {} attempt(s): {}: {}", target.kind().id(), p.id(),
            p.alert.name(), p.alert.status().id(), p.attempts, reason, detail);
        settle(p, BridgeMeters.Outcome.DEAD_LETTERED);
    }

    private void settleAll(final List<Pending> ps, final BridgeMeters.Outcome outcome) {
        for (final Pending p : ps) {
            settle(p, outcome);
        }
    }

    private void settle(final Pending p, final BridgeMeters.Outcome outcome) {
        if (p.done) {
            return;
        }
        p.done = true;
        final ArrayDeque<Pending> q = byId.get(p.id());
        if (q != null && q.remove(p)) {
            size--;
            if (q.isEmpty()) {
                byId.remove(p.id());
            }
        }
        meters.delivery(outcome, 1);
        settled.accept(p);
    }
}
