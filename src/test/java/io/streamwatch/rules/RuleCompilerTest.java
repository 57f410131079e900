package io.streamwatch.rules;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.streamwatch.config.ConfigProblem;
import io.streamwatch.testing.TestPipelines;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RuleCompilerTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static List<ConfigProblem> problems(String yaml) throws Exception {
        List<ConfigProblem> problems = new ArrayList<>();
        RuleDefinition d = RuleReader.read(YAML.readTree(yaml), "rules/test.yaml", 0, problems);
        if (d != null) {
            RuleLoader.check(
                    d,
                    TestPipelines.job(
                            "x",
                            "t",
                            List.of(
                                    TestPipelines.logs("streamwatch"),
                                    TestPipelines.metrics("streamwatch")),
                            "d",
                            "l"),
                    problems);
        }
        return problems;
    }

    private static CompiledRule compile(String yaml) throws Exception {
        List<ConfigProblem> problems = new ArrayList<>();
        RuleDefinition d = RuleReader.read(YAML.readTree(yaml), "rules/test.yaml", 0, problems);
        CompiledRule r =
                RuleLoader.check(
                        d,
                        TestPipelines.job(
                                "x",
                                "t",
                                List.of(
                                        TestPipelines.logs("streamwatch"),
                                        TestPipelines.metrics("streamwatch")),
                                "d",
                                "l"),
                        problems);
        assertThat(problems).isEmpty();
        return r;
    }

    @Test
    void aThresholdConditionEvaluatesWithMixedNumbersAndInfersValueAndThreshold() throws Exception {
        CompiledRule r =
                compile(
                        "{name: HighErrorRatio, pipeline: app-logs, condition: 'error_ratio > 0.05 && total >= 20',"
                                + " summary: '{{service}} error ratio {{value|pct}} > {{threshold|pct}}'}");
        Map<String, Object> vars =
                new HashMap<>(Map.of("error_ratio", 0.12, "total", 25L, "service", "checkout"));
        for (String level : List.of("trace", "debug", "info", "warn", "error", "fatal")) {
            vars.put(level, 0L);
        }
        assertThat(r.test(vars)).isTrue();
        vars.put("total", 19L);
        assertThat(r.test(vars)).isFalse();
        assertThat(r.value(vars)).isEqualTo(0.12);
        assertThat(r.threshold()).isEqualTo(0.05);
        vars.put("value", 0.12);
        vars.put("threshold", 0.05);
        assertThat(r.summary(vars)).isEqualTo("checkout error ratio 12.0% > 5.0%");
    }

    @Test
    void aDoubleFieldComparesWithAnIntegerLiteral() throws Exception {
        CompiledRule r =
                compile(
                        "{name: SlowP99, pipeline: app-metrics, condition: 'p99 > 500 && name == \"http.server.duration\"'}");
        Map<String, Object> vars = new HashMap<>();
        for (String f : List.of("sum", "min", "max", "mean", "p50", "p90", "p95")) {
            vars.put(f, 1.0);
        }
        vars.putAll(
                Map.of(
                        "p99",
                        700.5,
                        "name",
                        "http.server.duration",
                        "count",
                        10L,
                        "service",
                        "s",
                        "host",
                        "h"));
        assertThat(r.test(vars)).isTrue();
        assertThat(r.threshold()).isEqualTo(500.0);
    }

    static Stream<Arguments> brokenRules() {
        return Stream.of(
                Arguments.of(
                        "{name: A, pipeline: app-logs, condition: 'error_rate > 0.05'}",
                        "condition",
                        "error_rate"),
                Arguments.of(
                        "{name: A, pipeline: app-logs, condition: 'total + 1'}",
                        "condition",
                        "boolean"),
                Arguments.of(
                        "{name: A, pipeline: app-logs, condition: 'service > 3'}",
                        "condition",
                        "no matching overload"),
                Arguments.of(
                        "{name: A, pipeline: app-logs, condition: 'total >'}",
                        "condition",
                        "column 8: mismatched input"),
                Arguments.of(
                        "{name: A, pipeline: nope, condition: 'total > 1'}",
                        "pipeline",
                        "no pipeline named \"nope\""),
                Arguments.of(
                        "{name: A, pipeline: app-logs, condition: 'total > 1', for: 2x}",
                        "for",
                        "not a duration"),
                Arguments.of(
                        "{name: A, pipeline: app-logs, condition: 'total > 1', colour: red}",
                        "colour",
                        "unknown key"),
                Arguments.of(
                        "{name: A, pipeline: app-logs, condition: 'total > 1', summary: '{{servce}} x'}",
                        "summary",
                        "unknown template variable {{servce}}"),
                Arguments.of("{name: A, pipeline: app-logs, kind: loud}", "kind", "not one of"),
                Arguments.of(
                        "{name: A, pipeline: app-logs, kind: absence}", "absent_for", "is missing"),
                Arguments.of(
                        "{name: A, pipeline: app-logs, kind: anomaly, field: latency}",
                        "field",
                        "not a numeric field"),
                Arguments.of(
                        "{name: A, pipeline: app-metrics, kind: new_pattern}",
                        "kind",
                        "logs pipeline"),
                Arguments.of(
                        "{name: A, pipeline: app-logs, kind: new_pattern, retention: 400d}",
                        "retention",
                        "must be at most 365d"),
                Arguments.of(
                        "{name: A, pipeline: app-logs, kind: anomaly, field: total, half_life: 0s}",
                        "half_life",
                        "must be positive"),
                Arguments.of(
                        "{name: A, pipeline: app-logs, kind: anomaly, field: total, score: -1}",
                        "score",
                        "must be positive"),
                Arguments.of(
                        "{name: A, pipeline: app-logs, kind: anomaly, field: total, score: 3,"
                                + " resolve_score: 4}",
                        "resolve_score",
                        "must not be above score"),
                Arguments.of(
                        "{name: A, pipeline: app-logs, kind: anomaly, field: total,"
                                + " seasonality: weekly}",
                        "seasonality",
                        "not one of auto, none"),
                Arguments.of(
                        "{name: A, pipeline: app-logs, kind: anomaly, field: total, min_spread: -2}",
                        "min_spread",
                        "must not be negative"),
                Arguments.of(
                        "{name: A, pipeline: app-logs, kind: anomaly, field: total, direction: up}",
                        "direction",
                        "not one of above, below, both"),
                Arguments.of(
                        "{name: A, pipeline: app-logs, condition: 'total > 1', half_life: 1h}",
                        "half_life",
                        "only anomaly rules"),
                Arguments.of("{pipeline: app-logs, condition: 'total > 1'}", "name", "is missing"));
    }

    @Test
    void anomalyRulesWatchBothDirectionsByDefaultAndKeepTheirOldVersionWhenUnchanged()
            throws Exception {
        RuleDefinition d =
                RuleReader.read(
                        YAML.readTree("{name: A, pipeline: app-logs, kind: anomaly, field: total}"),
                        "rules/test.yaml",
                        0,
                        new ArrayList<>());
        assertThat(d.direction()).isEqualTo(Direction.BOTH);
        assertThat(d.warmup()).isEqualTo(30);
        // Fields this version added are written only when set: a threshold rule's JSON, and so
        // its version, is what it was.
        RuleDefinition t =
                RuleReader.read(
                        YAML.readTree("{name: T, pipeline: app-logs, condition: 'total > 1'}"),
                        "rules/test.yaml",
                        0,
                        new ArrayList<>());
        assertThat(t.direction()).isEqualTo(Direction.ABOVE);
        assertThat(RuleJson.toJson(t))
                .doesNotContain("half_life", "resolve_score", "seasonality", "min_spread");
        RuleDefinition tuned =
                RuleReader.read(
                        YAML.readTree(
                                "{name: A, pipeline: app-logs, kind: anomaly, field: total,"
                                        + " half_life: 6h, score: 5, seasonality: none}"),
                        "rules/test.yaml",
                        0,
                        new ArrayList<>());
        RuleDefinition back = RuleJson.fromTrustedJson(RuleJson.toJson(tuned), "topic");
        assertThat(back.halfLife()).isEqualTo(java.time.Duration.ofHours(6));
        assertThat(back.score()).isEqualTo(5.0);
        assertThat(back.seasonality()).isEqualTo("none");
        assertThat(RuleJson.version(back)).isEqualTo(RuleJson.version(tuned));
    }

    @ParameterizedTest(name = "{1}: {0}")
    @MethodSource("brokenRules")
    void everyProblemNamesTheFileTheRuleAndTheField(String yaml, String field, String message)
            throws Exception {
        assertThat(problems(yaml))
                .anySatisfy(
                        p -> {
                            assertThat(p.file()).isEqualTo("rules/test.yaml");
                            assertThat(p.where()).startsWith("rule '");
                            assertThat(p.field()).isEqualTo(field);
                            assertThat(p.message()).contains(message);
                        });
    }

    @Test
    void templatesThatNameAnAggregateFieldAreToldApart() throws Exception {
        String absence = "{name: S, pipeline: app-metrics, kind: absence, absent_for: 2m,";
        assertThat(
                        compile(
                                        absence
                                                + " labels: {team: ops}, summary: '{{host}}"
                                                + " {{service}} {{value|int}} {{threshold}}"
                                                + " {{rule}} {{severity}} {{pipeline}}"
                                                + " {{window_start}} {{window_end}} {{team}}'}")
                                .templatesNameAggregateFields())
                .isFalse();
        assertThat(
                        compile(absence + " summary: '{{host}} {{count}}'}")
                                .templatesNameAggregateFields())
                .isTrue();
        assertThat(
                        compile(absence + " summary: 's', description: '{{name}}'}")
                                .templatesNameAggregateFields())
                .isTrue();
    }

    /** What {@code test} answered when it handed CEL the map (which CEL then copied). */
    private static String viaMapCopy(CompiledRule r, Map<String, Object> vars) {
        try {
            return String.valueOf(Boolean.TRUE.equals(r.condition().eval(vars)));
        } catch (Exception e) {
            return e.getClass().getName();
        }
    }

    private static String viaResolver(CompiledRule r, Map<String, Object> vars) {
        try {
            return String.valueOf(r.test(vars));
        } catch (Exception e) {
            return e.getClass().getName();
        }
    }

    @Test
    void conditionsReadTheVariablesInPlaceAsTheyReadACopy() throws Exception {
        CompiledRule r =
                compile(
                        "{name: P99, pipeline: app-metrics,"
                                + " condition: 'name == \"http\" && p99 > 500.0 && count >= 3'}");
        List<Map<String, Object>> cases = new ArrayList<>();
        cases.add(new HashMap<>(Map.of("name", "http", "p99", 900.0, "count", 3L)));
        cases.add(new HashMap<>(Map.of("name", "http", "p99", 400.0, "count", 3L)));
        cases.add(new HashMap<>(Map.of("name", "other", "p99", 900.0, "count", 3L)));
        cases.add(new HashMap<>(Map.of("name", "http", "p99", 900.0, "count", 2L)));
        // Narrow boxes: the copy widened them, so must the resolver.
        cases.add(new HashMap<>(Map.of("name", "http", "p99", 900.0f, "count", 3)));
        cases.add(new HashMap<>(Map.of("name", "http", "p99", 100.0f, "count", 2)));
        // A missing and a null variable.
        cases.add(new HashMap<>(Map.of("name", "http", "p99", 900.0)));
        Map<String, Object> withNull = new HashMap<>(Map.of("name", "http", "p99", 900.0));
        withNull.put("count", null);
        cases.add(withNull);
        cases.add(new HashMap<>(Map.of("name", "other")));
        List<String> before = new ArrayList<>();
        List<String> after = new ArrayList<>();
        for (Map<String, Object> vars : cases) {
            before.add(viaMapCopy(r, vars));
            after.add(viaResolver(r, vars));
        }
        assertThat(after).isEqualTo(before);
        assertThat(after.subList(0, 6))
                .containsExactly("true", "false", "false", "false", "true", "false");
    }

    @Test
    void theStringEqualitiesAtTheTopOfAConditionAreItsRequiredKeyValues() throws Exception {
        CompiledRule r =
                compile(
                        "{name: A, pipeline: app-metrics, condition: 'name == \"http.server.duration\""
                                + " && (p99 > 500.0 || \"web-1\" == host) && \"checkout\" == service"
                                + " && p99 == 2.0'}");
        assertThat(r.requiredKeyValues())
                .containsExactly(
                        Map.entry("name", "http.server.duration"),
                        Map.entry("service", "checkout"));
        Map<String, Object> vars = metricVariables("http.server.duration", "checkout", "web-2", 9);
        assertThat(r.excludes(vars)).isFalse();
        vars.put("service", "search");
        assertThat(r.excludes(vars)).isTrue();
        vars.put("service", "checkout");
        vars.put("name", "cpu.usage");
        assertThat(r.excludes(vars)).isTrue();

        assertThat(
                        compile(
                                        "{name: A, pipeline: app-metrics, condition: 'name == \"a\""
                                                + " || p99 > 1.0'}")
                                .requiredKeyValues())
                .isEmpty();
        assertThat(
                        compile(
                                        "{name: A, pipeline: app-metrics, condition: '!(name == \"a\")"
                                                + " && p99 > 1.0'}")
                                .requiredKeyValues())
                .isEmpty();
    }

    /**
     * Random conditions over string and numeric fields, each evaluated on random aggregates: when
     * {@code excludes} says a condition is false without CEL, CEL must say false too.
     */
    @Test
    void excludesOnlyWhatCelRejects() throws Exception {
        java.util.Random random = new java.util.Random(42);
        int excluded = 0;
        int checked = 0;
        for (int i = 0; i < 300; i++) {
            String condition = condition(random, 3);
            CompiledRule r =
                    compile(
                            "{name: A, pipeline: app-metrics, condition: '"
                                    + condition.replace("'", "''")
                                    + "'}");
            for (int j = 0; j < 20; j++) {
                Map<String, Object> vars =
                        metricVariables(
                                pick(random, "a", "b", "c"),
                                pick(random, "s1", "s2"),
                                pick(random, "h1", "h2"),
                                random.nextInt(4));
                checked++;
                if (r.excludes(vars)) {
                    excluded++;
                    assertThat(r.test(vars)).as(condition + " on " + vars).isFalse();
                }
            }
        }
        // The generator makes top-level equalities often enough for the check to mean something.
        assertThat(excluded).isGreaterThan(checked / 10);
    }

    private static String condition(java.util.Random random, int depth) {
        int choice = random.nextInt(depth == 0 ? 3 : 7);
        switch (choice) {
            case 0:
                return pick(random, "name", "service", "host")
                        + " == \""
                        + pick(random, "a", "b", "s1", "h1", "x")
                        + "\"";
            case 1:
                return "\""
                        + pick(random, "a", "s2", "h2")
                        + "\" == "
                        + pick(random, "name", "host");
            case 2:
                return pick(random, "p99", "count", "max") + " > " + random.nextInt(4);
            case 3:
            case 4:
                return condition(random, depth - 1) + " && " + condition(random, depth - 1);
            case 5:
                return "("
                        + condition(random, depth - 1)
                        + " || "
                        + condition(random, depth - 1)
                        + ")";
            default:
                return "!(" + condition(random, depth - 1) + ")";
        }
    }

    private static String pick(java.util.Random random, String... options) {
        return options[random.nextInt(options.length)];
    }

    private static Map<String, Object> metricVariables(
            String name, String service, String host, double number) {
        Map<String, Object> vars = new HashMap<>();
        for (String f : List.of("sum", "min", "max", "mean", "p50", "p90", "p95", "p99")) {
            vars.put(f, number);
        }
        vars.put("count", (long) number);
        vars.put("name", name);
        vars.put("service", service);
        vars.put("host", host);
        return vars;
    }
}
