package io.streamwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamwatch.Streamwatch;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code streamwatch validate} reports the config's problems and the rule files' problems in one
 * run (issue 21: a misspelled top-level key hid every rule problem, silently); when the rules
 * cannot be checked because the sections they need do not read, it says so.
 */
class ConfigAndRuleProblemsTest {
    private static final String DIR = "src/test/resources/configs/config-and-rules/";

    private static List<String> validate(String config) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new Streamwatch());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute("validate", "--config", config);
        assertThat(code).isEqualTo(ValidateCommand.PROBLEMS);
        assertThat(out.toString()).isEmpty();
        return err.toString().lines().toList();
    }

    @Test
    void aMisspelledTopLevelKeyDoesNotHideTheRuleProblems() {
        List<String> lines = validate(DIR + "streamwatch.yaml");

        assertThat(lines)
                .containsExactly(
                        DIR
                                + "streamwatch.yaml: paralelism: unknown key (did you mean"
                                + " \"parallelism\"?)",
                        "rules/errors.yaml: rule 'ErrorRate': condition: column 1: undeclared"
                                + " reference to 'error_rate' (did you mean \"error_ratio\"?)");
    }

    @Test
    void rulesThatCannotBeCheckedAreSaidToBeUnchecked() {
        List<String> lines = validate(DIR + "broken-pipelines.yaml");

        assertThat(lines).hasSizeGreaterThanOrEqualTo(2);
        assertThat(lines.get(lines.size() - 1))
                .startsWith(DIR + "broken-pipelines.yaml: rule files not checked: ");
        assertThat(lines.get(0)).contains("topic");
    }
}
