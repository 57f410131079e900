package io.streamwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamwatch.Streamwatch;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code streamwatch patterns}: per-line templates, the summary, and the input formats. */
class PatternsCommandTest {
    @TempDir Path dir;

    record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new Streamwatch());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private Path write(String... lines) throws Exception {
        Path f = dir.resolve("in.log");
        Files.write(f, List.of(lines));
        return f;
    }

    @Test
    void printsEachLinesTemplateThenASummaryByCount() throws Exception {
        Path f =
                write(
                        "User alice logged in from 10.0.0.1",
                        "Disk /dev/sda1 is full",
                        "User bob logged in from 10.0.0.2",
                        "User carol logged in from 10.0.0.3");

        Run r = run("patterns", f.toString());

        // FNV-1a 32 of each template's first masked line (docs/PATTERNS.md, ids).
        String id = "f8b51a16"; // "User alice logged in from <IP>"
        String disk = "b50f40fe"; // "Disk <PATH> is full"
        assertThat(r.code()).isZero();
        assertThat(r.out().lines().limit(4))
                .containsExactly(
                        id + "  User alice logged in from <IP>",
                        disk + "  Disk <PATH> is full",
                        id + "  User <*> logged in from <IP>",
                        id + "  User <*> logged in from <IP>");
        assertThat(r.out())
                .contains("2 templates from 4 lines")
                .contains(
                        id
                                + "        3  User <*> logged in from <IP>\n"
                                + "                   e.g. User alice logged in from 10.0.0.1\n"
                                + disk
                                + "        1  Disk <PATH> is full");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void summaryOnlyAndMaskingOnly() throws Exception {
        Path f = write("User alice logged in", "User bob logged in");

        Run summary = run("patterns", "--summary-only", f.toString());
        Run masking = run("patterns", "--masking-only", "--summary-only", f.toString());

        assertThat(summary.out()).startsWith("1 templates from 2 lines\nID ");
        assertThat(masking.out())
                .startsWith("2 patterns from 2 lines\n")
                .contains("User alice logged in", "User bob logged in");
    }

    @Test
    void minerParametersAreOptions() throws Exception {
        Path f = write("User alice logged in now", "User bob logged in now");

        Run strict = run("patterns", "--similarity", "0.9", "--summary-only", f.toString());
        Run bad = run("patterns", "--depth", "2", f.toString());

        assertThat(strict.out()).startsWith("2 templates from 2 lines");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("depth must be at least 3");
    }

    @Test
    void jsonLinesGiveTheirMessageFieldAndOthersAreSkipped() throws Exception {
        Path f =
                write(
                        "{\"log\":{\"msg\":\"Job alpha finished in 3 s\"}}",
                        "{\"log.msg\":\"Job beta finished in 4 s\"}",
                        "not json",
                        "{\"other\":1}");

        Run r = run("patterns", "--format", "json", "--message-field", "log.msg", f.toString());

        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("1 templates from 4 lines", "Job <*> finished in <NUM> s");
        assertThat(r.err()).contains("2 of 4 lines had no message");
    }

    @Test
    void aPipelinesFormatPicksTheMessage() throws Exception {
        Path f =
                write(
                        "{\"timestamp\":\"2026-03-01T10:00:00Z\",\"level\":\"ERROR\","
                                + "\"service\":\"a\",\"message\":\"Timeout calling alpha\"}",
                        "{\"timestamp\":\"2026-03-01T10:00:01Z\",\"level\":\"ERROR\","
                                + "\"service\":\"a\",\"message\":\"Timeout calling beta\"}");

        Run r =
                run(
                        "patterns",
                        "--config",
                        "jobs-config/streamwatch.yaml",
                        "--pipeline",
                        "app-logs",
                        "--summary-only",
                        f.toString());
        Run noPipeline = run("patterns", "--config", "jobs-config/streamwatch.yaml", f.toString());
        Run metrics =
                run(
                        "patterns",
                        "--config",
                        "jobs-config/streamwatch.yaml",
                        "--pipeline",
                        "app-metrics",
                        f.toString());

        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("1 templates from 2 lines", "Timeout calling <*>");
        assertThat(noPipeline.code()).isEqualTo(2);
        assertThat(metrics.code()).isEqualTo(2);
        assertThat(metrics.err()).contains("no logs pipeline 'app-metrics'");
    }

    @Test
    void aPipelinesPatternSettingsAreTheJobsAndOptionsOverrideThem() throws Exception {
        Path records =
                write(
                        "{\"timestamp\":\"2026-03-01T10:00:00Z\",\"level\":\"ERROR\","
                                + "\"service\":\"a\",\"message\":\"Queue orders is full now\"}",
                        "{\"timestamp\":\"2026-03-01T10:00:01Z\",\"level\":\"ERROR\","
                                + "\"service\":\"a\",\"message\":\"Queue refunds is full now\"}",
                        "{\"timestamp\":\"2026-03-01T10:00:02Z\",\"level\":\"ERROR\","
                                + "\"service\":\"b\",\"message\":\"Queue carts is full now\"}");
        Path config = dir.resolve("sw.yaml");
        Files.writeString(
                config,
                String.join(
                        "\n",
                        "pipelines:",
                        "  - {name: strict, kind: logs, topic: a, output_topic: o1,",
                        "     patterns: {similarity: 0.9}}",
                        "  - {name: masked, kind: logs, topic: b, output_topic: o2,",
                        "     patterns: {mining: false}}",
                        "  - {name: usual, kind: logs, topic: c, output_topic: o3}"));

        Run strict = pipelineRun(config, "strict", records);
        Run relaxed = pipelineRun(config, "strict", records, "--similarity", "0.5");
        Run masked = pipelineRun(config, "masked", records);
        Run usual = pipelineRun(config, "usual", records);

        assertThat(strict.out()).startsWith("3 templates from 3 lines");
        assertThat(relaxed.out()).startsWith("2 templates from 3 lines");
        assertThat(masked.out()).startsWith("3 patterns from 3 lines");
        // One miner per group, as in the job: service b learns its own template.
        assertThat(usual.out())
                .startsWith("2 templates from 3 lines")
                .contains("Queue <*> is full now", "Queue carts is full now");
    }

    private static Run pipelineRun(Path config, String pipeline, Path file, String... more) {
        List<String> args =
                new java.util.ArrayList<>(
                        List.of(
                                "patterns",
                                "--config",
                                config.toString(),
                                "--pipeline",
                                pipeline,
                                "--summary-only"));
        args.addAll(List.of(more));
        args.add(file.toString());
        return run(args.toArray(new String[0]));
    }

    @Test
    void aMissingFileIsExitCodeTwo() {
        Run r = run("patterns", dir.resolve("nope.log").toString());

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("cannot read");
    }

    @Test
    void theMainHelpListsTheCommand() {
        assertThat(run("--help").out()).contains("patterns");
        assertThat(run("patterns", "--help").out())
                .contains("--format", "--message-field", "--config", "--pipeline", "--depth")
                .contains("--similarity", "--max-templates", "--masking-only", "--summary-only");
    }
}
