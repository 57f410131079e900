package io.streamwatch.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The local scripts answer {@code --help} with their usage and exit 0, as a new user tries first
 * ({@code bin/cluster --help} printed "ERROR: usage", issue 21). Neither starts anything for it.
 */
class ScriptHelpTest {
    @TempDir Path tmp;

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "bin/cluster, --help, bin/cluster start",
        "bin/cluster, help, bin/cluster submit",
        "bin/playground, --help, bin/playground status"
    })
    void helpPrintsTheUsageAndSucceeds(String script, String arg, String usageLine)
            throws Exception {
        Path out = tmp.resolve("out");
        Path err = tmp.resolve("err");
        Process p =
                new ProcessBuilder(script, arg)
                        .redirectOutput(out.toFile())
                        .redirectError(err.toFile())
                        .start();
        if (!p.waitFor(1, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            fail("%s %s did not finish within a minute", script, arg);
        }
        String stdout = Files.readString(out);
        String stderr = Files.readString(err);
        assertThat(p.exitValue()).as(stderr).isZero();
        assertThat(stdout).contains(usageLine);
        assertThat(stderr).doesNotContain("ERROR");
    }
}
