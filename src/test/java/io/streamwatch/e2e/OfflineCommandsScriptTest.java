package io.streamwatch.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The offline commands as a user runs them, through {@code bin/streamwatch}: their own results on
 * stdout and nothing of the libraries under them (Flink's MiniCluster warned 42 lines around the 7
 * of {@code test-rules}, issue 21) on stderr.
 */
class OfflineCommandsScriptTest {
    @TempDir Path tmp;

    private String[] run(String... args) throws Exception {
        String[] command = new String[args.length + 1];
        command[0] = "bin/streamwatch";
        System.arraycopy(args, 0, command, 1, args.length);
        Path out = tmp.resolve("out");
        Path err = tmp.resolve("err");
        Process p =
                new ProcessBuilder(command)
                        .redirectOutput(out.toFile())
                        .redirectError(err.toFile())
                        .start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.descendants().forEach(ProcessHandle::destroy);
            p.destroy();
            fail("%s did not finish within 5 minutes", String.join(" ", command));
        }
        assertThat(p.exitValue()).as(Files.readString(err)).isZero();
        return new String[] {Files.readString(out), Files.readString(err)};
    }

    /** Lines of a library's logging (the layout is "HH:mm:ss LEVEL logger: message"). */
    private static long logLines(String stderr) {
        return stderr.lines()
                .filter(l -> l.matches("\\d\\d:\\d\\d:\\d\\d (TRACE|DEBUG|INFO |WARN ).*"))
                .count();
    }

    @Test
    void testRulesPrintsItsResultsAndNoLibraryLogging() throws Exception {
        String[] r = run("test-rules", "jobs-config/rules/examples.test.yaml");

        assertThat(r[0].lines().filter(l -> l.startsWith("PASS  "))).hasSizeGreaterThan(3);
        assertThat(r[0]).contains("0 failed");
        assertThat(logLines(r[1])).as(r[1]).isZero();
    }

    @Test
    void validatePrintsItsSummaryAndNoLibraryLogging() throws Exception {
        String[] r = run("validate", "--config", "jobs-config/streamwatch.yaml");

        assertThat(r[0]).isNotBlank();
        assertThat(logLines(r[1])).as(r[1]).isZero();
    }
}
