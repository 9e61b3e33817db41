package dev.vigil.alert;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Writes and reads the {@code vigil.alert/v1} JSON form of an {@link Alert}, fields in contract order. */
public final class AlertJson {
    private static final JsonFactory FACTORY = new JsonFactory();
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private AlertJson() {
    }

    /** ISO-8601 UTC with milliseconds, e.g. {@code 2024-05-01T10:00:00.123Z}. */
    public static String iso(final long epochMillis) {
        return Instant.ofEpochMilli(epochMillis).toString();
    }

    /** The alert as one line of JSON. */
    public static String write(final Alert a) {
        final StringWriter w = new StringWriter(512);
        try (JsonGenerator g = FACTORY.createGenerator(w)) {
            g.writeStartObject();
            g.writeStringField("schema", Alert.SCHEMA);
            g.writeStringField("id", a.id());
            g.writeStringField("status", a.status().id());
            g.writeStringField("name", a.name());
            g.writeStringField("kind", a.kind().id());
            g.writeStringField("severity", a.severity());
            g.writeStringField("source", a.source());
            g.writeStringField("summary", a.summary());
            g.writeStringField("diagnosis", a.diagnosis());
            g.writeStringField("runbook", a.runbook());
            g.writeObjectFieldStart("labels");
            for (final Map.Entry<String, String> e : a.labels().entrySet()) {
                g.writeStringField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
            writeNumber(g, "value", a.value());
            writeNumber(g, "threshold", a.threshold());
            if (a.windowStart() == null) {
                g.writeNullField("window");
            } else {
                g.writeObjectFieldStart("window");
                g.writeStringField("start", iso(a.windowStart()));
                g.writeStringField("end", iso(a.windowEnd()));
                g.writeEndObject();
            }
            g.writeStringField("startsAt", iso(a.startsAt()));
            if (a.endsAt() == null) {
                g.writeNullField("endsAt");
            } else {
                g.writeStringField("endsAt", iso(a.endsAt()));
            }
            g.writeNumberField("count", a.count());
            g.writeArrayFieldStart("evidence");
            for (final Alert.Evidence e : a.evidence()) {
                g.writeStartObject();
                g.writeStringField("time", iso(e.time()));
                g.writeStringField("line", e.line());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.toString();
    }

    private static void writeNumber(final JsonGenerator g, final String name, final Double v) throws IOException {
        if (v == null) {
            g.writeNullField(name);
        } else {
            g.writeNumberField(name, v);
        }
    }

    /** UTF-8 bytes of {@link #write}. */
    public static byte[] bytes(final Alert a) {
        return write(a).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Parses an alert written by {@link #write}.
     *
     * @throws IllegalArgumentException when the JSON is not a {@code vigil.alert/v1} alert
     */
    public static Alert read(final String json) {
        final JsonNode n;
        try {
            n = MAPPER.readTree(json);
        } catch (final IOException e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
        }
        if (n == null || !Alert.SCHEMA.equals(n.path("schema").asText())) {
            throw new IllegalArgumentException("not a " + Alert.SCHEMA + " alert");
        }
        final TreeMap<String, String> labels = new TreeMap<>();
        final Iterator<Map.Entry<String, JsonNode>> it = n.path("labels").fields();
        while (it.hasNext()) {
            final Map.Entry<String, JsonNode> e = it.next();
            labels.put(e.getKey(), e.getValue().asText());
        }
        final List<Alert.Evidence> evidence = new ArrayList<>();
        for (final JsonNode e : n.path("evidence")) {
            evidence.add(new Alert.Evidence(millis(e.path("time")), e.path("line").asText()));
        }
        final JsonNode w = n.path("window");
        return new Alert(n.path("id").asText(),
            "resolved".equals(n.path("status").asText()) ? Alert.Status.RESOLVED : Alert.Status.FIRING,
            n.path("name").asText(),
            "rule".equals(n.path("kind").asText()) ? Alert.Kind.RULE : Alert.Kind.SIGNATURE,
            n.path("severity").asText(), n.path("source").asText(), n.path("summary").asText(),
            n.path("diagnosis").asText(), n.path("runbook").asText(), labels,
            n.path("value").isNumber() ? n.path("value").asDouble() : null,
            n.path("threshold").isNumber() ? n.path("threshold").asDouble() : null,
            w.isObject() ? millis(w.path("start")) : null, w.isObject() ? millis(w.path("end")) : null,
            millis(n.path("startsAt")), n.path("endsAt").isTextual() ? millis(n.path("endsAt")) : null,
            n.path("count").asLong(), evidence);
    }

    private static long millis(final JsonNode n) {
        return Instant.parse(n.asText()).toEpochMilli();
    }
}
