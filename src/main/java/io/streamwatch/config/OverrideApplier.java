package io.streamwatch.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Writes overrides into the parsed YAML tree before it is read, so an override is checked by
 * exactly the same rules as the file, and remembers where each came from for the messages.
 */
final class OverrideApplier {
    private static final String PROPERTIES = "kafka.properties.";
    private static final String PIPELINES = "pipelines.";
    // Fields whose override value is a comma-separated list.
    private static final Set<String> LIST_FIELDS = Set.of("group_by", "rules");

    private final ObjectNode root;
    private final Problems problems;

    private OverrideApplier(ObjectNode root, Problems problems) {
        this.root = root;
        this.problems = problems;
    }

    static void apply(ObjectNode root, List<ConfigOverride> overrides, Problems problems) {
        OverrideApplier applier = new OverrideApplier(root, problems);
        for (ConfigOverride o : overrides) {
            applier.apply(o);
        }
    }

    private void apply(ConfigOverride o) {
        String path = o.path() == null ? "" : o.path().strip();
        if (path.startsWith(PROPERTIES)) {
            // A client property name has dots of its own: the rest of the path is one key.
            String key = path.substring(PROPERTIES.length());
            if (key.isBlank()) {
                problems.add(o.source(), "", "a Kafka client property name is missing");
                return;
            }
            ObjectNode properties = object(root, List.of("kafka", "properties"), o);
            if (properties != null) {
                properties.put(key, o.value());
                problems.origin(PROPERTIES + key, o.source());
            }
        } else if (path.startsWith(PIPELINES)) {
            applyToPipelines(path.substring(PIPELINES.length()), o);
        } else if (!path.isEmpty()) {
            set(root, "", path, o);
        } else {
            problems.add(o.source(), "", "an override needs a config path");
        }
    }

    private void applyToPipelines(String rest, ConfigOverride o) {
        JsonNode pipelines = root.get("pipelines");
        List<String> names = new ArrayList<>();
        if (pipelines != null && pipelines.isArray()) {
            pipelines.forEach(p -> names.add(p.isObject() ? p.path("name").asText("") : ""));
        }
        String target = rest.startsWith("*.") ? "*" : longestNamePrefix(rest, names);
        if (target == null) {
            String guess = guessName(rest);
            problems.add(
                    o.source(),
                    "",
                    "no pipeline named "
                            + Names.quote(guess)
                            + " in the config"
                            + (names.isEmpty()
                                    ? ""
                                    : " (pipelines: " + String.join(", ", names) + ")")
                            + Names.suggest(guess, names));
            return;
        }
        String field = rest.substring(target.length() + 1);
        if (field.isBlank()) {
            problems.add(o.source(), "", "the pipeline field to set is missing");
            return;
        }
        for (int i = 0; i < names.size(); i++) {
            if (target.equals("*") || names.get(i).equals(target)) {
                set((ObjectNode) pipelines.get(i), "pipelines[" + i + "].", field, o);
            }
        }
    }

    private void set(ObjectNode base, String treePrefix, String dotted, ConfigOverride o) {
        List<String> segments = List.of(dotted.split("\\.", -1));
        if (segments.contains("")) {
            problems.add(o.source(), "", Names.quote(dotted) + " is not a config path");
            return;
        }
        ObjectNode parent = object(base, segments.subList(0, segments.size() - 1), o);
        if (parent == null) {
            return;
        }
        String last = segments.get(segments.size() - 1);
        parent.set(
                last, LIST_FIELDS.contains(last) ? list(o.value()) : TextNode.valueOf(o.value()));
        problems.origin(treePrefix + dotted, o.source());
    }

    /** The mapping at {@code keys} under {@code base}, created when absent; null when blocked. */
    private ObjectNode object(ObjectNode base, List<String> keys, ConfigOverride o) {
        ObjectNode node = base;
        for (String key : keys) {
            JsonNode next = node.get(key);
            if (next == null || next.isNull()) {
                next = node.putObject(key);
            } else if (!next.isObject()) {
                problems.add(
                        o.source(),
                        "",
                        "cannot set "
                                + o.path()
                                + ": "
                                + key
                                + " in the config is "
                                + Section.describe(next)
                                + ", not a mapping");
                return null;
            }
            node = (ObjectNode) next;
        }
        return node;
    }

    private static ArrayNode list(String value) {
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        for (String item : value.split(",")) {
            if (!item.isBlank()) {
                out.add(item.strip());
            }
        }
        return out;
    }

    private static String longestNamePrefix(String rest, List<String> names) {
        String best = null;
        for (String name : names) {
            if (!name.isEmpty()
                    && rest.startsWith(name + ".")
                    && (best == null || name.length() > best.length())) {
                best = name;
            }
        }
        return best;
    }

    // Pipeline names may contain dots; the name ends where a pipeline key begins.
    private static String guessName(String rest) {
        for (int dot = rest.indexOf('.'); dot >= 0; dot = rest.indexOf('.', dot + 1)) {
            String next = rest.substring(dot + 1).split("\\.")[0];
            if (PipelineReader.KEYS.contains(next)) {
                return rest.substring(0, dot);
            }
        }
        int dot = rest.indexOf('.');
        return dot < 0 ? rest : rest.substring(0, dot);
    }
}
