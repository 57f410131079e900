package io.streamwatch.alerts;

import static io.streamwatch.alerts.RuleEvaluatorTest.MIN;
import static io.streamwatch.alerts.RuleEvaluatorTest.T0;
import static io.streamwatch.alerts.RuleEvaluatorTest.logs;
import static io.streamwatch.alerts.RuleEvaluatorTest.rule;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamwatch.config.StreamwatchConfig;
import io.streamwatch.rules.RuleDefinition;
import io.streamwatch.rules.RuleJson;
import io.streamwatch.testing.TestPipelines;
import java.util.List;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * New-pattern rules remember a pattern for their own {@code retention}, in event time, whether they
 * come from the rule files or the control topic (issue 17, item 3).
 */
class NewPatternRetentionTest {
    private static final long HOUR = 60 * MIN;
    private static final long DAY = 24 * HOUR;

    private final StreamwatchConfig config =
            TestPipelines.job("x", "t", List.of(TestPipelines.logs("streamwatch")), "d", "l");

    private KeyedBroadcastOperatorTestHarness<String, Observation, RuleUpdate, Alert> harness;

    @AfterEach
    void close() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    private void open(RuleDefinition... rules) throws Exception {
        harness = EvaluatorHarness.of(new RuleEvaluator(config, List.of(rules)));
        harness.open();
    }

    /**
     * The aggregate of a window {@code at} ms after T0, at that processing time too (the job runs
     * live: its clock and event time move together), and the watermark after it.
     */
    private void observe(long at, String... patterns) throws Exception {
        int window = (int) (at / MIN);
        harness.setStateTtlProcessingTime(at);
        harness.setProcessingTime(at);
        Observation o = logs("checkout", window, 10, 0.1, patterns);
        harness.processElement(o, o.windowEnd - 1);
        harness.processWatermark(o.windowEnd);
    }

    private List<String> alerts(String rule) {
        return harness.extractOutputValues().stream()
                .filter(a -> a.rule.equals(rule))
                .map(a -> a.status + "@" + (a.startsAt - T0) / MIN)
                .toList();
    }

    @Test
    void aTopicRuleRemembersPatternsForItsOwnRetentionInEventTime() throws Exception {
        // The file rules' longest retention is 1h: it used to be every rule's (processing-time)
        // memory.
        open(
                rule(
                        "{name: FileNew, pipeline: app-logs, kind: new_pattern, warmup: 1, retention: 1h}"));
        RuleDefinition topic =
                rule(
                        "{name: TopicNew, pipeline: app-logs, kind: new_pattern, warmup: 1, retention: 1d}");
        harness.processBroadcastElement(new RuleUpdate("TopicNew", RuleJson.toJson(topic)), 0);
        observe(0, "Timeout after <NUM> ms");
        observe(MIN, "Disk <PATH> full");
        assertThat(alerts("TopicNew")).containsExactly("firing@2");
        observe(2 * MIN);
        assertThat(alerts("TopicNew")).containsExactly("firing@2", "resolved@2");

        // Seen again 3h later: past the file rules' 1h, well within its own 1d.
        observe(3 * HOUR, "Disk <PATH> full");
        assertThat(alerts("TopicNew")).as("seen 3h ago: not new").hasSize(2);
        assertThat(alerts("FileNew")).as("the file rule's own 1h has passed").hasSize(3);

        // Not seen for more than a day of event time: new again.
        observe(3 * HOUR + DAY + 2 * MIN, "Disk <PATH> full");
        assertThat(alerts("TopicNew")).containsExactly("firing@2", "resolved@2", "firing@1623");
    }

    @Test
    void seenPatternsLeaveTheStateOnceTheirRetentionHasPassedInEventTime() throws Exception {
        open(
                rule(
                        "{name: NewError, pipeline: app-logs, kind: new_pattern, warmup: 1, retention: 10m}"));
        observe(0, "Timeout after <NUM> ms");
        observe(MIN, "Timeout after <NUM> ms", "Disk <PATH> full");
        int withPatterns = stateEntries();
        // A cleanup timer for the key, at the first instant a pattern may be forgotten.
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);
        // Event time passes the retention (plus the window: a late aggregate may still come).
        harness.processWatermark(T0 + 2 * MIN + 10 * MIN + MIN);
        assertThat(stateEntries())
                .as("the key's seen patterns are gone; its learning state stays")
                .isEqualTo(withPatterns - 1);
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    private int stateEntries() {
        return ((HeapKeyedStateBackend<?>) harness.getOperator().getKeyedStateBackend())
                .numKeyValueStateEntries();
    }
}
