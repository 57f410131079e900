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
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The fast form of simple conditions must answer exactly as CEL does, on every value an aggregate
 * can carry: NaN, infinities, signed zeros, longs beyond a double's precision.
 */
class FastConditionTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static final double[] DOUBLES = {
        Double.NaN,
        Double.POSITIVE_INFINITY,
        Double.NEGATIVE_INFINITY,
        0.0,
        -0.0,
        0.05,
        0.0500000001,
        0.04999999,
        20,
        19.999999,
        20.5,
        500,
        500.0000001,
        499.9999,
        -500,
        9.223372036854776E18,
        -9.223372036854776E18,
        1e300,
        Double.MIN_VALUE,
        Double.MAX_VALUE
    };

    private static final long[] LONGS = {
        0, 1, -1, 19, 20, 21, 500, 501, -500, Long.MAX_VALUE, Long.MIN_VALUE, (1L << 53) + 1
    };

    private static final String[] LOG_CONDITIONS = {
        "error_ratio > 0.05 && total >= 20",
        "error_ratio >= 0.05 || total < 20",
        "!(error_ratio <= 0.05) && !(total > 20)",
        "0.05 < error_ratio && 20 <= total",
        "error_ratio > 20 && total > 0.5",
        "error_ratio < -500 || total >= 19.5",
        "20 > error_ratio || 0.5 >= total",
        "total == 20 || total != 21",
        "service == \"checkout\" && error > 3",
        "\"checkout\" != service || fatal <= 0",
        "error_ratio <= 500 && error_ratio >= -500",
        // Not fast: left to CEL, still exact.
        "error_ratio == 0.05 || total == 20",
        "error_ratio * 2.0 > 0.1",
        "total > 20 && service.startsWith(\"check\")",
    };

    private static final String[] METRIC_CONDITIONS = {
        "name == \"http.server.duration\" && p99 > 500",
        "p99 > 500.0 && count >= 10 && name != \"x\"",
        "mean < 0 || max <= 9223372036854775807",
        "min >= -9223372036854775808 && sum < 1e300",
    };

    private static CompiledRule compile(String pipeline, String condition) throws Exception {
        List<ConfigProblem> problems = new ArrayList<>();
        String yaml =
                "{name: R, pipeline: "
                        + pipeline
                        + ", condition: '"
                        + condition.replace("'", "''")
                        + "', summary: s}";
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
        assertThat(problems).as(condition).isEmpty();
        return r;
    }

    private static String viaCel(CompiledRule r, Map<String, Object> vars) {
        try {
            return String.valueOf(
                    Boolean.TRUE.equals(r.condition().eval(CompiledRule.resolver(vars))));
        } catch (Exception e) {
            return "error";
        }
    }

    private static String viaTest(CompiledRule r, Map<String, Object> vars) {
        try {
            return String.valueOf(r.test(vars));
        } catch (Exception e) {
            return "error";
        }
    }

    @Test
    void simpleConditionsAreFastAndOthersAreNot() throws Exception {
        assertThat(compile("app-logs", LOG_CONDITIONS[0]).hasFastCondition()).isTrue();
        assertThat(compile("app-metrics", METRIC_CONDITIONS[0]).hasFastCondition()).isTrue();
        assertThat(compile("app-logs", "error_ratio == 0.05 || total == 20").hasFastCondition())
                .isFalse();
        assertThat(compile("app-logs", "error_ratio * 2.0 > 0.1").hasFastCondition()).isFalse();
    }

    @Test
    void logConditionsAnswerAsCel() throws Exception {
        Random random = new Random(42);
        for (String c : LOG_CONDITIONS) {
            CompiledRule r = compile("app-logs", c);
            for (int i = 0; i < 3000; i++) {
                Map<String, Object> vars = new HashMap<>();
                vars.put("error_ratio", DOUBLES[random.nextInt(DOUBLES.length)]);
                vars.put("total", LONGS[random.nextInt(LONGS.length)]);
                for (String level : List.of("trace", "debug", "info", "warn", "error", "fatal")) {
                    vars.put(level, LONGS[random.nextInt(LONGS.length)]);
                }
                vars.put("service", random.nextBoolean() ? "checkout" : "cart");
                if (random.nextInt(20) == 0) {
                    // A missing variable: CEL's error (or its short-circuit) either way.
                    vars.remove(random.nextBoolean() ? "total" : "error_ratio");
                }
                assertThat(viaTest(r, vars)).as(c + " " + vars).isEqualTo(viaCel(r, vars));
            }
        }
    }

    @Test
    void metricConditionsAnswerAsCel() throws Exception {
        Random random = new Random(7);
        for (String c : METRIC_CONDITIONS) {
            CompiledRule r = compile("app-metrics", c);
            for (int i = 0; i < 3000; i++) {
                Map<String, Object> vars = new HashMap<>();
                for (String f : List.of("sum", "min", "max", "mean", "p50", "p90", "p95", "p99")) {
                    vars.put(f, DOUBLES[random.nextInt(DOUBLES.length)]);
                }
                vars.put("count", LONGS[random.nextInt(LONGS.length)]);
                vars.put("name", random.nextBoolean() ? "http.server.duration" : "x");
                vars.put("service", "checkout");
                vars.put("host", "web-1");
                assertThat(viaTest(r, vars)).as(c + " " + vars).isEqualTo(viaCel(r, vars));
            }
        }
    }
}
