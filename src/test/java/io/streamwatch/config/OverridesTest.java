package io.streamwatch.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamwatch.job.StreamwatchJob;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every override path changes what it names, and is checked like the file. */
class OverridesTest {
    private static final Path DEFAULT = DefaultConfigTest.DEFAULT;

    @Test
    void topLevelAndSectionPaths() throws Exception {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("kafka.bootstrap_servers", "kafka-1:9092,kafka-2:9092");
        o.put("kafka.group_id", "sw-prod");
        o.put("kafka.starting_offsets", "timestamp:1764065730123");
        o.put("kafka.transaction_timeout", "14m");
        o.put("delivery", "at-least-once");
        o.put("parallelism", "4");
        o.put("checkpoint.interval", "30s");
        o.put("checkpoint.timeout", "5m");
        o.put("checkpoint.state_backend", "hashmap");
        o.put("checkpoint.dir", "s3://bucket/checkpoints");
        o.put("limits.max_record_size", "2MiB");
        o.put("limits.dead_letter_raw_limit", "16KiB");
        o.put("limits.max_event_age", "7d");
        o.put("limits.max_event_future", "10m");
        o.put("dead_letter_topic", "dlq");
        o.put("late_events_topic", "late");
        o.put("alerts.topic", "alerts");
        o.put("alerts.control_topic", "rules-in");
        o.put("alerts.status_topic", "rules-out");
        o.put("alerts.rules", "rules/*.yaml, more/*.yaml");

        StreamwatchConfig c = ConfigLoader.load(DEFAULT, o);

        assertThat(c.kafka().bootstrapServers()).isEqualTo("kafka-1:9092,kafka-2:9092");
        assertThat(c.kafka().groupId()).isEqualTo("sw-prod");
        // The transactional id prefix follows the group id unless set itself.
        assertThat(c.kafka().transactionalIdPrefix()).isEqualTo("sw-prod");
        assertThat(c.kafka().startingOffsets())
                .isEqualTo(new StartingOffsets(StartingOffsets.Kind.TIMESTAMP, 1764065730123L));
        assertThat(c.kafka().transactionTimeout()).isEqualTo(Duration.ofMinutes(14));
        assertThat(c.delivery()).isEqualTo(Delivery.AT_LEAST_ONCE);
        assertThat(c.parallelism()).isEqualTo(4);
        assertThat(c.checkpoint())
                .isEqualTo(
                        new CheckpointConfig(
                                Duration.ofSeconds(30),
                                Duration.ofMinutes(5),
                                "hashmap",
                                "s3://bucket/checkpoints"));
        assertThat(c.limits())
                .isEqualTo(
                        new LimitsConfig(
                                2 << 20, 16 << 10, Duration.ofDays(7), Duration.ofMinutes(10)));
        assertThat(c.deadLetterTopic()).isEqualTo("dlq");
        assertThat(c.lateEventsTopic()).isEqualTo("late");
        assertThat(c.alerts())
                .isEqualTo(
                        new AlertsConfig(
                                "alerts",
                                List.of("rules/*.yaml", "more/*.yaml"),
                                "rules-in",
                                "rules-out"));
    }

    @Test
    void kafkaPropertyKeysKeepTheirDots() throws Exception {
        StreamwatchConfig c =
                ConfigLoader.load(
                        DEFAULT,
                        Map.of(
                                "kafka.properties.security.protocol", "SASL_SSL",
                                "kafka.properties.max.poll.records", "1000",
                                "kafka.transactional_id_prefix", "sw-blue"));

        assertThat(c.kafka().properties())
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of("security.protocol", "SASL_SSL", "max.poll.records", "1000"));
        assertThat(c.kafka().transactionalIdPrefix()).isEqualTo("sw-blue");
    }

    @Test
    void starAppliesToEveryPipeline() throws Exception {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("pipelines.*.window.type", "sliding");
        o.put("pipelines.*.window.size", "5m");
        o.put("pipelines.*.window.slide", "1m");
        o.put("pipelines.*.out_of_orderness", "10s");
        o.put("pipelines.*.idleness", "0");
        o.put("pipelines.*.allowed_lateness", "1m");

        StreamwatchConfig c = ConfigLoader.load(DEFAULT, o);

        for (PipelineConfig p : c.pipelines()) {
            assertThat(p.window())
                    .isEqualTo(
                            new WindowConfig(
                                    WindowConfig.Type.SLIDING,
                                    Duration.ofMinutes(5),
                                    Duration.ofMinutes(1)));
            assertThat(p.outOfOrderness()).isEqualTo(Duration.ofSeconds(10));
            assertThat(p.idleness()).isZero();
            assertThat(p.allowedLateness()).isEqualTo(Duration.ofMinutes(1));
        }
    }

    @Test
    void namedPipelineFields() throws Exception {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("pipelines.app-logs.topic", "k8s-logs");
        o.put("pipelines.app-logs.format", "ecs");
        o.put("pipelines.app-logs.fields.level", "log.level");
        o.put("pipelines.app-logs.group_by", "service,host");
        o.put("pipelines.app-logs.top_patterns", "10");
        o.put("pipelines.app-logs.output_topic", "logs-agg");
        o.put("pipelines.app-metrics.window.size", "10s");
        o.put("pipelines.app-metrics.kind", "metrics");
        o.put("pipelines.app-metrics.name", "node-metrics");

        StreamwatchConfig c = ConfigLoader.load(DEFAULT, o);

        PipelineConfig logs = c.pipeline("app-logs");
        assertThat(logs.topic()).isEqualTo("k8s-logs");
        assertThat(logs.format()).isEqualTo("ecs");
        assertThat(logs.fields()).containsExactlyEntriesOf(Map.of("level", "log.level"));
        assertThat(logs.groupBy()).containsExactly("service", "host");
        assertThat(logs.topPatterns()).isEqualTo(10);
        assertThat(logs.outputTopic()).isEqualTo("logs-agg");
        assertThat(logs.window().size()).isEqualTo(Duration.ofMinutes(1));
        PipelineConfig metrics = c.pipeline("node-metrics");
        assertThat(metrics.window().size()).isEqualTo(Duration.ofSeconds(10));
        assertThat(metrics.window().slide()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void pipelineNamesMayContainDots(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("dots.yaml");
        Files.writeString(
                file,
                """
                pipelines:
                  - {name: app, kind: logs, topic: a}
                  - {name: app.logs, kind: logs, topic: b}
                """);

        StreamwatchConfig c =
                ConfigLoader.load(file, Map.of("pipelines.app.logs.window.size", "2m"));

        assertThat(c.pipeline("app.logs").window().size()).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.pipeline("app").window().size()).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void alertStateTtl() throws Exception {
        assertThat(ConfigLoader.load(DEFAULT, Map.of()).alerts().stateTtl())
                .isEqualTo(Duration.ofDays(7));
        assertThat(ConfigLoader.load(DEFAULT, Map.of("alerts.state_ttl", "2h")).alerts().stateTtl())
                .isEqualTo(Duration.ofHours(2));
        // 0 keeps alert state forever.
        assertThat(ConfigLoader.load(DEFAULT, Map.of("alerts.state_ttl", "0")).alerts().stateTtl())
                .isZero();
        assertThat(
                        ConfigLoader.check(
                                DEFAULT,
                                List.of(new ConfigOverride("alerts.state_ttl", "soon", "--set"))))
                .extracting(ConfigProblem::field, ConfigProblem::message)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(
                                "state_ttl",
                                "\"soon\" is not a duration (use e.g. 500ms, 30s, 5m, 1h, 1d)"));
    }

    @Test
    void badOverrideIsAttributedToItsSourceOnce() {
        List<ConfigProblem> problems =
                ConfigLoader.check(
                        DEFAULT,
                        List.of(
                                new ConfigOverride(
                                        "pipelines.*.window.size", "5x", "--window-size"),
                                new ConfigOverride("delivery", "twice", "--delivery")));

        assertThat(problems)
                .containsExactlyInAnyOrder(
                        new ConfigProblem(
                                DEFAULT.toString(),
                                "--window-size",
                                "window.size",
                                "\"5x\" is not a duration (use e.g. 500ms, 30s, 5m, 1h, 1d)"),
                        new ConfigProblem(
                                DEFAULT.toString(),
                                "--delivery",
                                "delivery",
                                "\"twice\" is not one of exactly-once, at-least-once, none"));
    }

    @Test
    void overrideThatMakesACrossFieldProblemIsNamed() {
        List<ConfigProblem> problems =
                ConfigLoader.check(
                        DEFAULT,
                        List.of(
                                new ConfigOverride(
                                        "checkpoint.interval", "9m", "--checkpoint-interval")));

        assertThat(problems)
                .singleElement()
                .satisfies(
                        p -> {
                            assertThat(p.where()).isEqualTo("--checkpoint-interval");
                            assertThat(p.field()).isEqualTo("transaction_timeout");
                            assertThat(p.message())
                                    .contains(
                                            "longer than (checkpoint.tolerable_failures + 1) x"
                                                    + " (checkpoint.interval + checkpoint.timeout)"
                                                    + " (22m)");
                        });
    }

    @Test
    void tolerableCheckpointFailuresCountInTheTransactionTimeoutCheck() throws Exception {
        assertThat(ConfigLoader.load(DEFAULT, Map.of()).checkpoint().tolerableFailures())
                .isEqualTo(1);
        StreamwatchConfig none =
                ConfigLoader.load(
                        DEFAULT,
                        Map.of(
                                "checkpoint.tolerable_failures", "0",
                                "checkpoint.timeout", "9m"));
        assertThat(none.checkpoint().tolerableFailures()).isZero();
        assertThat(
                        StreamwatchJob.flinkConfiguration(none)
                                .get(CheckpointingOptions.TOLERABLE_FAILURE_NUMBER))
                .isZero();

        List<ConfigProblem> problems =
                ConfigLoader.check(
                        DEFAULT,
                        List.of(
                                new ConfigOverride(
                                        "checkpoint.tolerable_failures",
                                        "4",
                                        "--checkpoint.tolerable_failures")));
        assertThat(problems)
                .singleElement()
                .satisfies(
                        p -> {
                            assertThat(p.where()).isEqualTo("--checkpoint.tolerable_failures");
                            assertThat(p.field()).isEqualTo("transaction_timeout");
                            assertThat(p.message())
                                    .isEqualTo(
                                            "10m must be longer than (checkpoint.tolerable_failures"
                                                    + " + 1) x (checkpoint.interval +"
                                                    + " checkpoint.timeout) (10m50s), or"
                                                    + " exactly-once transactions abort before"
                                                    + " they commit");
                        });
    }

    @Test
    void unalignedCheckpointsAreOptIn() throws Exception {
        Configuration off = StreamwatchJob.flinkConfiguration(ConfigLoader.load(DEFAULT, Map.of()));
        Configuration on =
                StreamwatchJob.flinkConfiguration(
                        ConfigLoader.load(DEFAULT, Map.of("checkpoint.unaligned", "true")));

        assertThat(CheckpointingOptions.isUnalignedCheckpointEnabled(off)).isFalse();
        assertThat(CheckpointingOptions.isUnalignedCheckpointEnabled(on)).isTrue();
    }

    @Test
    void unknownOverridePathsAndBlockedPaths() {
        assertThat(ConfigLoader.check(DEFAULT, Map.of("kafka.bootstrap", "x:1")))
                .containsExactly(
                        new ConfigProblem(
                                DEFAULT.toString(),
                                "kafka.bootstrap",
                                "bootstrap",
                                "unknown key (did you mean \"bootstrap_servers\"?)"));
        assertThat(ConfigLoader.check(DEFAULT, Map.of("delivery.mode", "none")))
                .singleElement()
                .satisfies(p -> assertThat(p.message()).contains("delivery in the config is"));
        assertThat(ConfigLoader.check(DEFAULT, Map.of("pipelines.app-logs.", "x")))
                .singleElement()
                .satisfies(p -> assertThat(p.where()).isEqualTo("pipelines.app-logs."));
    }

    @Test
    void tumblingWindowWithSlideIsAProblem() {
        assertThat(ConfigLoader.check(DEFAULT, Map.of("pipelines.app-logs.window.slide", "10s")))
                .singleElement()
                .satisfies(
                        p -> {
                            assertThat(p.where()).isEqualTo("pipelines.app-logs.window.slide");
                            assertThat(p.field()).isEqualTo("window.slide");
                            assertThat(p.message()).contains("only sliding windows have a slide");
                        });
    }
}
