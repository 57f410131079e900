package io.streamwatch.formats;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Pulls a fixed set of dotted JSON paths out of an object in one streaming pass: no tree is built,
 * unknown fields are skipped without being materialized. A path matches nested objects ({@code
 * {"log":{"level":"x"}}}) and dotted keys ({@code {"log.level":"x"}}) alike, as shippers write
 * both. Not thread-safe: one per parallel instance.
 *
 * <p>It also rejects duplicate keys at every depth, skipped objects included, with Jackson's own
 * message ({@code Duplicate field 'x'}), so the parser it reads must not detect them too: Jackson's
 * detection allocates a set per object of every record, the largest single cost of decoding. Here
 * the names of one object are compared in a reused array; the parser's field names are canonical
 * instances, so a comparison is mostly a reference check.
 */
final class JsonPathExtractor {
    /** Above this many fields in one object, a hash set takes over from the linear scan. */
    private static final int LINEAR_NAMES = 16;

    /** Field names whose lookup is remembered per node; beyond, names are looked up each time. */
    private static final int MAX_REMEMBERED_NAMES = 256;

    private final Node root = new Node();
    private final Capture[] captures;

    /** The names seen so far in each open object, by depth; reused across records. */
    private String[][] namesByDepth = new String[8][LINEAR_NAMES];

    private int[] countByDepth = new int[8];

    /** For the rare object wider than {@link #LINEAR_NAMES}: its names, by depth. */
    private Set<String>[] manyNamesByDepth = newSets(8);

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
        walk(p, root, 0);
        return captures;
    }

    private void walk(JsonParser p, Node node, int depth) throws IOException {
        openObject(depth);
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            int position = checkDuplicate(p, depth, name);
            Node child = node.child(name, position);
            JsonToken value = p.nextToken();
            if (child == null) {
                skip(p, value, depth + 1);
            } else if (value == JsonToken.START_OBJECT && !child.children.isEmpty()) {
                walk(p, child, depth + 1);
            } else if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
                if (child.slot >= 0) {
                    Capture c = captures[child.slot];
                    c.reset();
                    c.token = value;
                }
                skip(p, value, depth + 1);
            } else if (child.slot >= 0) {
                captures[child.slot].read(p, value);
            }
        }
        if (t != JsonToken.END_OBJECT) {
            // The parser reports malformed input itself; this guards against misuse.
            throw new IOException("expected a field name or '}' but found " + t);
        }
    }

    /** Skips the value the parser is on, checking the keys of the objects inside it. */
    private void skip(JsonParser p, JsonToken value, int depth) throws IOException {
        if (value == JsonToken.START_OBJECT) {
            openObject(depth);
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                checkDuplicate(p, depth, p.currentName());
                skip(p, p.nextToken(), depth + 1);
            }
            if (t != JsonToken.END_OBJECT) {
                throw new IOException("expected a field name or '}' but found " + t);
            }
        } else if (value == JsonToken.START_ARRAY) {
            JsonToken t;
            while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                if (t == null) {
                    throw new IOException("unexpected end of input in an array");
                }
                skip(p, t, depth + 1);
            }
        }
    }

    private void openObject(int depth) {
        if (depth >= countByDepth.length) {
            countByDepth = Arrays.copyOf(countByDepth, depth * 2);
            namesByDepth = Arrays.copyOf(namesByDepth, depth * 2);
            manyNamesByDepth = Arrays.copyOf(manyNamesByDepth, depth * 2);
        }
        if (namesByDepth[depth] == null) {
            namesByDepth[depth] = new String[LINEAR_NAMES];
        }
        countByDepth[depth] = 0;
    }

    /** Checks that {@code name} is new in its object, and returns its position there. */
    private int checkDuplicate(JsonParser p, int depth, String name) throws JsonParseException {
        String[] names = namesByDepth[depth];
        int n = countByDepth[depth];
        if (n < LINEAR_NAMES) {
            for (int i = 0; i < n; i++) {
                if (names[i] == name || names[i].equals(name)) {
                    throw duplicate(p, name);
                }
            }
            names[n] = name;
        } else {
            // A wide object: the first LINEAR_NAMES names move into a set once.
            Set<String> many = manyNamesByDepth[depth];
            if (n == LINEAR_NAMES) {
                if (many == null) {
                    many = manyNamesByDepth[depth] = new HashSet<>();
                }
                many.clear();
                many.addAll(Arrays.asList(names));
            }
            if (!many.add(name)) {
                throw duplicate(p, name);
            }
        }
        countByDepth[depth] = n + 1;
        return n;
    }

    @SuppressWarnings("unchecked")
    private static Set<String>[] newSets(int n) {
        return (Set<String>[]) new Set<?>[n];
    }

    private static JsonParseException duplicate(JsonParser p, String name) {
        return new JsonParseException(p, "Duplicate field '" + name + "'");
    }

    private static final class Node {
        final Map<String, Node> children = new HashMap<>();
        int slot = -1;

        /**
         * What each field name met so far resolves to, misses included, by identity: the parser
         * hands out one canonical instance per name, so a record's known names cost one identity
         * lookup instead of a hash lookup and, for unknown ones, a split on dots.
         */
        private final Map<String, Node> resolved = new IdentityHashMap<>();

        /**
         * The name last met at each position of this node's object, and what it resolved to:
         * records of one source write their fields in one order, so most names are found here by
         * one reference comparison, before the identity map (whose look-up was 2% of the job).
         */
        private final String[] nameAt = new String[LINEAR_NAMES];

        private final Node[] nodeAt = new Node[LINEAR_NAMES];

        private static final Node NONE = new Node();

        /**
         * The child {@code name} resolves to (null: none), met at {@code position} of its object.
         */
        Node child(String name, int position) {
            if (position < LINEAR_NAMES && nameAt[position] == name) {
                Node n = nodeAt[position];
                return n == NONE ? null : n;
            }
            Node n = resolved.get(name);
            if (n == null) {
                n = lookup(name);
                if (n == null) {
                    n = NONE;
                }
                if (resolved.size() < MAX_REMEMBERED_NAMES) {
                    resolved.put(name, n);
                }
            }
            if (position < LINEAR_NAMES) {
                nameAt[position] = name;
                nodeAt[position] = n;
            }
            return n == NONE ? null : n;
        }

        private Node lookup(String name) {
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
