package io.streamwatch.offline;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamwatch.Streamwatch;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Rules with {@code over} through the real pipeline (windows, aggregates, evaluator), as {@code
 * test-rules} runs them: a span's merged figures fire where no single window would.
 */
class OverRuleTestsTest {
    @Test
    void rulesOverASpanFireOnTheMergedWindows() {
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new Streamwatch());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(new StringWriter()));
        int exit = cli.execute("test-rules", "src/test/resources/rule-tests/over.test.yaml");
        assertThat(exit).as(out.toString()).isZero();
        assertThat(out.toString()).contains("2 tests, 0 failed");
    }
}
