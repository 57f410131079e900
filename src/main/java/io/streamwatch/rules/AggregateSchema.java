package io.streamwatch.rules;

import io.streamwatch.config.PipelineConfig;
import io.streamwatch.config.PipelineKind;
import io.streamwatch.records.Level;
import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The fields a rule may name for one pipeline's aggregates, with their types: what CEL conditions
 * are type-checked against and what templates may use. Group fields are strings; a group field
 * given as a JSON path ({@code tags.route}) is named with underscores ({@code tags_route}).
 */
public final class AggregateSchema implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The type of a field, as CEL sees it. */
    public enum Type {
        INT,
        DOUBLE,
        STRING
    }

    private static final List<String> METRIC_NUMBERS =
            List.of("sum", "min", "max", "mean", "p50", "p90", "p95", "p99");

    /**
     * The metric fields a window's aggregate has that the aggregates of several windows do not give
     * exactly: a quantile of a span is not any mix of the windows' quantiles.
     */
    public static final List<String> QUANTILES = List.of("p50", "p90", "p95", "p99");

    private final PipelineKind kind;
    private final Map<String, Type> fields;
    private final List<String> groupFields;

    private AggregateSchema(PipelineKind kind, Map<String, Type> fields, List<String> groupFields) {
        this.kind = kind;
        this.fields = Collections.unmodifiableMap(fields);
        this.groupFields = List.copyOf(groupFields);
    }

    public static AggregateSchema of(PipelineConfig p) {
        Map<String, Type> f = new LinkedHashMap<>();
        if (p.kind() == PipelineKind.LOGS) {
            f.put("total", Type.INT);
            f.put("error_ratio", Type.DOUBLE);
            for (Level l : Level.values()) {
                f.put(l.name().toLowerCase(Locale.ROOT), Type.INT);
            }
        } else {
            f.put("name", Type.STRING);
            f.put("count", Type.INT);
            for (String n : METRIC_NUMBERS) {
                f.put(n, Type.DOUBLE);
            }
        }
        List<String> group = p.groupBy().stream().map(AggregateSchema::identifier).toList();
        for (String g : group) {
            f.putIfAbsent(g, Type.STRING);
        }
        return new AggregateSchema(p.kind(), f, group);
    }

    /**
     * A group field name as a CEL identifier: every character but ASCII letters, digits and '_'
     * becomes '_'. Called for every aggregate the rules see: names that are identifiers already
     * (the usual case) skip the regular expression.
     */
    /**
     * The fields a rule with {@code over} may name: those that merge exactly over a span of windows
     * (every field of a log aggregate; a metric's count, sum, min, max, mean), and the group
     * fields.
     */
    public AggregateSchema overSpan() {
        Map<String, Type> f = new LinkedHashMap<>(fields);
        QUANTILES.forEach(f::remove);
        return new AggregateSchema(kind, f, groupFields);
    }

    public static String identifier(String field) {
        for (int i = 0; i < field.length(); i++) {
            char ch = field.charAt(i);
            boolean allowed =
                    (ch >= 'a' && ch <= 'z')
                            || (ch >= 'A' && ch <= 'Z')
                            || (ch >= '0' && ch <= '9')
                            || ch == '_';
            if (!allowed) {
                return NOT_IDENTIFIER.matcher(field).replaceAll("_");
            }
        }
        return field;
    }

    private static final Pattern NOT_IDENTIFIER = Pattern.compile("[^A-Za-z0-9_]");

    public PipelineKind kind() {
        return kind;
    }

    /** Every field and its type, in a stable order. */
    public Map<String, Type> fields() {
        return fields;
    }

    public List<String> groupFields() {
        return groupFields;
    }

    /** The numeric fields, for messages and anomaly rules. */
    public List<String> numericFields() {
        return fields.entrySet().stream()
                .filter(e -> e.getValue() != Type.STRING)
                .map(Map.Entry::getKey)
                .toList();
    }
}
