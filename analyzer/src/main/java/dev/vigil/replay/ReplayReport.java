package dev.vigil.replay;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.alert.Alert;
import dev.vigil.alert.AlertJson;
import dev.vigil.engine.Stats;
import dev.vigil.pack.PatternPack;
import dev.vigil.pack.Signature;
import dev.vigil.parse.Source;
import dev.vigil.rule.RuleEngine;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * What a postmortem report shows, gathered during a replay: the alerts (paired into episodes), the evaluated values
 * of rule groups (for the charts of the rules that fired), and the replay's counters. Feed it the replay's alerts
 * ({@link #accept}) and rule evaluations ({@link #evaluated}), then {@link #finish} it; {@link HtmlReport} and
 * {@link MarkdownReport} render it.
 *
 * <p>Memory stays bounded: each group's series holds at most {@link #MAX_POINTS} points (when full, neighbouring
 * points are merged keeping the larger value, so peaks survive), and at most {@link #MAX_GROUPS} groups that have
 * not fired are buffered (a group that fires later than that is charted from its first alert on).
 */
public final class ReplayReport implements Consumer<Alert>, RuleEngine.Observer {

    /** Points kept per group. */
    public static final int MAX_POINTS = 600;
    /** Groups buffered before they fire. */
    public static final int MAX_GROUPS = 2000;
    /** Top signatures listed per source. */
    public static final int TOP_SIGNATURES = 10;

    /** One alert episode: a firing alert and, when it ended, its resolved alert. */
    public static final class Episode {
        public final String id;
        public final String name;
        public final String kind;
        public final String severity;
        public final String source;
        public final SortedMap<String, String> labels;
        public final long startsAt;
        public Long endsAt;
        public String summary;
        public final String diagnosis;
        /** The pack's runbook link when it is http(s) or file, else null. */
        public final String runbook;
        public Double value;
        public final Double threshold;
        public long count;
        public List<Alert.Evidence> evidence;

        Episode(final Alert a) {
            id = a.id();
            name = a.name();
            kind = a.kind().id();
            severity = a.severity();
            source = a.source();
            labels = new TreeMap<>(a.labels());
            startsAt = a.startsAt();
            summary = a.summary();
            diagnosis = a.diagnosis();
            runbook = safeLink(a.runbook());
            value = a.value();
            threshold = a.threshold();
            count = a.count();
            evidence = a.evidence();
        }

        void update(final Alert a) {
            count = a.count();
            evidence = a.evidence();
            if (a.status() == Alert.Status.RESOLVED) {
                // keep the summary and value the episode fired with; the resolving ones describe the calm after
                endsAt = a.endsAt();
            } else {
                summary = a.summary();
                if (a.value() != null) {
                    value = a.value();
                }
            }
        }
    }

    /** The evaluated values of one rule group. */
    public static final class Series {
        public final String id;
        public final String rule;
        public final SortedMap<String, String> labels;
        long[] times = new long[64];
        double[] values = new double[64];
        int size;

        Series(final String id, final String rule, final Map<String, String> labels) {
            this.id = id;
            this.rule = rule;
            this.labels = new TreeMap<>(labels);
        }

        void add(final long time, final double value) {
            if (size == times.length) {
                if (size >= MAX_POINTS) {
                    halve();
                } else {
                    times = java.util.Arrays.copyOf(times, Math.min(MAX_POINTS, size * 2));
                    values = java.util.Arrays.copyOf(values, times.length);
                }
            }
            times[size] = time;
            values[size] = value;
            size++;
        }

        /** Merges neighbouring points, keeping the larger value (NaN only when both are). */
        private void halve() {
            int n = 0;
            for (int i = 0; i + 1 < size; i += 2) {
                final double a = values[i];
                final double b = values[i + 1];
                final boolean takeB = Double.isNaN(a) || !Double.isNaN(b) && b > a;
                times[n] = takeB ? times[i + 1] : times[i];
                values[n] = takeB ? b : a;
                n++;
            }
            if (size % 2 == 1) {
                times[n] = times[size - 1];
                values[n] = values[size - 1];
                n++;
            }
            size = n;
        }

        public int size() {
            return size;
        }

        public long time(final int i) {
            return times[i];
        }

        /** The value at {@code i}; NaN when the rule had too little input then. */
        public double value(final int i) {
            return values[i];
        }
    }

    /** A signature and how often it matched. */
    public record SignatureCount(String signature, long count) {
    }

    private final PatternPack pack;
    private final List<Alert> alerts = new ArrayList<>();
    private final Map<String, Episode> open = new HashMap<>();
    private final List<Episode> episodes = new ArrayList<>();
    private final Map<String, Series> series = new LinkedHashMap<>();
    private final java.util.Set<String> fired = new java.util.HashSet<>();
    private int unfiredGroups;

    // filled by finish()
    private List<Path> files = List.of();
    private Map<Path, Source> sources = Map.of();
    private Stats stats = new Stats();
    private long outOfRange;
    private Long firstEvent;
    private Long lastEvent;
    private Long since;
    private Long until;
    private String topic;

    public ReplayReport(final PatternPack pack) {
        this.pack = pack;
    }

    @Override
    public void accept(final Alert a) {
        alerts.add(a);
        Episode e = open.get(a.id());
        if (a.status() == Alert.Status.FIRING) {
            if (e == null) {
                e = new Episode(a);
                open.put(a.id(), e);
                episodes.add(e);
            } else {
                e.update(a);
            }
            if (a.kind() == Alert.Kind.RULE && fired.add(a.id()) && !series.containsKey(a.id())) {
                series.put(a.id(), new Series(a.id(), a.name(), a.labels()));
            }
        } else {
            if (e == null) {
                e = new Episode(a);
                episodes.add(e);
            }
            e.update(a);
            open.remove(a.id());
        }
    }

    @Override
    public void evaluated(final String rule, final String id, final Map<String, String> labels, final long time,
                          final double value) {
        Series s = series.get(id);
        if (s == null) {
            if (unfiredGroups >= MAX_GROUPS) {
                return;
            }
            unfiredGroups++;
            s = new Series(id, rule, labels);
            series.put(id, s);
        }
        s.add(time, value);
    }

    /** The replay read a Kafka topic (shown as the input). */
    public ReplayReport topic(final String description) {
        this.topic = description;
        return this;
    }

    /** The topic the replay read, or null for files. */
    public String topic() {
        return topic;
    }

    /** Records what the replay read; call once the run is over. */
    public ReplayReport finish(final List<Path> inputFiles, final ReplayRunner.Result result, final Long first,
                               final Long last, final Long sinceBound, final Long untilBound) {
        this.files = List.copyOf(inputFiles);
        this.sources = result.sources();
        this.stats = result.stats();
        this.outOfRange = result.outOfRange();
        this.firstEvent = first;
        this.lastEvent = last;
        this.since = sinceBound;
        this.until = untilBound;
        series.keySet().retainAll(fired);
        return this;
    }

    /** Episodes in the order they started (ties: the order they fired). */
    public List<Episode> episodes() {
        final List<Episode> out = new ArrayList<>(episodes);
        out.sort(Comparator.comparingLong(e -> e.startsAt));
        return out;
    }

    /** Series of the rule groups that fired, in the order they first fired. */
    public List<Series> firedSeries() {
        final List<Series> out = new ArrayList<>();
        for (final Series s : series.values()) {
            if (fired.contains(s.id)) {
                out.add(s);
            }
        }
        return out;
    }

    /** Threshold of a fired group (from its alert), or null. */
    public Double threshold(final String id) {
        for (final Episode e : episodes) {
            if (e.id.equals(id)) {
                return e.threshold;
            }
        }
        return null;
    }

    public List<Alert> alerts() {
        return alerts;
    }

    public List<Path> files() {
        return files;
    }

    public Map<Path, Source> sources() {
        return sources;
    }

    public Stats stats() {
        return stats;
    }

    public long outOfRange() {
        return outOfRange;
    }

    public Long firstEvent() {
        return firstEvent;
    }

    public Long lastEvent() {
        return lastEvent;
    }

    public Long since() {
        return since;
    }

    public Long until() {
        return until;
    }

    /** The time axis of the timeline: the logs' range widened to every episode. */
    public long[] axis() {
        long lo = firstEvent == null ? Long.MAX_VALUE : firstEvent;
        long hi = lastEvent == null ? Long.MIN_VALUE : lastEvent;
        for (final Episode e : episodes) {
            lo = Math.min(lo, e.startsAt);
            hi = Math.max(hi, e.endsAt == null ? e.startsAt : e.endsAt);
        }
        if (lo == Long.MAX_VALUE) {
            lo = 0;
            hi = 1;
        }
        if (hi <= lo) {
            hi = lo + 1;
        }
        return new long[] {lo, hi};
    }

    /** Top signatures by matches, per source (the pack's source of each signature), sources sorted. */
    public Map<String, List<SignatureCount>> topSignatures() {
        final Map<String, List<SignatureCount>> by = new TreeMap<>();
        for (final Map.Entry<String, Long> m : stats.matchesBySignature().entrySet()) {
            final Signature sig = pack == null ? null : pack.signature(m.getKey());
            final String src = sig == null || sig.source() == null ? "other" : sig.source().id();
            by.computeIfAbsent(src, k -> new ArrayList<>()).add(new SignatureCount(m.getKey(), m.getValue()));
        }
        for (final List<SignatureCount> l : by.values()) {
            l.sort(Comparator.comparingLong(SignatureCount::count).reversed().thenComparing(SignatureCount::signature));
            if (l.size() > TOP_SIGNATURES) {
                l.subList(TOP_SIGNATURES, l.size()).clear();
            }
        }
        return by;
    }

    /** A link a report may show: http(s) or file URLs from the pack; anything else (javascript:, data:…) is null. */
    public static String safeLink(final String url) {
        if (url == null) {
            return null;
        }
        final String u = url.trim().toLowerCase(Locale.ROOT);
        if (u.startsWith("https://") || u.startsWith("http://") || u.startsWith("file:")) {
            for (int i = 0; i < url.length(); i++) {
                if (url.charAt(i) < 0x20 || url.charAt(i) == 0x7f) {
                    return null;
                }
            }
            return url.trim();
        }
        return null;
    }

    /** The report's data as JSON (the {@code vigil.report/v1} block embedded in the HTML report). */
    public ObjectNode json() {
        final ObjectMapper m = new ObjectMapper();
        final ObjectNode root = m.createObjectNode();
        root.put("schema", "vigil.report/v1");
        root.put("pack", pack == null ? null : pack.version());
        root.put("topic", topic);
        final ArrayNode in = root.putArray("inputs");
        for (final Path f : files) {
            final ObjectNode o = in.addObject();
            o.put("file", f.toString());
            final Source s = sources.get(f);
            o.put("source", s == null ? null : s.id());
        }
        final ObjectNode range = root.putObject("range");
        range.put("first", firstEvent == null ? null : AlertJson.iso(firstEvent));
        range.put("last", lastEvent == null ? null : AlertJson.iso(lastEvent));
        range.put("since", since == null ? null : AlertJson.iso(since));
        range.put("until", until == null ? null : AlertJson.iso(until));
        final ObjectNode c = root.putObject("counts");
        c.put("read", stats.totalRead());
        counts(c.putObject("readBySource"), stats.readBySource());
        c.put("parsed", stats.totalParsed());
        c.put("deadLettered", stats.totalDeadLettered());
        counts(c.putObject("deadLetteredByReason"), stats.deadLetteredByReason());
        c.put("late", stats.deadLetteredByReason().getOrDefault("late", 0L));
        counts(c.putObject("lateByRule"), stats.lateByStage());
        c.put("outOfRange", outOfRange);
        c.put("matches", stats.totalMatches());
        c.put("alerts", stats.totalAlerts());
        counts(c.putObject("alertsByStatus"), stats.alertsByStatus());
        final ArrayNode eps = root.putArray("episodes");
        for (final Episode e : episodes()) {
            final ObjectNode o = eps.addObject();
            o.put("id", e.id);
            o.put("name", e.name);
            o.put("kind", e.kind);
            o.put("severity", e.severity);
            o.put("source", e.source);
            counts2(o.putObject("labels"), e.labels);
            o.put("startsAt", AlertJson.iso(e.startsAt));
            o.put("endsAt", e.endsAt == null ? null : AlertJson.iso(e.endsAt));
            o.put("summary", e.summary);
            o.put("diagnosis", e.diagnosis);
            o.put("runbook", e.runbook);
            o.put("value", e.value);
            o.put("threshold", e.threshold);
            o.put("count", e.count);
            final ArrayNode ev = o.putArray("evidence");
            for (final Alert.Evidence x : e.evidence) {
                ev.addObject().put("time", AlertJson.iso(x.time())).put("line", x.line());
            }
        }
        final ArrayNode ser = root.putArray("series");
        for (final Series s : firedSeries()) {
            final ObjectNode o = ser.addObject();
            o.put("id", s.id);
            o.put("rule", s.rule);
            counts2(o.putObject("labels"), s.labels);
            o.put("threshold", threshold(s.id));
            final ArrayNode pts = o.putArray("points");
            for (int i = 0; i < s.size; i++) {
                final ArrayNode p = pts.addArray();
                p.add(AlertJson.iso(s.times[i]));
                if (Double.isNaN(s.values[i])) {
                    p.addNull();
                } else {
                    p.add(s.values[i]);
                }
            }
        }
        final ObjectNode top = root.putObject("topSignatures");
        for (final Map.Entry<String, List<SignatureCount>> e : topSignatures().entrySet()) {
            final ArrayNode a = top.putArray(e.getKey());
            for (final SignatureCount sc : e.getValue()) {
                a.addObject().put("signature", sc.signature()).put("count", sc.count());
            }
        }
        return root;
    }

    private static void counts(final ObjectNode o, final Map<String, Long> m) {
        m.forEach(o::put);
    }

    private static void counts2(final ObjectNode o, final Map<String, String> m) {
        m.forEach(o::put);
    }

    /** Which report a file name asks for: html (.html, .htm) or md (.md, .markdown); null for anything else. */
    public static String formatOf(final Path file) {
        final String n = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (n.endsWith(".html") || n.endsWith(".htm")) {
            return "html";
        }
        if (n.endsWith(".md") || n.endsWith(".markdown")) {
            return "md";
        }
        return null;
    }

    /** Writes the report to {@code file}, HTML or Markdown by its extension. */
    public void write(final Path file) throws java.io.IOException {
        final String f = formatOf(file);
        if (f == null) {
            throw new IllegalArgumentException(file + ": a report ends in .html or .md");
        }
        java.nio.file.Files.writeString(file, "html".equals(f) ? HtmlReport.render(this) : MarkdownReport.render(this),
            java.nio.charset.StandardCharsets.UTF_8);
    }
}
