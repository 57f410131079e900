package io.streamwatch.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each broken file under {@code configs/broken/} is reported with its file, its section (or the
 * override that caused it) and its field, so a user can go straight to the mistake.
 */
class BrokenConfigTest {
    private static final String DIR = "src/test/resources/configs/broken/";
    private static final Map<String, String> NO_ENV = Map.of();

    static Stream<Arguments> brokenFiles() {
        return Stream.of(
                row("syntax.yaml", Map.of(), "line 5, column 9", "", "YAML syntax error"),
                row(
                        "unknown-key.yaml",
                        Map.of(),
                        "pipeline 'app-logs'",
                        "windw",
                        "unknown key (did you mean \"window\"?)"),
                row(
                        "bad-duration.yaml",
                        Map.of(),
                        "pipeline 'app-logs'",
                        "window.size",
                        "\"5x\" is not a duration (use e.g. 500ms, 30s, 5m, 1h, 1d)"),
                row(
                        "bad-enum.yaml",
                        Map.of(),
                        "pipeline 'app-logs'",
                        "kind",
                        "\"log\" is not one of logs, metrics (did you mean \"logs\"?)"),
                row(
                        "unknown-format.yaml",
                        Map.of(),
                        "pipeline 'otel-logs'",
                        "format",
                        "\"otlp\" is not one of streamwatch, ecs, otel, telegraf (did you mean"
                                + " \"otel\"?)"),
                row(
                        "fixed-field-remapped.yaml",
                        Map.of(),
                        "pipeline 'otel-logs'",
                        "fields",
                        "\"timestamp\" cannot be remapped: otel reads its own fixed fields"),
                row("missing-topic.yaml", Map.of(), "pipeline 'app-logs'", "topic", "is missing"),
                row(
                        "duplicate-pipeline.yaml",
                        Map.of(),
                        "pipeline 'app-logs'",
                        "name",
                        "duplicate pipeline name (pipeline #1 has it too)"),
                row(
                        "slide-longer-than-size.yaml",
                        Map.of(),
                        "pipeline 'app-metrics'",
                        "window.slide",
                        "5m is longer than window.size 1m"),
                row(
                        "bad-starting-offsets.yaml",
                        Map.of(),
                        "kafka",
                        "starting_offsets",
                        "\"yesterday\" is not a starting position (use earliest, latest,"
                                + " committed or timestamp:<epoch ms>)"),
                row(
                        "bad-size.yaml",
                        Map.of(),
                        "limits",
                        "max_record_size",
                        "\"1 megabyte\" is not a size (use e.g. 65536, 64KiB, 1MiB, 1MB)"),
                row(
                        "bad-group-by.yaml",
                        Map.of(),
                        "pipeline 'app-metrics'",
                        "group_by",
                        "\"service\" is listed twice"),
                row(
                        "transaction-timeout-too-long.yaml",
                        Map.of(),
                        "kafka",
                        "transaction_timeout",
                        "20m must be less than 15m, the broker's default maximum"),
                row(
                        "reads-own-output.yaml",
                        Map.of(),
                        "pipeline 'app-logs'",
                        "topic",
                        "\"streamwatch.dead-letter\" is dead_letter_topic"),
                row(
                        "override-unknown-pipeline.yaml",
                        Map.of("pipelines.app-log.window.size", "2m"),
                        "pipelines.app-log.window.size",
                        "",
                        "no pipeline named \"app-log\" in the config (pipelines: app-logs)"
                                + " (did you mean \"app-logs\"?)"),
                row(
                        "env-secret-missing.yaml",
                        Map.of(),
                        "kafka",
                        "properties.sasl.jaas.config",
                        "environment variable STREAMWATCH_TEST_UNSET_PASSWORD is not set"));
    }

    private static Arguments row(
            String file, Map<String, String> overrides, String where, String field, String msg) {
        return Arguments.of(file, overrides, where, field, msg);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenFiles")
    void reportsFileSectionAndField(
            String name,
            Map<String, String> overrides,
            String where,
            String field,
            String message) {
        Path file = Path.of(DIR + name);

        List<ConfigProblem> problems = check(file, overrides);

        assertThat(problems).as("problems of %s", name).hasSize(1);
        ConfigProblem p = problems.get(0);
        assertThat(p.file()).isEqualTo(file.toString());
        assertThat(p.where()).isEqualTo(where);
        assertThat(p.field()).isEqualTo(field);
        assertThat(p.message()).contains(message);
        assertThat(p.toString()).startsWith(file + ": " + where + ": ").contains(message);
    }

    @Test
    void oneLineWithAllParts() {
        ConfigProblem p =
                new ConfigProblem(
                        "jobs-config/streamwatch.yaml",
                        "pipeline 'app-logs'",
                        "window.size",
                        "\"5x\" is not a duration (use e.g. 500ms, 30s, 5m, 1h, 1d)");
        assertThat(p)
                .hasToString(
                        "jobs-config/streamwatch.yaml: pipeline 'app-logs': window.size: \"5x\" is"
                                + " not a duration (use e.g. 500ms, 30s, 5m, 1h, 1d)");
        assertThat(new ConfigProblem("f.yaml", "", "delivery", "bad"))
                .hasToString("f.yaml: delivery: bad");
    }

    @Test
    void reportsEveryProblemOfAFileAtOnce() {
        Path file = Path.of(DIR + "several-problems.yaml");

        List<String> problems =
                check(file, Map.of()).stream().map(ConfigProblem::toString).toList();

        String f = file + ": ";
        assertThat(problems)
                .containsExactlyInAnyOrder(
                        f
                                + "kafka: bootstrap_servers: \"localhost\" is not host:port (e.g."
                                + " localhost:9092)",
                        f
                                + "kafka: starting_offsets: \"soon\" is not a starting position (use"
                                + " earliest, latest, committed or timestamp:<epoch ms>)",
                        f
                                + "delivery: \"exactly_twice\" is not one of exactly-once,"
                                + " at-least-once, none (did you mean \"exactly-once\"?)",
                        f
                                + "checkpoint: interval: \"10\" has no unit (use e.g. 500ms, 30s, 5m,"
                                + " 1h, 1d)",
                        f + "checkpoint: state_backend: \"memory\" is not one of rocksdb, hashmap",
                        f + "parallelism: -1 is out of range (0..32768)",
                        f
                                + "pipeline 'App Logs': name: \"App Logs\" may use only lower-case"
                                + " letters, digits, '.', '_' and '-'",
                        f
                                + "pipeline 'App Logs': window.size: \"5x\" is not a duration (use e.g."
                                + " 500ms, 30s, 5m, 1h, 1d)",
                        f + "pipeline #2: name: is missing; every pipeline needs a unique name",
                        f + "pipeline #2: top_patterns: 500 is out of range (1..100)",
                        f + "alerts: topik: unknown key (did you mean \"topic\"?)");
    }

    @Test
    void exceptionMessageListsEveryProblemOnItsOwnLine() {
        Path file = Path.of(DIR + "several-problems.yaml");
        assertThatThrownBy(() -> ConfigLoader.load(file, Map.of()))
                .isInstanceOfSatisfying(
                        ConfigException.class,
                        e ->
                                assertThat(e.getMessage().split("\n"))
                                        .hasSize(e.problems().size())
                                        .hasSizeGreaterThan(5));
    }

    @Test
    void duplicateYamlKeyIsASyntaxError() throws Exception {
        Path file = java.nio.file.Files.createTempFile("dup", ".yaml");
        java.nio.file.Files.writeString(file, "delivery: none\ndelivery: exactly-once\n");
        assertThat(ConfigLoader.check(file, Map.of()))
                .singleElement()
                .satisfies(p -> assertThat(p.message()).contains("Duplicate field 'delivery'"));
    }

    private static List<ConfigProblem> check(Path file, Map<String, String> overrides) {
        try {
            ConfigLoader.load(
                    file,
                    overrides.entrySet().stream()
                            .map(e -> ConfigOverride.of(e.getKey(), e.getValue()))
                            .toList(),
                    NO_ENV::get);
            return List.of();
        } catch (ConfigException e) {
            return e.problems();
        }
    }
}
