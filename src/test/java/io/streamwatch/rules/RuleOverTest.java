package io.streamwatch.rules;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.streamwatch.config.ConfigProblem;
import io.streamwatch.config.StreamwatchConfig;
import io.streamwatch.config.WindowConfig;
import io.streamwatch.testing.TestPipelines;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code over}: read, checked against the pipeline's window and fields, and kept in the JSON. */
class RuleOverTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static final StreamwatchConfig ONE_MINUTE =
            TestPipelines.job(
                    "x",
                    "t",
                    List.of(
                            TestPipelines.logs("streamwatch"),
                            TestPipelines.metrics("streamwatch")),
                    "d",
                    "l");

    private static List<String> problems(String yaml) throws Exception {
        return problems(yaml, ONE_MINUTE);
    }

    private static List<String> problems(String yaml, StreamwatchConfig config) throws Exception {
        List<ConfigProblem> problems = new ArrayList<>();
        RuleDefinition d = RuleReader.read(YAML.readTree(yaml), "rules/test.yaml", 0, problems);
        if (d != null) {
            RuleLoader.check(d, config, problems);
        }
        return problems.stream().map(ConfigProblem::toString).toList();
    }

    @Test
    void aMultipleOfTheWindowOnFieldsThatMergeIsAccepted() throws Exception {
        assertThat(
                        problems(
                                "{name: Errors, pipeline: app-logs, over: 1h,"
                                        + " condition: 'error_ratio > 0.05 && total >= 100',"
                                        + " summary: '{{error}} of {{total}}'}"))
                .isEmpty();
        assertThat(
                        problems(
                                "{name: Slow, pipeline: app-metrics, over: 15m,"
                                        + " condition: 'max > 900 || mean > 300'}"))
                .isEmpty();
        assertThat(
                        problems(
                                "{name: Traffic, pipeline: app-metrics, kind: anomaly, over: 1h,"
                                        + " field: count}"))
                .isEmpty();
    }

    @Test
    void overIsKeptInTheRuleJsonAndChangesTheVersion() throws Exception {
        List<ConfigProblem> problems = new ArrayList<>();
        RuleDefinition with =
                RuleReader.read(
                        YAML.readTree(
                                "{name: E, pipeline: app-logs, over: 1h, condition: 'total > 1'}"),
                        "rules/test.yaml",
                        0,
                        problems);
        RuleDefinition without =
                RuleReader.read(
                        YAML.readTree("{name: E, pipeline: app-logs, condition: 'total > 1'}"),
                        "rules/test.yaml",
                        0,
                        problems);
        assertThat(problems).isEmpty();
        assertThat(RuleJson.fromTrustedJson(RuleJson.toJson(with), "t").over())
                .isEqualTo(Duration.ofHours(1));
        assertThat(RuleJson.toJson(without)).doesNotContain("over");
        assertThat(RuleJson.version(with)).isNotEqualTo(RuleJson.version(without));
    }

    @Test
    void aSpanThatIsNoMultipleOfTheWindowIsRefusedNamingFileRuleAndField() throws Exception {
        assertThat(problems("{name: E, pipeline: app-logs, over: 90s, condition: 'total > 1'}"))
                .singleElement()
                .satisfies(
                        p ->
                                assertThat(p)
                                        .contains("rules/test.yaml")
                                        .contains("rule 'E'")
                                        .contains("over")
                                        .contains(
                                                "not a multiple of pipeline app-logs's window (1m)"));
    }

    @Test
    void aSpanOfTooManyWindowsIsRefused() throws Exception {
        assertThat(problems("{name: E, pipeline: app-logs, over: 5h, condition: 'total > 1'}"))
                .singleElement()
                .satisfies(p -> assertThat(p).contains("over").contains("at most 240"));
        assertThat(problems("{name: E, pipeline: app-logs, over: 4h, condition: 'total > 1'}"))
                .isEmpty();
    }

    @Test
    void slidingWindowsAreRefused() throws Exception {
        StreamwatchConfig sliding =
                TestPipelines.job(
                        "x",
                        "t",
                        List.of(
                                TestPipelines.withWindow(
                                        TestPipelines.logs("streamwatch"),
                                        new WindowConfig(
                                                WindowConfig.Type.SLIDING,
                                                Duration.ofMinutes(5),
                                                Duration.ofMinutes(1)),
                                        Duration.ZERO)),
                        "d",
                        "l");
        assertThat(
                        problems(
                                "{name: E, pipeline: app-logs, over: 1h, condition: 'total > 1'}",
                                sliding))
                .singleElement()
                .satisfies(p -> assertThat(p).contains("over").contains("tumbling"));
    }

    @Test
    void quantilesAreRefusedWhereverTheRuleNamesThem() throws Exception {
        String hint = "a quantile does not merge";
        assertThat(problems("{name: S, pipeline: app-metrics, over: 1h, condition: 'p99 > 500'}"))
                .singleElement()
                .satisfies(
                        p -> assertThat(p).contains("condition").contains("'p99'").contains(hint));
        assertThat(
                        problems(
                                "{name: S, pipeline: app-metrics, kind: anomaly, over: 1h,"
                                        + " field: p95}"))
                .singleElement()
                .satisfies(p -> assertThat(p).contains("field").contains(hint));
        assertThat(
                        problems(
                                "{name: S, pipeline: app-metrics, over: 1h, condition: 'max > 1',"
                                        + " summary: 'p50 {{p50}}'}"))
                .singleElement()
                .satisfies(p -> assertThat(p).contains("summary").contains(hint));
        assertThat(problems("{name: S, pipeline: app-metrics, condition: 'p99 > 500'}"))
                .as("without over, as before")
                .isEmpty();
    }

    @Test
    void onlyThresholdAndAnomalyRulesHaveASpan() throws Exception {
        assertThat(
                        problems(
                                "{name: Silent, pipeline: app-metrics, kind: absence,"
                                        + " absent_for: 5m, over: 1h}"))
                .singleElement()
                .satisfies(
                        p -> assertThat(p).contains("over").contains("only threshold and anomaly"));
        assertThat(problems("{name: E, pipeline: app-logs, over: 0s, condition: 'total > 1'}"))
                .singleElement()
                .satisfies(p -> assertThat(p).contains("over").contains("must be positive"));
        assertThat(problems("{name: E, pipeline: app-logs, over: soon, condition: 'total > 1'}"))
                .singleElement()
                .satisfies(p -> assertThat(p).contains("over").contains("is not a duration"));
    }
}
