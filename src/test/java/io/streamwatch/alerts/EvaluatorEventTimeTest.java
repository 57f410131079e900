package io.streamwatch.alerts;

import static io.streamwatch.alerts.RuleEvaluatorTest.MIN;
import static io.streamwatch.alerts.RuleEvaluatorTest.T0;
import static io.streamwatch.alerts.RuleEvaluatorTest.metric;
import static io.streamwatch.alerts.RuleEvaluatorTest.rule;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamwatch.config.StreamwatchConfig;
import io.streamwatch.operators.InterruptibleBroadcastOperator;
import io.streamwatch.rules.RuleDefinition;
import io.streamwatch.rules.RuleJson;
import io.streamwatch.testing.TestPipelines;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.tasks.StreamTaskActionExecutor;
import org.apache.flink.streaming.runtime.tasks.mailbox.MailboxExecutorImpl;
import org.apache.flink.streaming.runtime.tasks.mailbox.TaskMailbox;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The evaluator's event time is the data's alone (issue 16): the rule-control input never moves it,
 * also when every data input is idle, and no alert carries a time that is not an event time. Driven
 * through the job's own operator.
 */
class EvaluatorEventTimeTest {
    private final StreamwatchConfig config =
            TestPipelines.job("x", "t", List.of(TestPipelines.metrics("streamwatch")), "d", "l");

    private static final String SILENT =
            "{name: HostSilent, pipeline: app-metrics, kind: absence, absent_for: 2m}";
    private static final String SLOW =
            "{name: SlowP99, pipeline: app-metrics, condition: 'p99 > 500'}";

    private KeyedBroadcastOperatorTestHarness<String, Observation, RuleUpdate, Alert> harness;

    @AfterEach
    void close() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    private void open(RuleDefinition... rules) throws Exception {
        var operator =
                new InterruptibleBroadcastOperator<String, Observation, RuleUpdate, Alert>(
                        new RuleEvaluator(config, List.of(rules)),
                        List.of(RuleEvaluator.TOPIC_RULES));
        harness =
                new KeyedBroadcastOperatorTestHarness<>(
                        operator, Observation::evaluationKey, Types.STRING, 1, 1, 0);
        // Flink's task gives the operator its mailbox; this harness does not.
        operator.setMailboxExecutor(
                new MailboxExecutorImpl(
                        harness.getTaskMailbox(),
                        TaskMailbox.MIN_PRIORITY,
                        StreamTaskActionExecutor.IMMEDIATE));
        harness.open();
    }

    private void observe(Observation o) throws Exception {
        harness.processElement(o, o.windowEnd - 1);
    }

    private List<Long> outputWatermarks() {
        List<Long> out = new ArrayList<>();
        for (Object o : harness.getOutput()) {
            if (o instanceof Watermark w) {
                out.add(w.getTimestamp());
            }
        }
        return out;
    }

    @Test
    void idleDataInputsAndTheControlInputNeverMoveEventTime() throws Exception {
        open(rule(SILENT), rule(SLOW));
        // Whatever the control input sends (the job used to give it a watermark of "done"),
        // it must not count.
        harness.processBroadcastWatermark(Long.MAX_VALUE - 1);
        observe(metric("web-1", 0, 900));
        observe(metric("web-1", 1, 900));
        harness.processWatermark(T0 + 2 * MIN);
        assertThat(harness.extractOutputValues())
                .extracting(a -> a.rule + ":" + a.status + "@" + a.startsAt)
                .containsExactly("SlowP99:firing@" + (T0 + MIN));

        // Every data input idle for its idleness: Flink marks input 1 idle.
        harness.getTwoInputOperator().processWatermarkStatus1(WatermarkStatus.IDLE);
        assertThat(harness.extractOutputValues())
                .as("web-1 was last seen at 10:02; 2m of silence is not over before 10:04")
                .hasSize(1);

        // A rule change while the data is idle: its resolve ends at a real event time.
        RuleDefinition v2 = rule("{name: SlowP99, pipeline: app-metrics, condition: 'p99 > 950'}");
        harness.processBroadcastElement(new RuleUpdate("SlowP99", RuleJson.toJson(v2)), 0);
        List<Alert> out = harness.extractOutputValues();
        assertThat(out).hasSize(2);
        Alert resolve = out.get(1);
        assertThat(resolve.status + ":" + resolve.reason).isEqualTo("resolved:rule_changed");
        assertThat(resolve.endsAt).as("the data watermark").isEqualTo(T0 + 2 * MIN);

        // Data again.
        harness.getTwoInputOperator().processWatermarkStatus1(WatermarkStatus.ACTIVE);
        observe(metric("web-1", 2, 100));
        harness.processWatermark(T0 + 3 * MIN);
        assertThat(harness.extractOutputValues())
                .as("no absence alert: web-1 sent data")
                .hasSize(2);
        assertThat(outputWatermarks())
                .as("the output watermark never passes the data watermark")
                .allSatisfy(w -> assertThat(w).isLessThanOrEqualTo(T0 + 3 * MIN));

        // The absence alert still fires, at its instant: web-1 last seen 10:03, silent 2m.
        harness.processWatermark(T0 + 5 * MIN);
        assertThat(harness.extractOutputValues())
                .extracting(a -> a.rule + ":" + a.status + "@" + a.startsAt)
                .endsWith("HostSilent:firing@" + (T0 + 5 * MIN));
        for (Alert a : harness.extractOutputValues()) {
            assertThat(a.startsAt).isBetween(T0, T0 + 5 * MIN);
            if (a.endsAt != -1) {
                assertThat(a.endsAt).isBetween(T0, T0 + 5 * MIN);
            }
        }
    }

    @Test
    void aRuleChangeBeforeAnyDataWatermarkEndsAtTheAlertsLastEventTime() throws Exception {
        open();
        harness.processBroadcastElement(new RuleUpdate("SlowP99", RuleJson.toJson(rule(SLOW))), 0);
        observe(metric("web-1", 0, 900));
        assertThat(harness.extractOutputValues()).hasSize(1);
        harness.processBroadcastElement(new RuleUpdate("SlowP99", null), 0);
        List<Alert> out = harness.extractOutputValues();
        assertThat(out).hasSize(2);
        assertThat(out.get(1).reason).isEqualTo("rule_deleted");
        assertThat(out.get(1).endsAt).as("the end of its last window").isEqualTo(T0 + MIN);
    }
}
