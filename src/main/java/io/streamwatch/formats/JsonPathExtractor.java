package io.streamwatch.formats;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Pulls a fixed set of dotted JSON paths out of an object in one streaming pass: no tree is built,
 * unknown fields are skipped without being materialized. A path matches nested objects ({@code
 * {"log":{"level":"x"}}}) and dotted keys ({@code {"log.level":"x"}}) alike, as shippers write
 * both. Not thread-safe: one per parallel instance.
 */
final class JsonPathExtractor {
    private final Node root = new Node();
    private final Capture[] captures;

    JsonPathExtractor(List<String> paths) {
        captures = new Capture[paths.size()];
        for (int i = 0; i < paths.size(); i++) {
            captures[i] = new Capture();
            Node n = root;
            for (String segment : paths.get(i).split("\\.")) {
                n = n.children.computeIfAbsent(segment, s -> new Node());
            }
            if (n.slot < 0) {
                n.slot = i;
            } else {
                // Two logical fields on one path: both see the same value.
                captures[i] = captures[n.slot];
            }
        }
    }

    /** Walks the object whose START_OBJECT the parser has just returned. */
    Capture[] extract(JsonParser p) throws IOException {
        for (Capture c : captures) {
            c.reset();
        }
        walk(p, root);
        return captures;
    }

    private void walk(JsonParser p, Node node) throws IOException {
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            Node child = node.child(p.currentName());
            JsonToken value = p.nextToken();
            if (child == null) {
                p.skipChildren();
            } else if (value == JsonToken.START_OBJECT && !child.children.isEmpty()) {
                walk(p, child);
            } else if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
                if (child.slot >= 0) {
                    Capture c = captures[child.slot];
                    c.reset();
                    c.token = value;
                }
                p.skipChildren();
            } else if (child.slot >= 0) {
                captures[child.slot].read(p, value);
            }
        }
        if (t != JsonToken.END_OBJECT) {
            // The parser reports malformed input itself; this guards against misuse.
            throw new IOException("expected a field name or '}' but found " + t);
        }
    }

    private static final class Node {
        final Map<String, Node> children = new HashMap<>();
        int slot = -1;

        Node child(String name) {
            Node n = children.get(name);
            if (n != null || name.indexOf('.') < 0) {
                return n;
            }
            n = this;
            for (String segment : name.split("\\.")) {
                n = n.children.get(segment);
                if (n == null) {
                    return null;
                }
            }
            return n;
        }
    }
}
