package io.streamwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamwatch.Streamwatch;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Rule files named by absolute paths, in {@code alerts.rules} and in a rule test's {@code
 * rule_files}, are found as relative ones are (issue 21: they "matched no file" though they
 * existed), from a config and a test file that live somewhere else.
 */
class AbsoluteRulePathsTest {
    @TempDir Path tmp;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = new CommandLine(new Streamwatch());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return cli.execute(args);
    }

    /** The shipped config, in a directory of its own, naming the rules at {@code rulesGlob}. */
    private Path config(String rulesGlob) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("config"));
        String yaml =
                Files.readString(Path.of("jobs-config/streamwatch.yaml"))
                        .replace("rules: [rules/*.yaml]", "rules: [\"" + rulesGlob + "\"]");
        assertThat(yaml).contains(rulesGlob);
        return Files.writeString(dir.resolve("streamwatch.yaml"), yaml);
    }

    private Path rulesElsewhere() throws IOException {
        Path rules = Files.createDirectories(tmp.resolve("elsewhere/rules"));
        Files.copy(Path.of("jobs-config/rules/examples.yaml"), rules.resolve("examples.yaml"));
        return rules;
    }

    @Test
    void validateFindsRulesByAnAbsoluteGlob() throws IOException {
        Path rules = rulesElsewhere();
        Path config = config(rules.toAbsolutePath() + "/*.yaml");

        assertThat(run("validate", "--config", config.toString())).as(err.toString()).isZero();
        assertThat(err.toString()).doesNotContain("matches no file");
    }

    @Test
    void validateFindsARuleFileByItsAbsolutePath() throws IOException {
        Path rules = rulesElsewhere();
        Path config = config(rules.resolve("examples.yaml").toAbsolutePath().toString());

        assertThat(run("validate", "--config", config.toString())).as(err.toString()).isZero();
    }

    @Test
    void anAbsoluteGlobThatMatchesNothingIsStillReported() throws IOException {
        Path config = config(tmp.toAbsolutePath() + "/none/*.yaml");

        assertThat(run("validate", "--config", config.toString())).isNotZero();
        assertThat(err.toString()).contains("matches no file");
    }

    @Test
    void aRuleTestFindsItsRuleFilesByAbsolutePath() throws IOException {
        Path rules = rulesElsewhere();
        Path config = config("rules/*.yaml");
        Files.createDirectories(config.getParent().resolve("rules"));
        Files.copy(
                Path.of("jobs-config/rules/examples.yaml"),
                config.getParent().resolve("rules/examples.yaml"));
        String test =
                Files.readString(Path.of("jobs-config/rules/examples.test.yaml"))
                        .replace(
                                "config: ../streamwatch.yaml", "config: " + config.toAbsolutePath())
                        .replace(
                                "rule_files: [examples.yaml]",
                                "rule_files: [\""
                                        + rules.resolve("examples.yaml").toAbsolutePath()
                                        + "\"]");
        Path testFile = Files.writeString(tmp.resolve("examples.test.yaml"), test);

        assertThat(run("test-rules", testFile.toString())).as(out + "\n" + err).isZero();
        assertThat(out.toString()).contains("0 failed");
    }
}
