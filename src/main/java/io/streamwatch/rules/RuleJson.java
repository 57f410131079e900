package io.streamwatch.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamwatch.config.ConfigProblem;
import io.streamwatch.config.Durations;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Rules as JSON, in the same shape as the YAML rule files: how rules travel on the control topic
 * and sit in Flink's broadcast state (a plain string, so state never depends on a Java class
 * layout).
 */
public final class RuleJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private RuleJson() {}

    public static String toJson(RuleDefinition d) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("name", d.name());
        n.put("pipeline", d.pipeline());
        n.put("kind", d.kind().configName());
        putIfSet(n, "condition", d.condition());
        putIfSet(n, "value", d.value());
        if (d.threshold() != null) {
            n.put("threshold", d.threshold());
        }
        n.put("for", Durations.format(d.forDuration()));
        if (d.resolveAfter() != null) {
            n.put("resolve_after", Durations.format(d.resolveAfter()));
        }
        n.put("severity", d.severity());
        ObjectNode labels = n.putObject("labels");
        new TreeMap<>(d.labels()).forEach(labels::put);
        n.put("summary", d.summary());
        n.put("description", d.description());
        if (d.absentFor() != null) {
            n.put("absent_for", Durations.format(d.absentFor()));
        }
        putIfSet(n, "field", d.field());
        n.put("sigmas", d.sigmas());
        n.put("direction", d.direction().name().toLowerCase());
        n.put("warmup", d.warmup());
        n.put("alpha", d.alpha());
        n.put("retention", Durations.format(d.retention()));
        // Written only when set, so that the version of every rule written before they existed
        // stays the same.
        if (d.halfLife() != null) {
            n.put("half_life", Durations.format(d.halfLife()));
        }
        if (d.score() != null) {
            n.put("score", d.score());
        }
        if (d.resolveScore() != null) {
            n.put("resolve_score", d.resolveScore());
        }
        putIfSet(n, "seasonality", d.seasonality());
        if (d.minSpread() != null) {
            n.put("min_spread", d.minSpread());
        }
        if (d.over() != null) {
            n.put("over", Durations.format(d.over()));
        }
        return n.toString();
    }

    /** Reads a rule from JSON; returns null with problems when it is not a valid rule. */
    public static RuleDefinition fromJson(
            String json, String source, List<ConfigProblem> problems) {
        JsonNode tree;
        try {
            tree = MAPPER.readTree(json);
        } catch (IOException e) {
            problems.add(
                    new ConfigProblem(
                            source, "", "", "not valid JSON: " + e.getMessage().split("\n")[0]));
            return null;
        }
        return RuleReader.read(tree, source, 0, problems);
    }

    /** Reads a rule that was valid when stored; throws if it no longer is. */
    public static RuleDefinition fromTrustedJson(String json, String source) {
        List<ConfigProblem> problems = new ArrayList<>();
        RuleDefinition d = fromJson(json, source, problems);
        if (d == null) {
            throw new IllegalStateException("stored rule no longer reads: " + problems);
        }
        return d;
    }

    /** A short stable hash of the definition (its source aside): a changed rule has another. */
    public static String version(RuleDefinition d) {
        long h = 0xcbf29ce484222325L;
        for (byte b : toJson(d).getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return String.format("%016x", h);
    }

    private static void putIfSet(ObjectNode n, String key, String value) {
        if (value != null) {
            n.put(key, value);
        }
    }
}
