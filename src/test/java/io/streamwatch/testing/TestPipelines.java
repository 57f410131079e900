package io.streamwatch.testing;

import io.streamwatch.config.AlertsConfig;
import io.streamwatch.config.CheckpointConfig;
import io.streamwatch.config.Delivery;
import io.streamwatch.config.KafkaConfig;
import io.streamwatch.config.LimitsConfig;
import io.streamwatch.config.PipelineConfig;
import io.streamwatch.config.PipelineKind;
import io.streamwatch.config.StartingOffsets;
import io.streamwatch.config.StreamwatchConfig;
import io.streamwatch.config.WindowConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Pipeline settings for tests that do not read a config file. */
public final class TestPipelines {
    private TestPipelines() {}

    public static final LimitsConfig LIMITS =
            new LimitsConfig(1 << 20, 64 * 1024, Duration.ofDays(30), Duration.ofHours(1));

    public static PipelineConfig logs(String format) {
        return new PipelineConfig(
                "app-logs",
                PipelineKind.LOGS,
                "logs",
                format,
                Map.of(),
                List.of("service"),
                new WindowConfig(
                        WindowConfig.Type.TUMBLING, Duration.ofMinutes(1), Duration.ofMinutes(1)),
                Duration.ofSeconds(5),
                Duration.ofSeconds(30),
                Duration.ZERO,
                "streamwatch.log-aggregates",
                5);
    }

    public static PipelineConfig metrics(String format) {
        return new PipelineConfig(
                "app-metrics",
                PipelineKind.METRICS,
                "metrics",
                format,
                Map.of(),
                List.of("service", "host"),
                new WindowConfig(
                        WindowConfig.Type.TUMBLING, Duration.ofMinutes(1), Duration.ofMinutes(1)),
                Duration.ofSeconds(5),
                Duration.ofSeconds(30),
                Duration.ZERO,
                "streamwatch.metric-aggregates",
                5);
    }

    /** The same pipeline with another window and lateness. */
    public static PipelineConfig withWindow(
            PipelineConfig p, WindowConfig window, Duration allowedLateness) {
        return new PipelineConfig(
                p.name(),
                p.kind(),
                p.topic(),
                p.format(),
                p.fields(),
                p.groupBy(),
                window,
                p.outOfOrderness(),
                p.idleness(),
                allowedLateness,
                p.outputTopic(),
                p.topPatterns(),
                p.patterns(),
                p.preAggregation());
    }

    /** The same pipeline reading another topic, writing another output, with another idleness. */
    public static PipelineConfig withTopics(
            PipelineConfig p, String topic, String outputTopic, Duration idleness) {
        return new PipelineConfig(
                p.name(),
                p.kind(),
                topic,
                p.format(),
                p.fields(),
                p.groupBy(),
                p.window(),
                p.outOfOrderness(),
                idleness,
                p.allowedLateness(),
                outputTopic,
                p.topPatterns(),
                p.patterns(),
                p.preAggregation());
    }

    /** A whole job config on the shared test broker: exactly-once, RocksDB, fast checkpoints. */
    public static StreamwatchConfig job(
            String bootstrap,
            String id,
            List<PipelineConfig> pipelines,
            String deadLetterTopic,
            String lateTopic) {
        return new StreamwatchConfig(
                "test",
                new KafkaConfig(
                        bootstrap,
                        "test-" + id,
                        StartingOffsets.of(StartingOffsets.Kind.EARLIEST),
                        Map.of(),
                        Duration.ofMinutes(10),
                        "test-" + id),
                Delivery.EXACTLY_ONCE,
                new CheckpointConfig(
                        Duration.ofMillis(500), Duration.ofMinutes(1), "rocksdb", null),
                2,
                LIMITS,
                pipelines,
                new AlertsConfig("alerts", List.of(), null, "rule-status"),
                deadLetterTopic,
                lateTopic);
    }

    /** The same job with alerting on these topics. */
    public static StreamwatchConfig withAlerts(StreamwatchConfig c, AlertsConfig alerts) {
        return new StreamwatchConfig(
                c.source(),
                c.kafka(),
                c.delivery(),
                c.checkpoint(),
                c.parallelism(),
                c.limits(),
                c.pipelines(),
                alerts,
                c.deadLetterTopic(),
                c.lateEventsTopic());
    }
}
