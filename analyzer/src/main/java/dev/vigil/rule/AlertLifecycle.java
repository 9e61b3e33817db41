package dev.vigil.rule;

import dev.vigil.alert.Alert;
import dev.vigil.alert.Fingerprint;
import dev.vigil.engine.Hit;
import dev.vigil.pack.PatternPack;
import dev.vigil.pack.Signature;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Turns signature matches into alert episodes, on event time only: the first match of a signature + labels
 * fires, later matches update the episode's counters without paging again (a renotify re-sends the firing alert
 * after {@link AlertSettings#renotifyMillis()}), and once no match has come for the signature's
 * {@code resolve_after} the episode resolves with {@code endsAt = lastSeen + resolve_after} — when time passes that
 * deadline, or when the next match comes after it (which then starts a new episode). Deterministic for a
 * given order of calls, which is what makes live and replay agree.
 *
 * <p>Time comes only from {@link #advance} ({@link BackEnd} turns the inputs' ticks into one clock); hits never
 * move time. {@link #finish()} at the end of a replay resolves whatever is still open.
 */
public final class AlertLifecycle {

    private final PatternPack pack;
    private final AlertSettings settings;
    private final KeyedStore<Episode> store;
    private final Consumer<Alert> out;
    private long streamTime = Long.MIN_VALUE;

    /** Earliest deadline of any open episode, or MAX when unknown-none; recomputed by scanning. */
    private long nextDeadline;

    public AlertLifecycle(final PatternPack pack, final AlertSettings settings, final KeyedStore<Episode> store,
                          final Consumer<Alert> out) {
        this.pack = pack;
        this.settings = settings;
        this.store = store;
        this.out = out;
        this.nextDeadline = scanDeadline();
    }

    /** Current time: the last {@link #advance}, or the slowest input stream's last {@link #watermark}. */
    public long streamTime() {
        return streamTime;
    }

    /** Advances time to {@code time} (never backwards) and resolves episodes whose quiet period passed. */
    public void advance(final long time) {
        if (time > streamTime) {
            streamTime = time;
        }
        resolveDue();
    }

    /**
     * Sets time to {@code time} even when that is behind the time before: an input stream that returns, or is
     * heard from for the first time, with older events holds back the resolving of episodes it may still extend.
     */
    public void follow(final long time) {
        streamTime = time;
        resolveDue();
    }

    private void resolveDue() {
        if (streamTime < nextDeadline) {
            return;
        }
        final List<Episode> due = new ArrayList<>();
        store.forEach(e -> {
            if (e.deadline() <= streamTime) {
                due.add(e);
            }
        });
        resolve(due);
        nextDeadline = scanDeadline();
    }

    /**
     * Records a signature hit at its event time, firing a new episode or updating the open one. Hits of
     * signatures the pack does not know (a pack changed under a running changelog) are ignored.
     */
    public void onHit(final Hit h) {
        final long time = h.time();
        final Signature sig = pack.signature(h.signature());
        if (sig == null) {
            return;
        }
        final String id = Fingerprint.of(sig.id(), h.labels());
        Episode e = store.get(id);
        final String line = h.line();
        if (e != null && time >= e.deadline()) {
            // the signature was quiet for resolve_after before this match: that episode is over, whether or not
            // time (held back by slower input streams) has said so yet, and this match starts the next one
            store.delete(id);
            out.accept(toAlert(e, Alert.Status.RESOLVED));
            e = null;
        }
        if (e == null) {
            e = new Episode();
            e.id = id;
            e.name = sig.id();
            e.labels = new TreeMap<>(h.labels());
            e.startsAt = time;
            e.lastSeen = time;
            e.lastNotified = time;
            e.count = 1;
            e.resolveAfter = sig.resolveAfterMillis();
            e.evidence.add(new Alert.Evidence(time, line));
            store.put(e.id, e);
            out.accept(toAlert(e, Alert.Status.FIRING));
        } else {
            e.count++;
            e.lastSeen = Math.max(e.lastSeen, time);
            if (e.evidence.size() < settings.maxEvidence()) {
                e.evidence.add(new Alert.Evidence(time, line));
            }
            final boolean renotify = settings.renotifyMillis() > 0
                && time - e.lastNotified >= settings.renotifyMillis();
            if (renotify) {
                e.lastNotified = time;
            }
            store.put(e.id, e);
            if (renotify) {
                out.accept(toAlert(e, Alert.Status.FIRING));
            }
        }
        nextDeadline = Math.min(nextDeadline, e.deadline());
    }

    /** End of input (replay): resolves every open episode at its deadline. */
    public void finish() {
        final List<Episode> all = new ArrayList<>();
        store.forEach(all::add);
        resolve(all);
        nextDeadline = Long.MAX_VALUE;
    }

    private void resolve(final List<Episode> due) {
        due.sort(Comparator.comparingLong(Episode::deadline).thenComparing(e -> e.id));
        for (final Episode e : due) {
            store.delete(e.id);
            out.accept(toAlert(e, Alert.Status.RESOLVED));
        }
    }

    private long scanDeadline() {
        final long[] min = {Long.MAX_VALUE};
        store.forEach(e -> min[0] = Math.min(min[0], e.deadline()));
        return min[0];
    }

    private Alert toAlert(final Episode e, final Alert.Status status) {
        final Signature sig = pack.signature(e.name);
        final String title = sig == null ? e.name : sig.title();
        final String summary = render(sig == null ? title : sig.summary(), e.labels);
        return new Alert(e.id, status, e.name, Alert.Kind.SIGNATURE,
            sig == null ? "warning" : sig.severity().id(), sig == null ? "" : sig.source().id(), summary,
            sig == null ? "" : sig.diagnosis(), sig == null ? "" : settings.runbookUrl(sig.runbook()),
            Collections.unmodifiableSortedMap(new TreeMap<>(e.labels)), null, null, null, null, e.startsAt,
            status == Alert.Status.RESOLVED ? e.deadline() : null, e.count, List.copyOf(e.evidence));
    }

    /** Fills {@code {label}} placeholders; a missing label renders as {@code ?}. */
    static String render(final String template, final Map<String, String> labels) {
        if (template.indexOf('{') < 0) {
            return template;
        }
        final StringBuilder sb = new StringBuilder(template.length() + 32);
        int i = 0;
        while (i < template.length()) {
            final char c = template.charAt(i);
            final int close = c == '{' ? template.indexOf('}', i) : -1;
            if (close > i) {
                final String v = labels.get(template.substring(i + 1, close));
                sb.append(v == null ? "?" : v);
                i = close + 1;
            } else {
                sb.append(c);
                i++;
            }
        }
        return sb.toString();
    }
}
