package io.streamwatch.offline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamwatch.Streamwatch;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The shipped rule tests pass (so CI tests the example rules), a wrong expectation fails with a
 * readable diff, and a broken test file is reported as such.
 */
class RuleTestsTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int testRules(String file) {
        CommandLine cli = new CommandLine(new Streamwatch());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return cli.execute("test-rules", file);
    }

    @Test
    void theExampleRulesPassTheirTests() {
        assertThat(testRules("jobs-config/rules/examples.test.yaml")).as(out.toString()).isZero();
        assertThat(out.toString()).contains("6 tests, 0 failed").doesNotContain("FAIL");
    }

    /**
     * {@code for} and {@code resolve_after} count the event time the matching (not matching)
     * windows cover, and a window without data neither breaks nor extends the run (issue 16, item
     * 2).
     */
    @Test
    void forAndResolveAfterCountEventTimeAlsoOnSparseData() {
        assertThat(testRules("src/test/resources/rule-tests/for-and-resolve-after.test.yaml"))
                .as(out.toString())
                .isZero();
        assertThat(out.toString()).contains("4 tests, 0 failed");
    }

    @Test
    void aWrongExpectationFailsWithADiff() {
        assertThat(testRules("src/test/resources/rule-tests/wrong-expectation.test.yaml"))
                .isEqualTo(1);
        assertThat(out.toString())
                .contains(
                        "FAIL  src/test/resources/rule-tests/wrong-expectation.test.yaml: test 'expects the spike one window too early'")
                .contains(
                        "expected, but did not happen:\n    - at 2m  HighErrorRatio firing {service=checkout}")
                .contains("happened, but not expected:\n    + at 3m  HighErrorRatio firing");
    }

    @Test
    void aTestFileThatDoesNotParseIsReportedWithItsKey() {
        assertThat(testRules("src/test/resources/rule-tests/malformed.test.yaml")).isEqualTo(2);
        assertThat(err.toString()).contains("test 'misspelt key': unknown key 'inputs'");
    }

    @Test
    void aMissingFileIsReported() {
        assertThatThrownBy(() -> RuleTests.run(Path.of("nope.yaml"), new PrintWriter(out)))
                .isInstanceOf(RuleTests.BadTestFile.class)
                .hasMessageContaining("does not parse");
    }
}
