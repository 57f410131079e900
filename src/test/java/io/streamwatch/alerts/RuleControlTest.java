package io.streamwatch.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamwatch.config.AlertsConfig;
import io.streamwatch.testing.TestPipelines;
import java.time.Duration;
import java.util.List;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Control-topic records are checked before they reach the evaluators. */
class RuleControlTest {
    private OneInputStreamOperatorTestHarness<RuleRecord, RuleUpdate> harness;

    @BeforeEach
    void open() throws Exception {
        harness =
                new OneInputStreamOperatorTestHarness<>(
                        new ProcessOperator<>(
                                new RuleControl(
                                        TestPipelines.job(
                                                "x",
                                                "t",
                                                List.of(TestPipelines.logs("streamwatch")),
                                                "d",
                                                "l"))));
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private void send(String name, String json, long offset) throws Exception {
        harness.processElement(new StreamRecord<>(new RuleRecord(name, json, offset)));
    }

    private List<RuleStatus> statuses() {
        return harness.getSideOutput(RuleControl.STATUS).stream()
                .map(StreamRecord::getValue)
                .toList();
    }

    @Test
    void aValidRuleIsBroadcastAndReportedActive() throws Exception {
        send(
                "Errors",
                "{\"name\":\"Errors\",\"pipeline\":\"app-logs\",\"condition\":\"error_ratio > 0.1\"}",
                7);
        assertThat(harness.extractOutputValues())
                .singleElement()
                .satisfies(
                        u -> {
                            assertThat(u.name).isEqualTo("Errors");
                            assertThat(u.json).contains("error_ratio > 0.1");
                        });
        assertThat(statuses())
                .singleElement()
                .satisfies(
                        s -> {
                            assertThat(s.status).isEqualTo("active");
                            assertThat(s.offset).isEqualTo(7);
                            assertThat(s.version).matches("[0-9a-f]{16}");
                        });
    }

    @Test
    void anInvalidRuleIsRejectedWithItsReasonAndNeverBroadcast() throws Exception {
        send(
                "Errors",
                "{\"name\":\"Errors\",\"pipeline\":\"app-logs\",\"condition\":\"error_rate > 0.1\"}",
                1);
        send(
                "Other",
                "{\"name\":\"Errors\",\"pipeline\":\"app-logs\",\"condition\":\"total > 1\"}",
                2);
        send("Broken", "{not json", 3);
        send(null, "{}", 4);
        assertThat(harness.extractOutputValues()).isEmpty();
        assertThat(statuses()).extracting(s -> s.status).containsOnly("rejected");
        assertThat(statuses())
                .extracting(s -> s.reason)
                .satisfiesExactly(
                        r -> assertThat(r).contains("condition").contains("error_rate"),
                        r -> assertThat(r).contains("differs from the record key"),
                        r -> assertThat(r).contains("not valid JSON"),
                        r -> assertThat(r).contains("no key"));
    }

    @Test
    void aTombstoneDeletes() throws Exception {
        send("Errors", null, 9);
        assertThat(harness.extractOutputValues())
                .singleElement()
                .satisfies(u -> assertThat(u.json).isNull());
        assertThat(statuses())
                .singleElement()
                .satisfies(s -> assertThat(s.status).isEqualTo("deleted"));
    }

    @Test
    void anAbsenceRuleTheStateTtlDoesNotOutlastIsRejected() throws Exception {
        harness.close();
        harness =
                new OneInputStreamOperatorTestHarness<>(
                        new ProcessOperator<>(
                                new RuleControl(
                                        TestPipelines.withAlerts(
                                                TestPipelines.job(
                                                        "x",
                                                        "t",
                                                        List.of(TestPipelines.logs("streamwatch")),
                                                        "d",
                                                        "l"),
                                                new AlertsConfig(
                                                        "alerts",
                                                        List.of(),
                                                        "rules",
                                                        "rule-status",
                                                        Duration.ofMinutes(10))))));
        harness.open();
        String rule =
                "{\"name\":\"Quiet\",\"pipeline\":\"app-logs\",\"kind\":\"absence\","
                        + "\"absent_for\":\"%s\"}";
        send("Quiet", String.format(rule, "15m"), 1);
        send("Quiet", String.format(rule, "9m"), 2);
        assertThat(statuses())
                .satisfiesExactly(
                        s -> {
                            assertThat(s.status).isEqualTo("rejected");
                            assertThat(s.reason)
                                    .startsWith(
                                            "control-topic: rule 'Quiet': absent_for: 15m needs"
                                                    + " alerts.state_ttl (now 10m in test) of at"
                                                    + " least 16m");
                        },
                        s -> assertThat(s.status).isEqualTo("active"));
        assertThat(harness.extractOutputValues())
                .singleElement()
                .satisfies(u -> assertThat(u.json).contains("9m"));
    }
}
