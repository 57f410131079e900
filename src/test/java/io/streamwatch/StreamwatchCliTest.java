package io.streamwatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamwatch.config.ConfigLoader;
import io.streamwatch.config.ConfigOverride;
import io.streamwatch.config.StreamwatchConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The command line: help, option mapping and the exit codes of {@code validate} and run. */
class StreamwatchCliTest {
    private static final String BROKEN = "src/test/resources/configs/broken/";

    /** What one run of the command line printed and returned. */
    record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new Streamwatch());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void helpListsEveryOptionAndExplainsKafkaPropertiesAndSecrets() {
        Run r = run("--help");

        assertThat(r.code()).isZero();
        assertThat(r.out())
                .contains(
                        "--config",
                        "--bootstrap-servers",
                        "--group-id",
                        "--starting-offsets",
                        "--parallelism",
                        "--checkpoint-interval",
                        "--checkpoint-timeout",
                        "--state-backend",
                        "--delivery",
                        "--window-type",
                        "--window-size",
                        "--window-slide",
                        "--out-of-orderness",
                        "--idleness",
                        "--allowed-lateness",
                        "--input-topic",
                        "--output-topic",
                        "--dead-letter-topic",
                        "--late-events-topic",
                        "--alerts-topic",
                        "--set",
                        "--local",
                        "--web-ui-port",
                        "--help",
                        "--version",
                        "--kafka.<property> VALUE",
                        "${env:NAME}",
                        "${file:PATH}",
                        "validate")
                .contains("(default: jobs-config/streamwatch.yaml)", "(default: 8081)")
                .contains("config default 10s", "config default localhost:9092");
    }

    @Test
    void validateHelpListsTheSameOptions() {
        Run r = run("validate", "--help");

        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("--config", "--window-size", "--input-topic", "--kafka.");
    }

    @Test
    void versionPrintsAVersion() {
        Run r = run("--version");

        assertThat(r.code()).isZero();
        assertThat(r.out()).startsWith("Streamwatch ");
    }

    @Test
    void validateAcceptsTheDefaultConfig() {
        Run r = run("validate");

        assertThat(r.code()).isZero();
        assertThat(r.out())
                .startsWith(
                        "OK: jobs-config/streamwatch.yaml: 2 pipelines (app-logs: logs from logs to"
                                + " streamwatch.log-aggregates, 1m tumbling; app-metrics:");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void validatePrintsEveryProblemAndExitsOne() {
        Path file = Path.of(BROKEN + "several-problems.yaml");

        Run r = run("validate", "--config", file.toString());

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().lines())
                .hasSize(ConfigLoader.check(file, java.util.Map.of()).size())
                .allSatisfy(line -> assertThat(line).startsWith(file + ": "));
    }

    @Test
    void validateNamesTheParameterOfABadOverride() {
        Run r =
                run(
                        "validate",
                        "--window-size",
                        "5x",
                        "--input-topic",
                        "app-log=logs",
                        "--kafka.sasl.jaas.config",
                        "x password=\"${env:STREAMWATCH_TEST_UNSET_PASSWORD}\";");

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().lines())
                .containsExactlyInAnyOrder(
                        "jobs-config/streamwatch.yaml: --window-size: window.size: \"5x\" is not a"
                                + " duration (use e.g. 500ms, 30s, 5m, 1h, 1d)",
                        "jobs-config/streamwatch.yaml: --input-topic app-log: no pipeline named"
                                + " \"app-log\" in the config (pipelines: app-logs, app-metrics)"
                                + " (did you mean \"app-logs\"?)",
                        "jobs-config/streamwatch.yaml: --kafka.sasl.jaas.config:"
                                + " properties.sasl.jaas.config: environment variable"
                                + " STREAMWATCH_TEST_UNSET_PASSWORD is not set (referenced as"
                                + " ${env:STREAMWATCH_TEST_UNSET_PASSWORD})",
                        // The bad window size leaves the pipelines unreadable: the rule files the
                        // config names cannot be checked, and validate says so (issue 21).
                        "jobs-config/streamwatch.yaml: rule files not checked: they need the"
                                + " pipelines and alerts sections, which cannot be read until the"
                                + " problems above are fixed");
    }

    @Test
    void unknownArgumentsAreUsageErrors() {
        assertThat(run("validate", "--bogus", "1").code()).isEqualTo(2);
        assertThat(run("--bogus").code()).isEqualTo(2);
        Run missing = run("validate", "--kafka.retries");
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("Missing value for --kafka.retries");
    }

    @Test
    void literalSecretInAnArgumentIsWarnedAbout() {
        Run r = run("validate", "--kafka.ssl.key.password", "hunter2");

        assertThat(r.code()).isZero();
        assertThat(r.err())
                .contains("warning: --kafka.ssl.key.password looks like a secret")
                .doesNotContain("hunter2");
    }

    @Test
    void runRefusesABrokenConfigWithTheSameMessages() {
        Path file = Path.of(BROKEN + "bad-duration.yaml");

        Run r = run("--config", file.toString(), "--local");

        assertThat(r.code()).isEqualTo(Streamwatch.CONFIG_PROBLEMS);
        assertThat(r.err())
                .contains("Streamwatch does not start")
                .contains(ConfigLoader.check(file, java.util.Map.of()).get(0).toString());
    }

    @Test
    void everyOptionMapsToItsConfigPath() throws Exception {
        Streamwatch command = new Streamwatch();
        new CommandLine(command)
                .parseArgs(
                        "--set",
                        "pipelines.*.top_patterns=7",
                        "--bootstrap-servers",
                        "k1:9092",
                        "--group-id",
                        "g",
                        "--starting-offsets",
                        "earliest",
                        "--parallelism",
                        "3",
                        "--checkpoint-interval",
                        "20s",
                        "--checkpoint-timeout",
                        "3m",
                        "--state-backend",
                        "hashmap",
                        "--delivery",
                        "at-least-once",
                        "--window-type",
                        "sliding",
                        "--window-size",
                        "2m",
                        "--window-slide",
                        "30s",
                        "--out-of-orderness",
                        "1s",
                        "--idleness",
                        "1m",
                        "--allowed-lateness",
                        "10s",
                        "--input-topic",
                        "app-logs=in-logs",
                        "--output-topic",
                        "app-metrics=out-metrics",
                        "--dead-letter-topic",
                        "dlq",
                        "--late-events-topic",
                        "late",
                        "--alerts-topic",
                        "alerts",
                        "--kafka.security.protocol",
                        "SSL",
                        "--kafka.max.poll.records=100");

        List<ConfigOverride> overrides = command.options.overrides();

        assertThat(overrides)
                .containsExactly(
                        new ConfigOverride(
                                "pipelines.*.top_patterns", "7", "--set pipelines.*.top_patterns"),
                        new ConfigOverride(
                                "kafka.bootstrap_servers", "k1:9092", "--bootstrap-servers"),
                        new ConfigOverride("kafka.group_id", "g", "--group-id"),
                        new ConfigOverride(
                                "kafka.starting_offsets", "earliest", "--starting-offsets"),
                        new ConfigOverride("parallelism", "3", "--parallelism"),
                        new ConfigOverride("checkpoint.interval", "20s", "--checkpoint-interval"),
                        new ConfigOverride("checkpoint.timeout", "3m", "--checkpoint-timeout"),
                        new ConfigOverride(
                                "checkpoint.state_backend", "hashmap", "--state-backend"),
                        new ConfigOverride("delivery", "at-least-once", "--delivery"),
                        new ConfigOverride("pipelines.*.window.type", "sliding", "--window-type"),
                        new ConfigOverride("pipelines.*.window.size", "2m", "--window-size"),
                        new ConfigOverride("pipelines.*.window.slide", "30s", "--window-slide"),
                        new ConfigOverride(
                                "pipelines.*.out_of_orderness", "1s", "--out-of-orderness"),
                        new ConfigOverride("pipelines.*.idleness", "1m", "--idleness"),
                        new ConfigOverride(
                                "pipelines.*.allowed_lateness", "10s", "--allowed-lateness"),
                        new ConfigOverride(
                                "pipelines.app-logs.topic", "in-logs", "--input-topic app-logs"),
                        new ConfigOverride(
                                "pipelines.app-metrics.output_topic",
                                "out-metrics",
                                "--output-topic app-metrics"),
                        new ConfigOverride("dead_letter_topic", "dlq", "--dead-letter-topic"),
                        new ConfigOverride("late_events_topic", "late", "--late-events-topic"),
                        new ConfigOverride("alerts.topic", "alerts", "--alerts-topic"),
                        new ConfigOverride(
                                "kafka.properties.security.protocol",
                                "SSL",
                                "--kafka.security.protocol"),
                        new ConfigOverride(
                                "kafka.properties.max.poll.records",
                                "100",
                                "--kafka.max.poll.records"));

        // And the loader takes them all.
        StreamwatchConfig c = ConfigLoader.load(command.options.config(), overrides);
        assertThat(c.kafka().properties()).containsEntry("max.poll.records", "100");
        assertThat(c.pipeline("app-logs").window().slide()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.pipeline("app-logs").topic()).isEqualTo("in-logs");
        assertThat(c.pipeline("app-metrics").topPatterns()).isEqualTo(7);
        assertThat(c.parallelism()).isEqualTo(3);
    }
}
