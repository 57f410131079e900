package io.streamwatch.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The shipped {@code jobs-config/streamwatch.yaml} loads, with the SPEC's defaults. */
class DefaultConfigTest {
    static final Path DEFAULT = Path.of("jobs-config/streamwatch.yaml");

    @Test
    void defaultFileLoadsWithExpectedValues() throws Exception {
        StreamwatchConfig c = ConfigLoader.load(DEFAULT, Map.of());

        assertThat(c.source()).isEqualTo(DEFAULT.toString());
        assertThat(c.kafka().bootstrapServers()).isEqualTo("localhost:9092");
        assertThat(c.kafka().groupId()).isEqualTo("streamwatch");
        assertThat(c.kafka().startingOffsets())
                .isEqualTo(StartingOffsets.of(StartingOffsets.Kind.COMMITTED));
        assertThat(c.kafka().properties()).isEmpty();
        assertThat(c.kafka().transactionTimeout()).isEqualTo(Duration.ofMinutes(10));
        assertThat(c.kafka().transactionalIdPrefix()).isEqualTo("streamwatch");
        assertThat(c.delivery()).isEqualTo(Delivery.EXACTLY_ONCE);
        assertThat(c.checkpoint())
                .isEqualTo(
                        new CheckpointConfig(
                                Duration.ofSeconds(10), Duration.ofMinutes(2), "rocksdb", null));
        assertThat(c.parallelism()).isZero();
        assertThat(c.limits())
                .isEqualTo(
                        new LimitsConfig(
                                1 << 20, 64 << 10, Duration.ofDays(30), Duration.ofHours(1)));
        assertThat(c.pipelines())
                .extracting(PipelineConfig::name)
                .containsExactly("app-logs", "app-metrics");
        assertThat(c.alerts())
                .isEqualTo(
                        new AlertsConfig(
                                "streamwatch.alerts",
                                List.of("rules/*.yaml"),
                                "streamwatch.rules",
                                "streamwatch.rule-status"));
        assertThat(c.deadLetterTopic()).isEqualTo("streamwatch.dead-letter");
        assertThat(c.lateEventsTopic()).isEqualTo("streamwatch.late-events");
    }

    @Test
    void defaultPipelines() throws Exception {
        StreamwatchConfig c = ConfigLoader.load(DEFAULT, Map.of());
        WindowConfig minute =
                new WindowConfig(
                        WindowConfig.Type.TUMBLING, Duration.ofMinutes(1), Duration.ofMinutes(1));

        PipelineConfig logs = c.pipeline("app-logs");
        assertThat(logs)
                .isEqualTo(
                        new PipelineConfig(
                                "app-logs",
                                PipelineKind.LOGS,
                                "logs",
                                "streamwatch",
                                Map.of(),
                                List.of("service"),
                                minute,
                                Duration.ofSeconds(5),
                                Duration.ofSeconds(30),
                                Duration.ZERO,
                                "streamwatch.log-aggregates",
                                5));
        PipelineConfig metrics = c.pipeline("app-metrics");
        assertThat(metrics.kind()).isEqualTo(PipelineKind.METRICS);
        assertThat(metrics.topic()).isEqualTo("metrics");
        assertThat(metrics.groupBy()).containsExactly("service", "host");
        assertThat(metrics.outputTopic()).isEqualTo("streamwatch.metric-aggregates");
    }

    @Test
    void minimalFileGetsEveryDefault() throws Exception {
        StreamwatchConfig c =
                ConfigLoader.load(Path.of("src/test/resources/configs/minimal.yaml"), Map.of());

        assertThat(c.kafka().bootstrapServers()).isEqualTo("localhost:9092");
        assertThat(c.delivery()).isEqualTo(Delivery.EXACTLY_ONCE);
        assertThat(c.checkpoint().stateBackend()).isEqualTo("rocksdb");
        assertThat(c.alerts().topic()).isEqualTo("streamwatch.alerts");
        PipelineConfig metrics = c.pipeline("m");
        assertThat(metrics.groupBy()).containsExactly("service", "host");
        assertThat(metrics.outputTopic()).isEqualTo("streamwatch.metric-aggregates");
        assertThat(metrics.window().size()).isEqualTo(Duration.ofMinutes(1));
        assertThat(metrics.topPatterns()).isEqualTo(5);
        assertThat(c.pipeline("l").outputTopic()).isEqualTo("streamwatch.log-aggregates");
    }

    @Test
    void checkReturnsNothingForAValidFile() {
        assertThat(ConfigLoader.check(DEFAULT, Map.of())).isEmpty();
    }

    @Test
    void missingFileIsAProblem() {
        Path missing = Path.of("no/such/streamwatch.yaml");
        assertThat(ConfigLoader.check(missing, Map.of()))
                .containsExactly(new ConfigProblem(missing.toString(), "", "", "file not found"));
    }
}
