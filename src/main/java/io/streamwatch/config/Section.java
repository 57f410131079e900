package io.streamwatch.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One mapping of the YAML tree being read, with typed getters that report a problem and fall back
 * to the default instead of throwing, so one pass finds every problem in the file.
 */
final class Section {
    final Problems problems;
    final String where;
    private final String treePath;
    private final String fieldPrefix;
    private final JsonNode node;

    private Section(
            Problems problems, String where, String treePath, String fieldPrefix, JsonNode node) {
        this.problems = problems;
        this.where = where;
        this.treePath = treePath;
        this.fieldPrefix = fieldPrefix;
        this.node = node;
    }

    static Section root(Problems problems, JsonNode node) {
        return new Section(problems, "", "", "", node);
    }

    /** A new section, named {@code where} in messages, over {@code node} found at {@code path}. */
    static Section of(Problems problems, String where, String treePath, JsonNode node) {
        return new Section(problems, where, treePath, "", node);
    }

    /** The mapping under {@code key} as its own section ({@code kafka}, {@code alerts}). */
    Section section(String key) {
        return new Section(problems, key, path(key), "", mapping(key));
    }

    /** The mapping under {@code key}, reported with this section's name ({@code window.size}). */
    Section nested(String key) {
        return new Section(problems, where, path(key), field(key) + ".", mapping(key));
    }

    /** The tree path of {@code key}, which override origins are recorded under. */
    String path(String key) {
        return treePath.isEmpty() ? key : treePath + "." + key;
    }

    String field(String key) {
        return fieldPrefix + key;
    }

    /** Reports a problem about {@code key}, also attributed through {@code otherKeys}' origins. */
    void problem(String key, String message, String... otherKeys) {
        String[] paths = new String[otherKeys.length + 1];
        paths[0] = path(key);
        for (int i = 0; i < otherKeys.length; i++) {
            paths[i + 1] = path(otherKeys[i]);
        }
        problems.at(where, field(key), message, paths);
    }

    /** The value under {@code key}; null when absent or written as null ({@code key:}). */
    JsonNode get(String key) {
        JsonNode v = node == null ? null : node.get(key);
        return v == null || v.isNull() ? null : v;
    }

    boolean has(String key) {
        return get(key) != null;
    }

    /** Reports every key not in {@code known}, suggesting the closest known one. */
    void allowOnly(List<String> known) {
        if (node == null) {
            return;
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!known.contains(key)) {
                String hint = Names.suggest(key, known);
                problem(
                        key,
                        "unknown key"
                                + (hint.isEmpty()
                                        ? " (known: " + String.join(", ", known) + ")"
                                        : hint));
            }
        }
    }

    String string(String key, String def) {
        JsonNode v = get(key);
        if (v == null) {
            return def;
        }
        if (!v.isValueNode()) {
            problem(key, "must be text, got " + describe(v));
            return def;
        }
        return v.asText();
    }

    /** A required text value; reports {@code hint} when it is missing or blank. */
    String required(String key, String hint) {
        String s = string(key, null);
        if (s == null || s.isBlank()) {
            problem(key, (s == null ? "is missing" : "is empty") + "; " + hint);
            return null;
        }
        return s;
    }

    String topic(String key, String def) {
        String s = string(key, def);
        String bad = s == null ? null : Names.topicProblem(s);
        if (bad != null) {
            problem(key, bad);
        }
        return s;
    }

    /** A duration of at least {@code min}; on a problem, {@code def}. */
    Duration duration(String key, Duration def, Duration min) {
        String s = string(key, null);
        if (s == null) {
            return def;
        }
        try {
            Duration d = Durations.parse(s);
            if (d.compareTo(min) < 0) {
                problem(
                        key,
                        min.toMillis() == 1
                                ? "must be more than 0s"
                                : "must be at least " + Durations.format(min));
                return def;
            }
            return d;
        } catch (IllegalArgumentException e) {
            problem(key, e.getMessage());
            return def;
        }
    }

    int size(String key, int def, int min) {
        String s = string(key, null);
        if (s == null) {
            return def;
        }
        try {
            int bytes = Sizes.parse(s);
            if (bytes < min) {
                problem(key, "must be at least " + Sizes.format(min));
                return def;
            }
            return bytes;
        } catch (IllegalArgumentException e) {
            problem(key, e.getMessage());
            return def;
        }
    }

    int integer(String key, int def, int min, int max) {
        String s = string(key, null);
        if (s == null) {
            return def;
        }
        try {
            int n = Integer.parseInt(s.strip());
            if (n < min || n > max) {
                problem(key, n + " is out of range (" + min + ".." + max + ")");
                return def;
            }
            return n;
        } catch (NumberFormatException e) {
            problem(key, Names.quote(s) + " is not a whole number");
            return def;
        }
    }

    /** A decimal number in {@code [min, max]}; on a problem, {@code def}. */
    double decimal(String key, double def, double min, double max) {
        String s = string(key, null);
        if (s == null) {
            return def;
        }
        try {
            double d = Double.parseDouble(s.strip());
            if (!(d >= min && d <= max)) {
                problem(key, s.strip() + " is out of range (" + min + ".." + max + ")");
                return def;
            }
            return d;
        } catch (NumberFormatException e) {
            problem(key, Names.quote(s) + " is not a number");
            return def;
        }
    }

    /** {@code true} or {@code false}; on a problem, {@code def}. */
    boolean bool(String key, boolean def) {
        String s = string(key, null);
        if (s == null) {
            return def;
        }
        String lower = s.strip().toLowerCase(Locale.ROOT);
        if (lower.equals("true") || lower.equals("false")) {
            return lower.equals("true");
        }
        problem(key, Names.quote(s) + " is not true or false");
        return def;
    }

    /**
     * One of {@code allowed} (case-insensitive), returned in lower case; on a problem, {@code def}.
     */
    String choice(String key, String def, List<String> allowed) {
        String s = string(key, null);
        if (s == null) {
            return def;
        }
        String lower = s.strip().toLowerCase(Locale.ROOT);
        if (allowed.contains(lower)) {
            return lower;
        }
        problem(
                key,
                Names.quote(s)
                        + " is not one of "
                        + String.join(", ", allowed)
                        + Names.suggest(s, allowed));
        return def;
    }

    /** A list of non-blank texts; on a problem, {@code def}. */
    List<String> stringList(String key, List<String> def) {
        JsonNode v = get(key);
        if (v == null) {
            return def;
        }
        if (!v.isArray()) {
            problem(key, "must be a list like [a, b], got " + describe(v));
            return def;
        }
        List<String> out = new ArrayList<>();
        boolean ok = true;
        for (int i = 0; i < v.size(); i++) {
            JsonNode item = v.get(i);
            if (!item.isValueNode() || item.isNull() || item.asText().isBlank()) {
                problem(key, "item " + (i + 1) + " must be non-empty text, got " + describe(item));
                ok = false;
            } else {
                out.add(item.asText());
            }
        }
        return ok ? List.copyOf(out) : def;
    }

    /**
     * A mapping of text to text, in file order; values are reported through {@code problem} with
     * their key, never shown (they may be secrets).
     */
    Map<String, String> stringMap(String key) {
        Map<String, String> out = new LinkedHashMap<>();
        JsonNode v = get(key);
        if (v == null) {
            return out;
        }
        if (!v.isObject()) {
            problem(key, "must be a mapping (name: value), got " + describe(v));
            return out;
        }
        v.fields()
                .forEachRemaining(
                        e -> {
                            JsonNode item = e.getValue();
                            String field = key + "." + e.getKey();
                            if (e.getKey().isBlank()) {
                                problem(field, "a key must not be empty");
                            } else if (item.isNull() || !item.isValueNode()) {
                                problem(field, "must be text, got " + describe(item));
                            } else {
                                out.put(e.getKey(), item.asText());
                            }
                        });
        return out;
    }

    /** The mapping under {@code key}, or null (reported) when it is something else. */
    private JsonNode mapping(String key) {
        JsonNode v = get(key);
        if (v != null && !v.isObject()) {
            problem(key, "must be a mapping (key: value), got " + describe(v));
            return null;
        }
        return v;
    }

    /** How a value reads in a message: its text for scalars, its kind otherwise. */
    static String describe(JsonNode v) {
        if (v == null || v.isNull()) {
            return "nothing";
        } else if (v.isArray()) {
            return "a list";
        } else if (v.isObject()) {
            return "a mapping";
        } else if (v.isTextual()) {
            return Names.quote(v.asText());
        }
        return v.asText();
    }
}
