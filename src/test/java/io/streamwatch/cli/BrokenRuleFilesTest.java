package io.streamwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamwatch.Streamwatch;
import io.streamwatch.config.ConfigException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code streamwatch validate} on a config dir whose rule files hold every kind of rule mistake
 * (duplicate names within and across files, a condition on an unknown field, an anomaly on an
 * unknown field, an unknown template variable, an unknown pipeline, an unknown key): one line per
 * mistake, naming the rule file, the rule and the field, and exit code 1.
 */
class BrokenRuleFilesTest {
    private static final String CONFIG = "src/test/resources/configs/broken-rules/streamwatch.yaml";

    @Test
    void validateNamesFileRuleAndFieldOfEveryRuleMistake() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new Streamwatch());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));

        int code = cli.execute("validate", "--config", CONFIG);

        assertThat(code).isEqualTo(ValidateCommand.PROBLEMS);
        assertThat(out.toString()).isEmpty();
        // Rule files are named relative to the config file's directory, as alerts.rules names them.
        assertThat(err.toString().lines())
                .hasSize(8)
                .anySatisfy(
                        l ->
                                assertThat(l)
                                        .isEqualTo(
                                                "rules/errors.yaml: rule 'HighErrorRatio': name:"
                                                        + " duplicate rule name (also in"
                                                        + " rules/errors.yaml)"))
                .anySatisfy(
                        l ->
                                assertThat(l)
                                        .isEqualTo(
                                                "rules/latency.yaml: rule 'HighErrorRatio': name:"
                                                        + " duplicate rule name (also in"
                                                        + " rules/errors.yaml)"))
                .anySatisfy(
                        l ->
                                assertThat(l)
                                        .isEqualTo(
                                                "rules/errors.yaml: rule 'ErrorRate': condition:"
                                                        + " column 1: undeclared reference to"
                                                        + " 'error_rate' (did you mean"
                                                        + " \"error_ratio\"?)"))
                .anySatisfy(
                        l ->
                                assertThat(l)
                                        .isEqualTo(
                                                "rules/latency.yaml: rule 'SlowP999': condition:"
                                                        + " column 35: undeclared reference to"
                                                        + " 'p999' (did you mean \"p99\"?)"))
                .anySatisfy(
                        l ->
                                assertThat(l)
                                        .startsWith(
                                                "rules/latency.yaml: rule 'LatencyAnomaly': field:"
                                                        + " 'latency' is not a numeric field")
                                        .contains("p99"))
                .anySatisfy(
                        l ->
                                assertThat(l)
                                        .startsWith(
                                                "rules/errors.yaml: rule 'ManyFatals': summary:"
                                                        + " unknown template variable {{servce}}")
                                        .contains("service"))
                .anySatisfy(
                        l ->
                                assertThat(l)
                                        .isEqualTo(
                                                "rules/latency.yaml: rule 'NoPipeline': pipeline:"
                                                        + " no pipeline named \"app-log\""
                                                        + " (pipelines: app-logs, app-metrics)"))
                .anySatisfy(
                        l ->
                                assertThat(l)
                                        .startsWith(
                                                "rules/latency.yaml: rule 'Coloured': colour:"
                                                        + " unknown key"));
    }

    @Test
    void theJobRefusesToLoadTheSameConfig() {
        assertThatThrownBy(() -> LoadedJob.load(Path.of(CONFIG), List.of()))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.problems()).hasSize(8));
    }
}
