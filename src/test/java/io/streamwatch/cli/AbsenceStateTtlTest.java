package io.streamwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamwatch.Streamwatch;
import io.streamwatch.config.ConfigException;
import io.streamwatch.rules.RuleDefinition;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * An absence rule whose {@code absent_for} the alert state TTL does not outlast would never fire
 * (its group's state expires first): {@code validate} and the job refuse it, naming the rule file,
 * the rule and the field.
 */
class AbsenceStateTtlTest {
    private static final String DIR = "src/test/resources/configs/absence-ttl/";
    private static final String TOO_SHORT = DIR + "streamwatch.yaml";
    private static final String BOUNDARY = DIR + "boundary.yaml";

    private static final String PROBLEM =
            "rules/silence.yaml: rule 'HostSilent': absent_for: 15m needs alerts.state_ttl (now"
                    + " 10m in "
                    + TOO_SHORT
                    + ") of at least 16m (absent_for + 1m): a silent group's state would expire"
                    + " before the silence is noticed and the rule would never fire; raise"
                    + " alerts.state_ttl or shorten absent_for";

    private static int validate(String config, StringWriter err, String... more) {
        CommandLine cli = new CommandLine(new Streamwatch());
        cli.setOut(new PrintWriter(new StringWriter()));
        cli.setErr(new PrintWriter(err));
        String[] args = new String[3 + more.length];
        args[0] = "validate";
        args[1] = "--config";
        args[2] = config;
        System.arraycopy(more, 0, args, 3, more.length);
        return cli.execute(args);
    }

    @Test
    void validateRefusesAnAbsenceRuleLongerThanTheStateTtl() {
        StringWriter err = new StringWriter();
        assertThat(validate(TOO_SHORT, err)).isEqualTo(ValidateCommand.PROBLEMS);
        assertThat(err.toString().lines()).containsExactly(PROBLEM);
    }

    @Test
    void theJobRefusesToLoadIt() {
        assertThatThrownBy(() -> LoadedJob.load(Path.of(TOO_SHORT), List.of()))
                .isInstanceOfSatisfying(
                        ConfigException.class,
                        e -> assertThat(e.problems()).singleElement().hasToString(PROBLEM));
    }

    @Test
    void aStateTtlOfAbsentForPlusTheMarginIsAccepted() throws Exception {
        StringWriter err = new StringWriter();
        assertThat(validate(BOUNDARY, err)).as(err.toString()).isZero();
        assertThat(LoadedJob.load(Path.of(BOUNDARY), List.of()).rules())
                .extracting(RuleDefinition::name)
                .containsExactly("HostSilent", "HighCpu");
    }

    @Test
    void oneMillisecondLessIsRefusedAndNoTtlIsAccepted() {
        StringWriter err = new StringWriter();
        assertThat(validate(BOUNDARY, err, "--set", "alerts.state_ttl=959999ms"))
                .isEqualTo(ValidateCommand.PROBLEMS);
        assertThat(err.toString()).contains("rule 'HostSilent': absent_for: 15m needs");
        assertThat(validate(BOUNDARY, new StringWriter(), "--set", "alerts.state_ttl=0")).isZero();
    }
}
