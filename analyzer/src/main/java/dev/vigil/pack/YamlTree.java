package dev.vigil.pack;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML document read into a small tree that remembers the line of every node, so that the strict loader can
 * say "file:line: what is wrong" for semantic errors too (Jackson's own tree forgets locations).
 */
public final class YamlTree {

    private static final YAMLFactory FACTORY = new YAMLFactory();

    private YamlTree() {
    }

    /** A node and the 1-based line it starts on. */
    public abstract static class Node {
        /** 1-based line. */
        public final int line;

        Node(final int line) {
            this.line = line;
        }

        /** What kind of node, for messages ("a mapping"). */
        public abstract String kind();
    }

    /** A mapping; keys keep their order and their own line. */
    public static final class MapNode extends Node {
        /** Entries in file order. */
        public final Map<String, Node> entries = new LinkedHashMap<>();
        /** Line of each key. */
        public final Map<String, Integer> keyLines = new LinkedHashMap<>();

        MapNode(final int line) {
            super(line);
        }

        @Override
        public String kind() {
            return "a mapping";
        }
    }

    /** A sequence. */
    public static final class ListNode extends Node {
        /** Items in order. */
        public final List<Node> items = new ArrayList<>();

        ListNode(final int line) {
            super(line);
        }

        @Override
        public String kind() {
            return "a list";
        }
    }

    /** A scalar; {@code text} is null for YAML null. */
    public static final class Scalar extends Node {
        /** Text, or null for YAML null. */
        public final String text;
        /** Whether YAML typed it as a number. */
        public final boolean number;

        Scalar(final int line, final String text, final boolean number) {
            super(line);
            this.text = text;
            this.number = number;
        }

        @Override
        public String kind() {
            return text == null ? "null" : "a scalar";
        }
    }

    /** Parses one document; duplicate keys are reported as errors by line. */
    public static Node parse(final Reader reader) throws IOException, YamlError {
        try (JsonParser p = FACTORY.createParser(reader)) {
            final JsonToken first = p.nextToken();
            if (first == null) {
                throw new YamlError(1, "the file is empty");
            }
            return read(p, first);
        }
    }

    private static int line(final JsonParser p) {
        return p.currentTokenLocation().getLineNr();
    }

    private static Node read(final JsonParser p, final JsonToken token) throws IOException, YamlError {
        final int line = line(p);
        switch (token) {
            case START_OBJECT: {
                final MapNode map = new MapNode(line);
                JsonToken t;
                while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                    final String key = p.currentName();
                    final int keyLine = line(p);
                    if (map.entries.containsKey(key)) {
                        throw new YamlError(keyLine, "duplicate key '" + key + "'");
                    }
                    final Node value = read(p, p.nextToken());
                    map.entries.put(key, value);
                    map.keyLines.put(key, keyLine);
                }
                return map;
            }
            case START_ARRAY: {
                final ListNode list = new ListNode(line);
                JsonToken t;
                while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                    list.items.add(read(p, t));
                }
                return list;
            }
            case VALUE_NULL:
                return new Scalar(line, null, false);
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
                return new Scalar(line, p.getText(), true);
            default:
                return new Scalar(line, p.getText(), false);
        }
    }

    /** A structural YAML problem found while building the tree. */
    public static final class YamlError extends Exception {
        /** Line of the problem. */
        public final int line;

        YamlError(final int line, final String message) {
            super(message, null, false, false);
            this.line = line;
        }
    }

    /** Unmodifiable view of a list's items. */
    static List<Node> items(final ListNode list) {
        return Collections.unmodifiableList(list.items);
    }
}
