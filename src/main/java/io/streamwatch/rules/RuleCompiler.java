package io.streamwatch.rules;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.Operator;
import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.types.CelType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import io.streamwatch.config.Names;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Compiles rules against their pipeline's {@link AggregateSchema}: CEL conditions are parsed and
 * type-checked (an unknown field or a non-boolean condition is a problem), templates are checked
 * for unknown variables. Happens once per rule, never per record.
 */
public final class RuleCompiler {
    private static final CelOptions OPTIONS =
            CelOptions.current().enableHeterogeneousNumericComparisons(true).build();
    private static final CelRuntime RUNTIME =
            CelRuntimeFactory.standardCelRuntimeBuilder().setOptions(OPTIONS).build();

    /** The first {@code field <op> number} in a condition names the alert's value and threshold. */
    private static final Pattern COMPARISON =
            Pattern.compile(
                    "([A-Za-z_][A-Za-z0-9_]*)\\s*(>=|<=|>|<)\\s*(-?[0-9]+(?:\\.[0-9]+)?(?:[eE][-+]?[0-9]+)?)");

    /** CEL's error for a name that is no field: {@code undeclared reference to 'error_rate'}. */
    private static final Pattern UNDECLARED =
            Pattern.compile("undeclared reference to '([A-Za-z_][A-Za-z0-9_]*)'");

    private RuleCompiler() {}

    /**
     * Compiles a rule; returns null and reports through {@code problem(field, message)} when it
     * does not compile.
     */
    public static CompiledRule compile(
            RuleDefinition d, AggregateSchema schema, BiConsumer<String, String> problem) {
        CelCompiler compiler = compilerFor(schema);
        boolean ok = true;
        CelRuntime.Program condition = null;
        CelRuntime.Program value = null;
        List<Map.Entry<String, String>> keyValues = new ArrayList<>();
        FastCondition[] fast = new FastCondition[1];
        Consumer<CelAbstractSyntaxTree> noteKeyValues =
                ast -> {
                    keyValues.addAll(requiredKeyValues(ast, schema));
                    fast[0] = FastCondition.of(ast, schema);
                };
        String valueField = null;
        Double threshold = d.threshold();
        switch (d.kind()) {
            case THRESHOLD:
                condition =
                        program(
                                compiler,
                                schema,
                                d.condition(),
                                SimpleType.BOOL,
                                "condition",
                                problem,
                                noteKeyValues);
                ok = condition != null;
                Matcher m = COMPARISON.matcher(d.condition() == null ? "" : d.condition());
                if (d.value() == null && m.find() && schema.fields().containsKey(m.group(1))) {
                    valueField = m.group(1);
                    if (threshold == null) {
                        threshold = Double.parseDouble(m.group(3));
                    }
                }
                break;
            case ANOMALY:
                if (d.condition() != null) {
                    condition =
                            program(
                                    compiler,
                                    schema,
                                    d.condition(),
                                    SimpleType.BOOL,
                                    "condition",
                                    problem,
                                    noteKeyValues);
                    ok = condition != null;
                }
                if (!schema.numericFields().contains(d.field())) {
                    problem.accept(
                            "field",
                            "'"
                                    + d.field()
                                    + "' is not a numeric field of this pipeline's aggregates"
                                    + " (fields: "
                                    + String.join(", ", schema.numericFields())
                                    + ")");
                    ok = false;
                }
                valueField = d.field();
                break;
            case NEW_PATTERN:
                if (schema.kind() != io.streamwatch.config.PipelineKind.LOGS) {
                    problem.accept("kind", "new_pattern rules need a logs pipeline");
                    ok = false;
                }
                break;
            default:
                break;
        }
        if (d.value() != null) {
            value =
                    program(
                            compiler,
                            schema,
                            d.value(),
                            SimpleType.DOUBLE,
                            "value",
                            problem,
                            ast -> {});
            ok &= value != null;
        }
        List<String> templateProblems = new ArrayList<>();
        Set<String> vars = templateVariables(d, schema);
        Template summary = Template.parse(d.summary(), vars, templateProblems);
        templateProblems.forEach(p -> problem.accept("summary", p));
        ok &= templateProblems.isEmpty();
        templateProblems.clear();
        Template description = Template.parse(d.description(), vars, templateProblems);
        templateProblems.forEach(p -> problem.accept("description", p));
        ok &= templateProblems.isEmpty();
        if (!ok) {
            return null;
        }
        return new CompiledRule(
                d,
                schema,
                condition,
                fast[0],
                value,
                valueField,
                threshold,
                summary,
                description,
                keyValues);
    }

    /**
     * The {@code field == "literal"} (or {@code "literal" == field}) conjuncts at the top of a
     * condition, for string fields only: the group fields and the metric name, which are part of
     * the evaluator's state key (see {@link CompiledRule#excludes}). When one fails, the whole
     * {@code &&} is false in CEL, whatever the other conjuncts are or whether they fail.
     */
    static List<Map.Entry<String, String>> requiredKeyValues(
            CelAbstractSyntaxTree ast, AggregateSchema schema) {
        List<Map.Entry<String, String>> required = new ArrayList<>();
        addRequired(ast.getExpr(), schema, required);
        return required;
    }

    private static void addRequired(
            CelExpr e, AggregateSchema schema, List<Map.Entry<String, String>> required) {
        if (e.getKind() != CelExpr.ExprKind.Kind.CALL) {
            return;
        }
        String function = e.call().function();
        List<CelExpr> args = e.call().args();
        if (function.equals(Operator.LOGICAL_AND.getFunction())) {
            args.forEach(a -> addRequired(a, schema, required));
        } else if (function.equals(Operator.EQUALS.getFunction()) && args.size() == 2) {
            addEquality(args.get(0), args.get(1), schema, required);
            addEquality(args.get(1), args.get(0), schema, required);
        }
    }

    private static void addEquality(
            CelExpr field,
            CelExpr literal,
            AggregateSchema schema,
            List<Map.Entry<String, String>> required) {
        if (field.getKind() == CelExpr.ExprKind.Kind.IDENT
                && literal.getKind() == CelExpr.ExprKind.Kind.CONSTANT
                && literal.constant().getKind() == CelConstant.Kind.STRING_VALUE
                && schema.fields().get(field.ident().name()) == AggregateSchema.Type.STRING) {
            required.add(Map.entry(field.ident().name(), literal.constant().stringValue()));
        }
    }

    /** What a rule's templates may name: the aggregate's fields and the alert's own. */
    static Set<String> templateVariables(RuleDefinition d, AggregateSchema schema) {
        Set<String> vars = new HashSet<>(schema.fields().keySet());
        vars.addAll(
                List.of(
                        "value",
                        "threshold",
                        "rule",
                        "severity",
                        "pipeline",
                        "window_start",
                        "window_end"));
        if (d.kind() == RuleKind.NEW_PATTERN) {
            vars.addAll(List.of("pattern", "pattern_id", "example"));
        }
        if (d.kind() == RuleKind.ANOMALY) {
            vars.addAll(List.of("mean", "stddev", "expected", "spread", "score", "z", "direction"));
        }
        vars.addAll(d.labels().keySet());
        return vars;
    }

    private static CelRuntime.Program program(
            CelCompiler compiler,
            AggregateSchema schema,
            String expr,
            CelType want,
            String field,
            BiConsumer<String, String> problem,
            Consumer<CelAbstractSyntaxTree> checked) {
        if (expr == null || expr.isBlank()) {
            problem.accept(field, "is missing");
            return null;
        }
        try {
            CelAbstractSyntaxTree ast = compiler.compile(expr).getAst();
            CelType got = ast.getResultType();
            boolean numeric =
                    got == SimpleType.INT || got == SimpleType.DOUBLE || got == SimpleType.UINT;
            if (!got.equals(want) && !(want == SimpleType.DOUBLE && numeric)) {
                problem.accept(
                        field,
                        "must be "
                                + (want == SimpleType.BOOL ? "a boolean" : "a number")
                                + " expression, but \""
                                + expr
                                + "\" is of type "
                                + got.name());
                return null;
            }
            checked.accept(ast);
            return RUNTIME.createProgram(ast);
        } catch (CelValidationException e) {
            problem.accept(field, celErrors(e.getMessage(), schema.fields().keySet()));
            return null;
        } catch (CelEvaluationException | RuntimeException e) {
            problem.accept(field, "cannot be compiled: " + oneLine(String.valueOf(e.getMessage())));
            return null;
        }
    }

    /**
     * CEL's report without its source-echo lines: {@code column 8: mismatched input ...}; an
     * undeclared reference gets the closest field of the aggregates as a "did you mean", as an
     * unknown config key does.
     */
    private static String celErrors(String message, Set<String> fields) {
        List<String> errors = new ArrayList<>();
        for (String line : message.split("\n")) {
            if (line.startsWith("ERROR: ")) {
                String error =
                        line.replaceFirst("^ERROR: <input>:\\d+:(\\d+): ", "column $1: ")
                                .replace(" (in container '')", "");
                Matcher undeclared = UNDECLARED.matcher(error);
                if (undeclared.find()) {
                    error += Names.suggest(undeclared.group(1), fields);
                }
                errors.add(error);
            }
        }
        return errors.isEmpty() ? oneLine(message) : String.join("; ", errors);
    }

    private static String oneLine(String message) {
        return message.replaceAll("\\s*\\n\\s*", " | ").trim();
    }

    private static CelCompiler compilerFor(AggregateSchema schema) {
        var b = CelCompilerFactory.standardCelCompilerBuilder().setOptions(OPTIONS);
        for (Map.Entry<String, AggregateSchema.Type> f : schema.fields().entrySet()) {
            b.addVar(
                    f.getKey(),
                    switch (f.getValue()) {
                        case INT -> SimpleType.INT;
                        case DOUBLE -> SimpleType.DOUBLE;
                        case STRING -> SimpleType.STRING;
                    });
        }
        return b.build();
    }
}
