package io.streamwatch.rules;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamwatch.anomaly.AnomalySettings;
import io.streamwatch.config.ConfigProblem;
import io.streamwatch.config.Durations;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads one rule from a YAML or JSON tree (a rule file entry or a control-topic value) into a
 * {@link RuleDefinition}, reporting every problem with the source, the rule and the field. Only the
 * shape is checked here; {@link RuleCompiler} checks the rule against its pipeline.
 */
public final class RuleReader {
    static final Set<String> KEYS =
            Set.of(
                    "name",
                    "pipeline",
                    "kind",
                    "condition",
                    "value",
                    "threshold",
                    "for",
                    "resolve_after",
                    "severity",
                    "labels",
                    "summary",
                    "description",
                    "absent_for",
                    "field",
                    "sigmas",
                    "direction",
                    "warmup",
                    "alpha",
                    "retention",
                    "half_life",
                    "score",
                    "resolve_score",
                    "seasonality",
                    "min_spread",
                    "over");

    private final String source;
    private final List<ConfigProblem> problems;
    private String rule;
    private boolean ok;

    private RuleReader(String source, List<ConfigProblem> problems) {
        this.source = source;
        this.problems = problems;
    }

    /** Reads a rule; returns null (with problems reported) when it cannot be used. */
    public static RuleDefinition read(
            JsonNode node, String source, int index, List<ConfigProblem> problems) {
        return new RuleReader(source, problems).read(node, index);
    }

    private RuleDefinition read(JsonNode n, int index) {
        ok = true;
        rule = n != null && n.hasNonNull("name") ? n.get("name").asText() : "#" + (index + 1);
        if (n == null || !n.isObject()) {
            problem("", "a rule must be a mapping (name: ..., kind: ..., ...)");
            return null;
        }
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!KEYS.contains(k)) {
                problem(
                        k,
                        "unknown key (known: "
                                + String.join(", ", KEYS.stream().sorted().toList())
                                + ")");
            }
        }
        String name = text(n, "name", null);
        if (name == null || name.isBlank()) {
            problem("name", "is missing");
        } else if (!name.matches("[A-Za-z0-9_.:-]+")) {
            problem("name", "\"" + name + "\" may use only letters, digits, '_', '.', ':' and '-'");
        }
        String pipeline = text(n, "pipeline", null);
        if (pipeline == null) {
            problem("pipeline", "is missing: name the pipeline whose aggregates this rule watches");
        }
        RuleKind kind = RuleKind.THRESHOLD;
        String kindText = text(n, "kind", "threshold");
        try {
            kind = RuleKind.valueOf(kindText.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            problem(
                    "kind",
                    "\"" + kindText + "\" is not one of threshold, absence, anomaly, new_pattern");
        }
        String condition = text(n, "condition", null);
        if (kind == RuleKind.THRESHOLD && condition == null) {
            problem(
                    "condition",
                    "is missing: a threshold rule needs a condition, e.g. error_ratio > 0.05");
        } else if (kind != RuleKind.THRESHOLD && kind != RuleKind.ANOMALY && condition != null) {
            problem(
                    "condition",
                    "only threshold rules (and anomaly rules, as a filter) have a condition");
        }
        Duration absentFor = duration(n, "absent_for", null);
        if (kind == RuleKind.ABSENCE && absentFor == null) {
            problem("absent_for", "is missing: how long a group may stay silent, e.g. 5m");
        }
        String field = text(n, "field", null);
        if (kind == RuleKind.ANOMALY && field == null) {
            problem("field", "is missing: the aggregate field to watch, e.g. total");
        }
        boolean anomaly = kind == RuleKind.ANOMALY;
        // Anomaly rules watch both directions by default; the field means nothing to the other
        // kinds, whose default stays as it was (it is part of every rule's version).
        Direction direction = anomaly ? Direction.BOTH : Direction.ABOVE;
        String dir = text(n, "direction", direction.name().toLowerCase(Locale.ROOT));
        try {
            direction = Direction.valueOf(dir.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            problem("direction", "\"" + dir + "\" is not one of above, below, both");
        }
        double sigmas = number(n, "sigmas", 3.0);
        if (sigmas < 0) {
            problem("sigmas", "must not be negative");
        }
        double alpha = number(n, "alpha", 0.3);
        if (alpha <= 0 || alpha > 1) {
            problem("alpha", "must be in (0, 1]");
        }
        double warmup = number(n, "warmup", anomaly ? AnomalySettings.DEFAULT_WARMUP : 5);
        if (warmup < 1 || warmup != Math.rint(warmup)) {
            problem("warmup", "must be a whole number of windows >= 1");
        }
        Duration halfLife = duration(n, "half_life", null);
        if (halfLife != null && (halfLife.isZero() || halfLife.isNegative())) {
            problem("half_life", "must be positive, e.g. 2h");
        }
        Double score = n.has("score") ? number(n, "score", 0) : null;
        Double resolveScore = n.has("resolve_score") ? number(n, "resolve_score", 0) : null;
        double fire = score == null ? AnomalySettings.DEFAULT_FIRE_LEVEL : score;
        double calm = resolveScore == null ? AnomalySettings.DEFAULT_RESOLVE_LEVEL : resolveScore;
        if (score != null && score <= 0) {
            problem("score", "must be positive: -log10 of a tail probability, e.g. 4");
        }
        if (resolveScore != null && resolveScore < 0) {
            problem("resolve_score", "must not be negative");
        }
        if (calm > fire) {
            problem(
                    resolveScore != null ? "resolve_score" : "score",
                    "resolve_score ("
                            + calm
                            + ") must not be above score ("
                            + fire
                            + "): the alert would resolve while it still fires");
        }
        String seasonality = text(n, "seasonality", null);
        if (seasonality != null && !seasonality.equals("auto") && !seasonality.equals("none")) {
            problem("seasonality", "\"" + seasonality + "\" is not one of auto, none");
        }
        Double minSpread = n.has("min_spread") ? number(n, "min_spread", 0) : null;
        if (minSpread != null && minSpread < 0) {
            problem("min_spread", "must not be negative");
        }
        if (!anomaly) {
            for (String k :
                    List.of("half_life", "score", "resolve_score", "seasonality", "min_spread")) {
                if (n.has(k)) {
                    problem(k, "only anomaly rules have " + k);
                }
            }
        }
        Duration over = duration(n, "over", null);
        if (over != null && kind != RuleKind.THRESHOLD && kind != RuleKind.ANOMALY) {
            problem("over", "only threshold and anomaly rules evaluate over a span of windows");
        } else if (over != null && over.isZero()) {
            problem("over", "must be positive: a multiple of the pipeline's window, e.g. 1h");
        }
        Double threshold = n.has("threshold") ? number(n, "threshold", 0) : null;
        Map<String, String> labels = new LinkedHashMap<>();
        JsonNode l = n.get("labels");
        if (l != null && !l.isNull()) {
            if (!l.isObject()) {
                problem("labels", "must be a mapping of label names to values");
            } else {
                l.fields()
                        .forEachRemaining(
                                e -> {
                                    if (!e.getKey().matches("[A-Za-z_][A-Za-z0-9_]*")) {
                                        problem(
                                                "labels." + e.getKey(),
                                                "is not a valid label name");
                                    }
                                    if (!e.getValue().isValueNode()) {
                                        problem("labels." + e.getKey(), "must be a text value");
                                    }
                                    labels.put(e.getKey(), e.getValue().asText());
                                });
            }
        }
        Duration retention = duration(n, "retention", Duration.ofDays(7));
        if (retention.compareTo(RuleDefinition.MAX_RETENTION) > 0) {
            problem(
                    "retention",
                    "must be at most "
                            + RuleDefinition.MAX_RETENTION.toDays()
                            + "d: how long a seen pattern is remembered");
        }
        String summary = text(n, "summary", defaultSummary(kind));
        String description = text(n, "description", defaultDescription(kind));
        RuleDefinition d =
                new RuleDefinition(
                        name,
                        source,
                        pipeline,
                        kind,
                        condition,
                        text(n, "value", null),
                        threshold,
                        duration(n, "for", Duration.ZERO),
                        duration(n, "resolve_after", null),
                        text(n, "severity", "warning"),
                        Map.copyOf(labels),
                        summary,
                        description,
                        absentFor,
                        field,
                        sigmas,
                        direction,
                        (int) warmup,
                        alpha,
                        retention,
                        halfLife,
                        score,
                        resolveScore,
                        seasonality,
                        minSpread,
                        over);
        return ok ? d : null;
    }

    static String defaultSummary(RuleKind kind) {
        switch (kind) {
            case ABSENCE:
                return "{{rule}}: no data for {{value|int}}s";
            case ANOMALY:
                return "{{rule}}: {{value}} is {{direction}} its expected {{expected}}";
            case NEW_PATTERN:
                return "{{rule}}: new error pattern: {{pattern}}";
            default:
                return "{{rule}}: {{value}} (threshold {{threshold}})";
        }
    }

    static String defaultDescription(RuleKind kind) {
        switch (kind) {
            case ABSENCE:
                return "Nothing was received for this group for {{value|int}}s.";
            case ANOMALY:
                return "Value {{value}}, expected {{expected}} ± {{spread}}, score {{score}} (window {{window_start}} to {{window_end}}).";
            case NEW_PATTERN:
                return "First seen in window {{window_start}} to {{window_end}}, e.g. \"{{example}}\".";
            default:
                return "Value {{value}} in window {{window_start}} to {{window_end}}.";
        }
    }

    private String text(JsonNode n, String key, String def) {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) {
            return def;
        }
        if (!v.isValueNode()) {
            problem(key, "must be a text value");
            return def;
        }
        return v.asText();
    }

    private double number(JsonNode n, String key, double def) {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) {
            return def;
        }
        if (!v.isNumber()) {
            problem(key, "must be a number, got \"" + v.asText() + "\"");
            return def;
        }
        return v.asDouble();
    }

    private Duration duration(JsonNode n, String key, Duration def) {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) {
            return def;
        }
        try {
            Duration d = Durations.parse(v.asText());
            if (d.isNegative()) {
                problem(key, "must not be negative");
            }
            return d;
        } catch (IllegalArgumentException e) {
            problem(key, "\"" + v.asText() + "\" is not a duration (" + Durations.HINT + ")");
            return def;
        }
    }

    private void problem(String field, String message) {
        ok = false;
        problems.add(new ConfigProblem(source, "rule '" + rule + "'", field, message));
    }
}
