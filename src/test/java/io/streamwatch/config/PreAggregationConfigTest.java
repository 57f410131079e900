package io.streamwatch.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code pre_aggregation} per pipeline: defaults, overrides, and bad values named in full. */
class PreAggregationConfigTest {

    @Test
    void onByDefault() throws Exception {
        StreamwatchConfig c = ConfigLoader.load(DefaultConfigTest.DEFAULT, Map.of());

        assertThat(c.pipeline("app-logs").preAggregation())
                .isEqualTo(new PreAggregationConfig(true, 50_000))
                .isEqualTo(PreAggregationConfig.defaults());
        assertThat(c.pipeline("app-metrics").preAggregation())
                .isEqualTo(PreAggregationConfig.defaults());
    }

    @Test
    void overridesReachOnePipeline() throws Exception {
        StreamwatchConfig c =
                ConfigLoader.load(
                        DefaultConfigTest.DEFAULT,
                        Map.of(
                                "pipelines.app-metrics.pre_aggregation.enabled", "false",
                                "pipelines.app-metrics.pre_aggregation.max_entries", "1000"));

        assertThat(c.pipeline("app-metrics").preAggregation())
                .isEqualTo(new PreAggregationConfig(false, 1000));
        assertThat(c.pipeline("app-logs").preAggregation())
                .isEqualTo(PreAggregationConfig.defaults());
    }

    @Test
    void reportsEveryBadValueWithPipelineAndField() {
        Path file = Path.of("src/test/resources/configs/pre-aggregation/broken.yaml");
        List<String> problems;
        try {
            ConfigLoader.load(file, Map.of());
            problems = List.of();
        } catch (ConfigException e) {
            problems = e.problems().stream().map(ConfigProblem::toString).toList();
        }

        String logs = file + ": pipeline 'app-logs': pre_aggregation.";
        assertThat(problems)
                .containsExactlyInAnyOrder(
                        logs + "enabled: \"maybe\" is not true or false",
                        logs + "max_entries: 0 is out of range (1..10000000)",
                        logs + "max_entires: unknown key (did you mean \"max_entries\"?)",
                        file
                                + ": pipeline 'app-metrics': pre_aggregation.max_entries:"
                                + " 20000000 is out of range (1..10000000)");
    }
}
