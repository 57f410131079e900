package io.streamwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamwatch.Streamwatch;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code streamwatch alertmanager}: its help and the arguments it refuses before it starts. */
class AlertmanagerCommandTest {
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

    @Test
    void helpDocumentsEveryOptionAndHowGeneratorUrlIsBuilt() {
        Run r = run("alertmanager", "--help");

        assertThat(r.code()).isZero();
        assertThat(r.out())
                .contains(
                        "--url",
                        "--resend-interval",
                        "--max-backoff",
                        "--request-timeout",
                        "--flink-url",
                        "--job-id",
                        "--job-name",
                        "--config",
                        "--bootstrap-servers",
                        "--alerts-topic",
                        "--kafka.<property>")
                .contains("(default: 60s)", "http://localhost:8081")
                .contains("<flink-url>/#/job/running/<job id>/overview");
        assertThat(run("--help").out()).contains("alertmanager");
    }

    @Test
    void aUrlIsRequiredAndMustBeHttp() {
        Run none = run("alertmanager");
        Run ftp = run("alertmanager", "--url", "ftp://host:9093");
        Run zero = run("alertmanager", "--url", "http://host:9093", "--resend-interval", "0");

        assertThat(none.code()).isEqualTo(2);
        assertThat(none.err()).contains("--url");
        assertThat(ftp.code()).isEqualTo(2);
        assertThat(ftp.err()).contains("must be an http(s) URL");
        assertThat(zero.code()).isEqualTo(2);
        assertThat(zero.err()).contains("--resend-interval must be positive");
    }

    @Test
    void aBrokenConfigurationStopsItWithTheProblems() {
        Run r =
                run(
                        "alertmanager",
                        "--url",
                        "http://127.0.0.1:9",
                        "--config",
                        "jobs-config/streamwatch.yaml",
                        "--set",
                        "delivery=sometimes");

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("the configuration has problems", "delivery");
    }
}
