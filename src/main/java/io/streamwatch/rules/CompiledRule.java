package io.streamwatch.rules;

import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelVariableResolver;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A rule ready to evaluate: its CEL programs compiled and its templates parsed, once, when the rule
 * is loaded. Not serializable; each parallel evaluator compiles its own from the {@link
 * RuleDefinition}.
 */
public final class CompiledRule {
    private final RuleDefinition definition;
    private final AggregateSchema schema;
    private final CelRuntime.Program condition;
    private final FastCondition fastCondition;
    private final CelRuntime.Program value;
    private final String valueField;
    private final Double threshold;
    private final Template summary;
    private final Template description;
    private final String version;
    private final boolean templatesNameAggregateFields;
    private final List<Map.Entry<String, String>> requiredKeyValues;

    CompiledRule(
            RuleDefinition definition,
            AggregateSchema schema,
            CelRuntime.Program condition,
            FastCondition fastCondition,
            CelRuntime.Program value,
            String valueField,
            Double threshold,
            Template summary,
            Template description,
            List<Map.Entry<String, String>> requiredKeyValues) {
        this.definition = definition;
        this.requiredKeyValues = List.copyOf(requiredKeyValues);
        this.schema = schema;
        this.condition = condition;
        this.fastCondition = fastCondition;
        this.value = value;
        this.valueField = valueField;
        this.threshold = threshold;
        this.summary = summary;
        this.description = description;
        this.version = RuleJson.version(definition);
        this.templatesNameAggregateFields =
                namesAggregateField(summary, schema) || namesAggregateField(description, schema);
    }

    private static boolean namesAggregateField(Template t, AggregateSchema schema) {
        for (String v : t.variables()) {
            if (schema.fields().containsKey(v) && !schema.groupFields().contains(v)) {
                return true;
            }
        }
        return false;
    }

    public RuleDefinition definition() {
        return definition;
    }

    public String name() {
        return definition.name();
    }

    public RuleKind kind() {
        return definition.kind();
    }

    public AggregateSchema schema() {
        return schema;
    }

    /** A hash of the definition: a changed rule has another version. */
    public String version() {
        return version;
    }

    /**
     * Evaluates the condition over one aggregate's variables: a threshold rule's verdict, an
     * anomaly rule's filter (true when it has none).
     */
    public boolean test(Map<String, Object> variables) throws CelEvaluationException {
        if (condition == null) {
            return true;
        }
        if (fastCondition != null) {
            int verdict = fastCondition.eval(variables);
            if (verdict != FastCondition.UNKNOWN) {
                return verdict == FastCondition.TRUE;
            }
        }
        return Boolean.TRUE.equals(condition.eval(resolver(variables)));
    }

    /** Whether {@link #test} can answer without CEL's interpreter; for tests. */
    boolean hasFastCondition() {
        return fastCondition != null;
    }

    /**
     * Whether the condition is false for these variables by one of its top-level {@code field ==
     * "literal"} conjuncts alone, where the field is a string field (a group field or the metric
     * name) that has a value. CEL is not asked: a rule on one metric name (most are) costs its CEL
     * evaluation only on that metric's aggregates. False means "ask {@link #test}".
     */
    public boolean excludes(Map<String, Object> variables) {
        for (int i = 0; i < requiredKeyValues.size(); i++) {
            Map.Entry<String, String> required = requiredKeyValues.get(i);
            Object v = variables.get(required.getKey());
            if (v instanceof String && !required.getValue().equals(v)) {
                return true;
            }
        }
        return false;
    }

    /** The {@code field == "literal"} conjuncts {@link #excludes} checks; for tests. */
    List<Map.Entry<String, String>> requiredKeyValues() {
        return requiredKeyValues;
    }

    /** The compiled condition, or null; for tests. */
    CelRuntime.Program condition() {
        return condition;
    }

    /** The alert's value for these variables, or NaN when the rule has none. */
    public double value(Map<String, Object> variables) throws CelEvaluationException {
        if (value != null) {
            Object v = value.eval(resolver(variables));
            return v instanceof Number ? ((Number) v).doubleValue() : Double.NaN;
        }
        if (valueField != null) {
            Object v = variables.get(valueField);
            return v instanceof Number ? ((Number) v).doubleValue() : Double.NaN;
        }
        return Double.NaN;
    }

    /**
     * Whether the summary or description names a field that differs between aggregates of one
     * group, such as a count or the metric name; group fields, the window and the alert's own
     * values do not.
     */
    public boolean templatesNameAggregateFields() {
        return templatesNameAggregateFields;
    }

    /**
     * The variables as CEL looks them up. {@code Program.eval(Map)} copies the map into an
     * immutable one on every call (a tenth of the evaluator's CPU); a resolver reads it in place.
     * It answers as that copy did: no value for a missing or null entry, and Integer and Float
     * widened to Long and Double (the map holds Long, Double and String anyway).
     */
    static CelVariableResolver resolver(Map<String, Object> variables) {
        return name -> {
            Object v = variables.get(name);
            if (v instanceof Integer) {
                v = ((Integer) v).longValue();
            } else if (v instanceof Float) {
                v = ((Float) v).doubleValue();
            }
            return Optional.ofNullable(v);
        };
    }

    /** The alert's threshold, or null. */
    public Double threshold() {
        return threshold;
    }

    public String summary(Map<String, Object> values) {
        return summary.render(values);
    }

    public String description(Map<String, Object> values) {
        return description.render(values);
    }
}
