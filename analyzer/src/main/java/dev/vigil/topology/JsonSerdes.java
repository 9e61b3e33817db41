package dev.vigil.topology;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.engine.Hit;
import dev.vigil.engine.Pending;
import dev.vigil.ingest.Envelope;
import dev.vigil.parse.Source;
import dev.vigil.rule.Episode;
import dev.vigil.rule.Partial;
import dev.vigil.rule.RuleState;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/** Serdes of the internal records and state: compact JSON, written with the streaming API on the hot path. */
final class JsonSerdes {
    private static final JsonFactory FACTORY = new JsonFactory();
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private JsonSerdes() {
    }

    /** Serde of {@link Signal}. */
    static Serde<Signal> signal() {
        return Serdes.serdeFrom((Serializer<Signal>) (topic, s) -> writeSignal(s),
            (Deserializer<Signal>) (topic, b) -> b == null ? null : readSignal(b));
    }

    /** Serde of {@link Episode}. */
    static Serde<Episode> episode() {
        return json(Episode.class);
    }

    /** Serde of {@link RuleState}. */
    static Serde<RuleState> ruleState() {
        return json(RuleState.class);
    }

    private static <T> Serde<T> json(final Class<T> type) {
        return Serdes.serdeFrom((Serializer<T>) (topic, v) -> {
            try {
                return v == null ? null : MAPPER.writeValueAsBytes(v);
            } catch (final IOException ex) {
                throw new SerializationException("cannot write " + type.getSimpleName(), ex);
            }
        }, (Deserializer<T>) (topic, b) -> {
            try {
                return b == null ? null : MAPPER.readValue(b, type);
            } catch (final IOException ex) {
                throw new SerializationException("cannot read " + type.getSimpleName(), ex);
            }
        });
    }

    /** Serde of {@link Pending}. */
    static Serde<Pending> pending() {
        return Serdes.serdeFrom((Serializer<Pending>) (topic, p) -> p == null ? null : writePending(p),
            (Deserializer<Pending>) (topic, b) -> b == null ? null : readPending(b));
    }

    private static byte[] writeSignal(final Signal s) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberField("t", s.time());
            if (s.origin() != null) {
                g.writeStringField("o", s.origin());
            }
            if (s.partial() != null) {
                g.writeFieldName("p");
                g.writeRawValue(MAPPER.writeValueAsString(s.partial()));
            }
            final Hit h = s.hit();
            if (h != null) {
                g.writeStringField("s", h.signature());
                g.writeStringField("l", h.line());
                g.writeObjectFieldStart("k");
                for (final Map.Entry<String, String> e : h.labels().entrySet()) {
                    g.writeStringField(e.getKey(), e.getValue());
                }
                g.writeEndObject();
            }
            g.writeEndObject();
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static Signal readSignal(final byte[] b) {
        try (JsonParser p = FACTORY.createParser(b)) {
            long time = 0;
            String sig = null;
            String line = null;
            String origin = null;
            Partial partial = null;
            final TreeMap<String, String> labels = new TreeMap<>();
            expect(p.nextToken(), JsonToken.START_OBJECT);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                final String f = p.currentName();
                p.nextToken();
                switch (f) {
                    case "t": time = p.getLongValue(); break;
                    case "s": sig = p.getText(); break;
                    case "l": line = p.getText(); break;
                    case "o": origin = p.getText(); break;
                    case "p": partial = MAPPER.readValue(p, Partial.class); break;
                    case "k":
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            final String k = p.currentName();
                            p.nextToken();
                            labels.put(k, p.getText());
                        }
                        break;
                    default: p.skipChildren();
                }
            }
            if (partial != null) {
                return Signal.of(partial);
            }
            return sig == null ? Signal.tick(origin == null ? "" : origin, time)
                : Signal.of(new Hit(sig, Collections.unmodifiableSortedMap(labels), time, line));
        } catch (final IOException e) {
            throw new SerializationException("cannot read signal", e);
        }
    }

    private static void expect(final JsonToken got, final JsonToken want) throws IOException {
        if (got != want) {
            throw new IOException("expected " + want + " but found " + got);
        }
    }

    private static byte[] writePending(final Pending p) {
        final Envelope e = p.envelope();
        final ByteArrayOutputStream out = new ByteArrayOutputStream(e.text().length() + 160);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("text", e.text());
            g.writeStringField("kind", e.kind().name());
            g.writeNumberField("time", e.time());
            optional(g, "host", e.host());
            optional(g, "unit", e.unit());
            optional(g, "identifier", e.identifier());
            optional(g, "file", e.file());
            if (e.pid() != null) {
                g.writeNumberField("pid", e.pid());
            }
            if (e.priority() != null) {
                g.writeNumberField("priority", e.priority());
            }
            optional(g, "hint", e.sourceHint() == null ? null : e.sourceHint().id());
            g.writeBooleanField("truncated", e.truncated());
            g.writeStringField("source", p.source().id());
            g.writeNumberField("lines", p.lines());
            g.writeNumberField("fallbackTime", p.fallbackTime());
            g.writeEndObject();
        } catch (final IOException ex) {
            throw new SerializationException("cannot write pending entry", ex);
        }
        return out.toByteArray();
    }

    private static void optional(final JsonGenerator g, final String field, final String value) throws IOException {
        if (value != null) {
            g.writeStringField(field, value);
        }
    }

    private static Pending readPending(final byte[] b) {
        try {
            final JsonNode n = MAPPER.readTree(b);
            final Envelope e = new Envelope(n.path("text").asText(), Envelope.Kind.valueOf(n.path("kind").asText()),
                n.path("time").asLong(), text(n, "host"), text(n, "unit"), text(n, "identifier"), text(n, "file"),
                n.path("pid").isNumber() ? n.path("pid").asInt() : null,
                n.path("priority").isNumber() ? n.path("priority").asInt() : null,
                Source.fromId(text(n, "hint")), n.path("truncated").asBoolean());
            return new Pending(e, Source.fromId(n.path("source").asText()), n.path("lines").asInt(),
                n.path("fallbackTime").asLong());
        } catch (final IOException ex) {
            throw new SerializationException("cannot read pending entry", ex);
        }
    }

    private static String text(final JsonNode n, final String field) {
        final JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

}
