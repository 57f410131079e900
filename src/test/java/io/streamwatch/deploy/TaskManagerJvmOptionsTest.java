package io.streamwatch.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The TaskManager's JVM flags of {@code flink-conf/config.yaml} ({@code env.java.opts.taskmanager})
 * start a JVM of this machine's Java and take effect: a misspelt flag would keep every TaskManager
 * of every environment from starting, and one the JVM ignores would be a silent no-op.
 */
class TaskManagerJvmOptionsTest {
    private static final Path ROOT = Path.of("").toAbsolutePath();

    /** -XX:+Name, -XX:-Name or -XX:Name=value. */
    private static final Pattern XX_FLAG = Pattern.compile("-XX:(?:([+-])(\\w+)|(\\w+)=(\\S+))");

    @Test
    void taskManagerFlagsStartAJvmAndTakeEffect() throws Exception {
        String opts =
                new YAMLMapper()
                        .readTree(ROOT.resolve("flink-conf/config.yaml").toFile())
                        .path("env.java.opts.taskmanager")
                        .asText();
        assertThat(opts).as("env.java.opts.taskmanager").isNotBlank();

        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(Arrays.asList(opts.trim().split("\\s+")));
        command.add("-XX:+PrintFlagsFinal");
        command.add("-version");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("java -version returned").isTrue();
        assertThat(p.exitValue()).as("exit code of %s; output:%n%s", command, out).isZero();

        // Each -XX flag as the JVM took it (PrintFlagsFinal: "type name = value {origin}").
        for (String flag : opts.trim().split("\\s+")) {
            Matcher m = XX_FLAG.matcher(flag);
            if (!m.matches()) {
                continue;
            }
            String name = m.group(2) != null ? m.group(2) : m.group(3);
            String value = m.group(1) != null ? String.valueOf(m.group(1).equals("+")) : m.group(4);
            assertThat(out)
                    .as("%s in the JVM's final flags", flag)
                    .containsPattern("\\s" + name + "\\s+= " + Pattern.quote(value) + "\\s");
        }
        assertThat(opts).contains("-XX:");
    }
}
