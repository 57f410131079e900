package io.streamwatch.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamwatch.aggregation.TemplateMiner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The template miner's settings per logs pipeline: defaults, every key read, every bad value
 * reported with file, pipeline and field at once, and overrides.
 */
class PatternsConfigTest {
    private static final String DIR = "src/test/resources/configs/patterns/";

    @Test
    void defaultsWhenAbsent() throws Exception {
        StreamwatchConfig c = ConfigLoader.load(DefaultConfigTest.DEFAULT, Map.of());

        PatternsConfig p = c.pipeline("app-logs").patterns();

        assertThat(p.mining()).isTrue();
        assertThat(p.depth()).isEqualTo(4);
        assertThat(p.similarity()).isEqualTo(0.5);
        assertThat(p.maxChildren()).isEqualTo(100);
        assertThat(p.maxTemplates()).isEqualTo(1000);
        assertThat(p.ttl()).isEqualTo(Duration.ofDays(30));
        assertThat(p).isEqualTo(PatternsConfig.defaults());
    }

    @Test
    void readsEveryKey() throws Exception {
        StreamwatchConfig c = ConfigLoader.load(Path.of(DIR + "tuned.yaml"), Map.of());

        PatternsConfig p = c.pipeline("app-logs").patterns();
        assertThat(p).isEqualTo(new PatternsConfig(true, 5, 0.6, 50, 200, Duration.ofDays(7)));
        assertThat(p.minerConfig()).isEqualTo(new TemplateMiner.Config(5, 0.6, 50, 200));
        assertThat(c.pipeline("audit-logs").patterns())
                .isEqualTo(PatternsConfig.defaults().withMining(false));
    }

    @Test
    void reportsEveryBadValueWithPipelineAndField() {
        Path file = Path.of(DIR + "broken.yaml");

        List<String> problems = problems(file, Map.of());

        String f = file + ": pipeline 'app-logs': patterns.";
        assertThat(problems)
                .containsExactlyInAnyOrder(
                        f + "mining: \"sometimes\" is not true or false",
                        f + "depth: 2 is out of range (3..10)",
                        f + "similarity: 1.5 is out of range (0.0..1.0)",
                        f + "max_children: \"many\" is not a whole number",
                        f + "max_templates: 0 is out of range (1..100000)",
                        f + "ttl: must be at least 1m",
                        f + "simlarity: unknown key (did you mean \"similarity\"?)",
                        file
                                + ": pipeline 'app-metrics': patterns: only logs pipelines have"
                                + " message patterns");
    }

    @Test
    void overridesReachEveryPipelineOrOne() throws Exception {
        StreamwatchConfig c =
                ConfigLoader.load(
                        Path.of(DIR + "tuned.yaml"),
                        Map.of(
                                "pipelines.app-logs.patterns.similarity", "0.45",
                                "pipelines.audit-logs.patterns.mining", "true"));

        assertThat(c.pipeline("app-logs").patterns().similarity()).isEqualTo(0.45);
        assertThat(c.pipeline("audit-logs").patterns().mining()).isTrue();
    }

    private static List<String> problems(Path file, Map<String, String> overrides) {
        try {
            ConfigLoader.load(file, overrides);
            return List.of();
        } catch (ConfigException e) {
            return e.problems().stream().map(ConfigProblem::toString).toList();
        }
    }
}
