package io.streamwatch.offline;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamwatch.config.AlertsConfig;
import io.streamwatch.config.StreamwatchConfig;
import io.streamwatch.records.DeadLetter;
import io.streamwatch.records.Decoded;
import io.streamwatch.records.Level;
import io.streamwatch.records.LogEvent;
import io.streamwatch.testing.TestPipelines;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** An offline run keeps the topics asked for and counts every topic. */
class OfflineRunTest {
    @Test
    void keepsWhatIsAskedAndCountsEverything() throws Exception {
        StreamwatchConfig config =
                TestPipelines.withAlerts(
                        TestPipelines.job(
                                "x",
                                "t",
                                List.of(TestPipelines.logs("streamwatch")),
                                "dead",
                                "late"),
                        new AlertsConfig("alerts", List.of(), "rules", "status"));
        List<Decoded> events = new ArrayList<>();
        long t0 = 1_800_000_000_000L / 60_000 * 60_000;
        for (int w = 0; w < 3; w++) {
            events.add(Decoded.of(new LogEvent("checkout", t0 + w * 60_000, Level.INFO, "ok")));
            events.add(Decoded.of(new LogEvent("search", t0 + w * 60_000 + 1, Level.INFO, "ok")));
        }
        OfflineRun.Output out =
                new OfflineRun(config, List.of())
                        .run(
                                OfflineRun.inMemory(Map.of("app-logs", events)),
                                t -> t.equals("alerts"));
        // 3 windows x 2 services, all closed at the end of the input.
        assertThat(out.counts()).containsEntry("streamwatch.log-aggregates", 6L);
        assertThat(out.records().get("streamwatch.log-aggregates")).isEmpty();
        assertThat(out.counts()).containsEntry("dead", 0L);
        // Two groups: the backtest's per-key rates divide by them.
        assertThat(out.keys()).containsEntry("streamwatch.log-aggregates", 2L);
        assertThat(out.deadLetters()).isEmpty();
    }

    @Test
    void countsDeadLettersByReasonWithAnExampleOfEach() throws Exception {
        StreamwatchConfig config =
                TestPipelines.withAlerts(
                        TestPipelines.job(
                                "x",
                                "t",
                                List.of(TestPipelines.logs("streamwatch")),
                                "dead",
                                "late"),
                        new AlertsConfig("alerts", List.of(), "rules", "status"));
        List<Decoded> events = new ArrayList<>();
        long t0 = 1_800_000_000_000L / 60_000 * 60_000;
        events.add(Decoded.of(new LogEvent("checkout", t0, Level.INFO, "ok")));
        for (int i = 0; i < 3; i++) {
            events.add(Decoded.of(deadLetter(10 + i, "timestamp_out_of_range", "too old " + i)));
        }
        events.add(Decoded.of(deadLetter(20, "malformed_json", "broken")));

        OfflineRun.Output out =
                new OfflineRun(config, List.of())
                        .run(OfflineRun.inMemory(Map.of("app-logs", events)), t -> false);

        assertThat(out.counts()).containsEntry("dead", 4L);
        assertThat(out.deadLetters())
                .containsOnlyKeys("timestamp_out_of_range", "malformed_json")
                .containsEntry(
                        "malformed_json", new DeadLetterReasons.Reason(1, "logs/0/20", "broken"));
        // The example is one of the reason's dead letters, source and detail of the same one.
        DeadLetterReasons.Reason old = out.deadLetters().get("timestamp_out_of_range");
        assertThat(old.count()).isEqualTo(3);
        assertThat(old.source() + " " + old.detail())
                .isIn("logs/0/10 too old 0", "logs/0/11 too old 1", "logs/0/12 too old 2");
    }

    private static DeadLetter deadLetter(long offset, String reason, String detail) {
        DeadLetter d = new DeadLetter();
        d.sourceTopic = "logs";
        d.partition = 0;
        d.offset = offset;
        d.reason = reason;
        d.detail = detail;
        d.raw = "{}";
        d.rawEncoding = "utf-8";
        d.rawSize = 2;
        d.pipeline = "app-logs";
        return d;
    }
}
