package dev.vigil.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;

/**
 * The engine's counters and gauges: what came in, what was parsed, what was dead-lettered and why, what matched,
 * what alerted, which alert episodes are open, and the rules' current values. Thread-safe: one instance may serve
 * every stream task of a process (Kafka Streams runs several stream threads), and reading it never stops the
 * writers.
 *
 * <p>The hot path (one {@link #read}, one {@link #parsed} per line) costs a hash lookup and an uncontended
 * {@link LongAdder} increment, with no allocation once a label value has been seen. Publishing is not this class's
 * business: an {@link Observer} (the metrics layer) is told once about each counter or gauge as it appears and
 * reads its value when scraped, so a process without a metrics server pays nothing more.
 *
 * <p>Every label value comes from a bounded set: sources, reason codes, signature and rule ids, severities,
 * statuses, cache names. {@link #ruleValue(String, String)} enforces a budget on the one label that could grow.
 */
public final class Stats {

    /** Most distinct groups per rule with a gauge of their own; later groups share {@link #OTHER_GROUP}. */
    public static final int MAX_GROUPS_PER_RULE = 50;
    /** The group label of rule values past the budget. */
    public static final String OTHER_GROUP = "_other";

    /** What a cell measures, with the names of its labels, in order. */
    public enum Kind {
        /** Lines or records read, by source ("unknown" before routing). */
        READ(false, "source"),
        /** Entries parsed, by source. */
        PARSED(false, "source"),
        /** Records dead-lettered, by source ("unknown" when none) and reason code. */
        DEAD_LETTERED(false, "source", "reason"),
        /** Lines cut at the maximum entry length. */
        TRUNCATED(false),
        /** Records that arrived after the event-time clock of a stage had passed them, by stage. */
        LATE(false, "stage"),
        /** Entries a bounded in-memory cache forgot to stay within its bound, by cache. */
        EVICTED(false, "cache"),
        /** Signature matches, by signature id. */
        MATCHED(false, "signature"),
        /** Alerts emitted (firing, renotified or resolved), by name, severity and status. */
        ALERTED(false, "name", "severity", "status"),
        /** Alert episodes open now, by name and severity (a gauge). */
        OPEN(true, "name", "severity"),
        /** A rule's current value, by rule and group (a gauge). */
        RULE_VALUE(true, "rule", "group"),
        /** A rule's threshold, by rule (a gauge). */
        RULE_THRESHOLD(true, "rule");

        private final boolean gauge;
        private final List<String> labels;

        Kind(final boolean gauge, final String... labels) {
            this.gauge = gauge;
            this.labels = List.of(labels);
        }

        /** Whether this is a gauge (a level) rather than a counter (a running total). */
        public boolean gauge() {
            return gauge;
        }

        /** Label names, in the order {@link Cell#labels()} gives their values. */
        public List<String> labels() {
            return labels;
        }
    }

    /** One counter or gauge: a kind and the values of its labels. */
    public static final class Cell {
        private final Kind kind;
        private final List<String> labels;
        private final LongAdder count = new LongAdder();
        private volatile double level;

        Cell(final Kind kind, final List<String> labels) {
            this.kind = kind;
            this.labels = labels;
        }

        public Kind kind() {
            return kind;
        }

        /** Label values, in the order of {@link Kind#labels()}. */
        public List<String> labels() {
            return labels;
        }

        /** The running total of a counter, or the level of a gauge. */
        public double value() {
            return kind.gauge ? level : count.sum();
        }

        long count() {
            return count.sum();
        }
    }

    /** Told about each cell once, when it first appears (or, for cells older than the observer, at once). */
    @FunctionalInterface
    public interface Observer {
        void cell(Cell cell);
    }

    /** A gauge a rule sets to its current value. Thread-safe; cheap enough to set on every evaluation. */
    public static final class RuleValue {
        private final Cell cell;

        RuleValue(final Cell cell) {
            this.cell = cell;
        }

        /** Sets the value (a ratio, a count, a quantile in ms: whatever the rule compares to its threshold). */
        public void set(final double value) {
            cell.level = value;
        }

        public double get() {
            return cell.level;
        }
    }

    private final Map<Kind, ConcurrentHashMap<String, Cell>> cells = new EnumMap<>(Kind.class);
    private final Cell[] readCells = new Cell[dev.vigil.parse.Source.values().length];
    private final Cell[] parsedCells = new Cell[dev.vigil.parse.Source.values().length];
    private final List<Observer> observers = new CopyOnWriteArrayList<>();
    /** Open episodes each owner (a stream task) last reported, by cell key. */
    private final Map<String, Map<String, Long>> openByOwner = new HashMap<>();
    private final Map<String, Set<String>> groupsByRule = new HashMap<>();

    public Stats() {
        for (final Kind k : Kind.values()) {
            cells.put(k, new ConcurrentHashMap<>());
        }
    }

    private Cell cell(final Kind kind, final String key) {
        final Cell c = cells.get(kind).get(key);
        return c != null ? c : create(kind, key);
    }

    /** The slow path, once per label combination: create, then tell the observers outside the map's locks. */
    private synchronized Cell create(final Kind kind, final String key) {
        final ConcurrentHashMap<String, Cell> m = cells.get(kind);
        Cell c = m.get(key);
        if (c == null) {
            c = new Cell(kind, kind.labels.size() <= 1 ? (kind.labels.isEmpty() ? List.of() : List.of(key))
                : List.of(key.split("\u0000", -1)));
            m.put(key, c);
            for (final Observer o : observers) {
                o.cell(c);
            }
        }
        return c;
    }

    private static String key(final String a, final String b) {
        return a + '\u0000' + b;
    }

    private static String key(final String a, final String b, final String c) {
        return a + '\u0000' + b + '\u0000' + c;
    }

    private static String orUnknown(final String s) {
        return s == null ? "unknown" : s;
    }

    /**
     * Registers an observer: it is told about every existing cell now and every new one as it appears, each
     * exactly once.
     */
    public synchronized void observe(final Observer o) {
        observers.add(o);
        for (final ConcurrentHashMap<String, Cell> m : cells.values()) {
            for (final Cell c : m.values()) {
                o.cell(c);
            }
        }
    }

    /** A record or line was read for this source ("unknown" before routing). */
    public void read(final String source) {
        cell(Kind.READ, source).count.increment();
    }

    /** An entry was parsed. */
    public void parsed(final String source) {
        cell(Kind.PARSED, source).count.increment();
    }

    /** A line was read from a known source (the per-line path: no map lookup after the first). */
    public void read(final dev.vigil.parse.Source source) {
        sourceCell(readCells, Kind.READ, source).count.increment();
    }

    /** An entry of a known source was parsed (the per-line path). */
    public void parsed(final dev.vigil.parse.Source source) {
        sourceCell(parsedCells, Kind.PARSED, source).count.increment();
    }

    private Cell sourceCell(final Cell[] cache, final Kind kind, final dev.vigil.parse.Source source) {
        // a racing thread may see null and look the cell up itself; Cell's final fields make sharing it safe
        Cell c = cache[source.ordinal()];
        if (c == null) {
            c = cell(kind, source.id());
            cache[source.ordinal()] = c;
        }
        return c;
    }

    /** A record went to the dead-letter output; {@code source} may be null when no parser was chosen. */
    public void deadLettered(final String source, final String reason) {
        cell(Kind.DEAD_LETTERED, key(orUnknown(source), reason)).count.increment();
    }

    /** A record went to the dead-letter output before any source was known. */
    public void deadLettered(final String reason) {
        deadLettered(null, reason);
    }

    /** A signature matched. */
    public void matched(final String signature) {
        cell(Kind.MATCHED, signature).count.increment();
    }

    /** An alert was emitted. */
    public void alerted(final String name, final String severity, final String status) {
        cell(Kind.ALERTED, key(name, severity, status)).count.increment();
    }

    /** A line was cut at the maximum length. */
    public void truncated() {
        cell(Kind.TRUNCATED, "").count.increment();
    }

    /**
     * A record arrived after the event-time clock of {@code stage} had passed it ({@code alert_lifecycle}: a hit
     * older than the lifecycle's time; {@code rule_window}: a record after its window's grace).
     */
    public void late(final String stage) {
        cell(Kind.LATE, stage).count.increment();
    }

    /** A bounded in-memory cache forgot an entry to stay within its bound. */
    public void evicted(final String cache) {
        cell(Kind.EVICTED, cache).count.increment();
    }

    /**
     * Replaces what {@code owner} (a stream task) last reported about its open alert episodes.
     *
     * @param open count of open episodes by {@code name + "\u0000" + severity}, see {@link #openKey}
     */
    public void openEpisodes(final String owner, final Map<String, Long> open) {
        final Set<String> touched;
        synchronized (openByOwner) {
            final Map<String, Long> before = openByOwner.put(owner, Map.copyOf(open));
            touched = new HashSet<>(open.keySet());
            if (before != null) {
                touched.addAll(before.keySet());
            }
            refreshOpen(touched);
        }
    }

    /** Forgets {@code owner}'s open episodes (its task moved to another instance or closed). */
    public void dropOwner(final String owner) {
        synchronized (openByOwner) {
            final Map<String, Long> before = openByOwner.remove(owner);
            if (before != null) {
                refreshOpen(before.keySet());
            }
        }
    }

    private void refreshOpen(final Set<String> keys) {
        for (final String k : keys) {
            long sum = 0;
            for (final Map<String, Long> m : openByOwner.values()) {
                sum += m.getOrDefault(k, 0L);
            }
            cell(Kind.OPEN, k).level = sum;
        }
    }

    /** The key of {@link #openEpisodes}' map. */
    public static String openKey(final String name, final String severity) {
        return key(name, severity);
    }

    /** The gauge of a rule's value when the rule has one value per instance (no groups). */
    public RuleValue ruleValue(final String rule) {
        return new RuleValue(cell(Kind.RULE_VALUE, key(rule, "")));
    }

    /**
     * The gauge of one group of a rule (the values of its {@code group_by} labels, e.g. a host or a database),
     * for rules whose groups live in different stream tasks. Groups must come from bounded sets (hosts,
     * databases, units; never client addresses, users or paths); past {@link #MAX_GROUPS_PER_RULE} distinct groups
     * a rule's further groups share the group {@value #OTHER_GROUP}.
     */
    public RuleValue ruleValue(final String rule, final String group) {
        final Cell existing = cells.get(Kind.RULE_VALUE).get(key(rule, group));
        if (existing != null) {
            return new RuleValue(existing);
        }
        final boolean within;
        synchronized (groupsByRule) {
            final Set<String> groups = groupsByRule.computeIfAbsent(rule, r -> new HashSet<>());
            within = groups.contains(group) || groups.size() < MAX_GROUPS_PER_RULE && groups.add(group);
        }
        return new RuleValue(cell(Kind.RULE_VALUE, key(rule, within ? group : OTHER_GROUP)));
    }

    /** Publishes a rule's threshold, so that dashboards can draw it beside {@link #ruleValue}. */
    public void ruleThreshold(final String rule, final double threshold) {
        cell(Kind.RULE_THRESHOLD, rule).level = threshold;
    }

    /** Every cell, for exporting and tests. */
    public List<Cell> cells() {
        final List<Cell> out = new ArrayList<>();
        for (final ConcurrentHashMap<String, Cell> m : cells.values()) {
            out.addAll(m.values());
        }
        return Collections.unmodifiableList(out);
    }

    /** Totals of one kind by the label at {@code index}, summed over the others. */
    private Map<String, Long> by(final Kind kind, final int index) {
        final Map<String, Long> out = new TreeMap<>();
        for (final Cell c : cells.get(kind).values()) {
            out.merge(c.labels.get(index), c.count(), Long::sum);
        }
        return out;
    }

    private long sum(final Kind kind) {
        long s = 0;
        for (final Cell c : cells.get(kind).values()) {
            s += c.count();
        }
        return s;
    }

    public Map<String, Long> readBySource() {
        return by(Kind.READ, 0);
    }

    /** Late records by stage (a rule id for lines later than the rule's grace, or a pipeline stage). */
    public Map<String, Long> lateByStage() {
        return by(Kind.LATE, 0);
    }

    public Map<String, Long> parsedBySource() {
        return by(Kind.PARSED, 0);
    }

    public Map<String, Long> deadLetteredByReason() {
        return by(Kind.DEAD_LETTERED, 1);
    }

    public Map<String, Long> deadLetteredBySource() {
        return by(Kind.DEAD_LETTERED, 0);
    }

    public Map<String, Long> matchesBySignature() {
        return by(Kind.MATCHED, 0);
    }

    public Map<String, Long> alertsByStatus() {
        return by(Kind.ALERTED, 2);
    }

    public Map<String, Long> alertsByName() {
        return by(Kind.ALERTED, 0);
    }

    public long totalRead() {
        return sum(Kind.READ);
    }

    public long totalParsed() {
        return sum(Kind.PARSED);
    }

    public long totalDeadLettered() {
        return sum(Kind.DEAD_LETTERED);
    }

    public long totalMatches() {
        return sum(Kind.MATCHED);
    }

    public long totalAlerts() {
        return sum(Kind.ALERTED);
    }

    public long truncatedLines() {
        return sum(Kind.TRUNCATED);
    }

    public long lateRecords() {
        return sum(Kind.LATE);
    }

    public long evictions() {
        return sum(Kind.EVICTED);
    }

    /** Adds another instance's counters into this one (gauges are not added: they are levels, not totals). */
    public void add(final Stats o) {
        for (final Map.Entry<Kind, ConcurrentHashMap<String, Cell>> e : o.cells.entrySet()) {
            if (e.getKey().gauge) {
                continue;
            }
            for (final Map.Entry<String, Cell> c : e.getValue().entrySet()) {
                cell(e.getKey(), c.getKey()).count.add(c.getValue().count());
            }
        }
    }

    @Override
    public String toString() {
        return "Stats" + Arrays.asList(totalRead() + " read", totalParsed() + " parsed",
            totalDeadLettered() + " dead-lettered", totalMatches() + " matches", totalAlerts() + " alerts");
    }
}
