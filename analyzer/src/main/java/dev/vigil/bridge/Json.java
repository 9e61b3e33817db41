package dev.vigil.bridge;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/** Shared JSON plumbing of the targets. */
final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();
    static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private Json() {
    }

    static ObjectNode object() {
        return NODES.objectNode();
    }

    static byte[] bytes(final ObjectNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (final JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a payload", e);
        }
    }

    /**
     * The URL if it is an absolute http(s) URL with a host and without whitespace or control characters, else null.
     * Used for runbook links: trusted configuration, but a link that is not http(s) (javascript:, file:) never goes
     * out.
     */
    static String httpUrl(final String s, final int max) {
        if (s == null || s.isEmpty() || s.length() > max) {
            return null;
        }
        for (int i = 0; i < s.length(); i++) {
            final char c = s.charAt(i);
            if (c <= 0x20 || c == 0x7f || c == '<' || c == '>' || c == '"' || c == '|') {
                return null;
            }
        }
        try {
            final URI u = new URI(s);
            final String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            return ("http".equals(scheme) || "https".equals(scheme)) && u.getHost() != null ? s : null;
        } catch (final URISyntaxException e) {
            return null;
        }
    }

    /** A number as a person writes it: 42 rather than 42.0. */
    static String number(final Double d) {
        if (d == null) {
            return null;
        }
        if (d == Math.rint(d) && !Double.isInfinite(d) && Math.abs(d) < 1e15) {
            return Long.toString(d.longValue());
        }
        return d.toString();
    }
}
