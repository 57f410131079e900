package io.streamwatch.alerts;

import static io.streamwatch.alerts.RuleEvaluatorTest.logs;
import static io.streamwatch.alerts.RuleEvaluatorTest.rule;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamwatch.config.StreamwatchConfig;
import io.streamwatch.records.GroupKey;
import io.streamwatch.rules.RuleDefinition;
import io.streamwatch.testing.TestPipelines;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * The {@code alertsFiring} gauge (issue 17, item 6): per subtask, kept in operator state that a
 * rescale hands out evenly, not by key. Summed over the subtasks it must stay the number of alerts
 * firing, across a rescale too.
 */
class AlertsFiringGaugeTest {
    private static final int MAX_PARALLELISM = 128;

    private final StreamwatchConfig config =
            TestPipelines.job("x", "t", List.of(TestPipelines.logs("streamwatch")), "d", "l");
    private final RuleDefinition errors =
            ruleOf("{name: Errors, pipeline: app-logs, condition: 'error_ratio > 0.1'}");

    private static RuleDefinition ruleOf(String yaml) {
        try {
            return rule(yaml);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private KeyedBroadcastOperatorTestHarness<String, Observation, RuleUpdate, Alert> harness(
            RuleEvaluator evaluator, int parallelism, int subtask, OperatorSubtaskState restored)
            throws Exception {
        var h = EvaluatorHarness.of(evaluator, MAX_PARALLELISM, parallelism, subtask);
        if (restored != null) {
            h.initializeState(restored);
        }
        h.open();
        return h;
    }

    /** A service on each of two subtasks. */
    private static String[] servicesOnBothSubtasks() {
        String[] services = new String[2];
        for (int i = 0; services[0] == null || services[1] == null; i++) {
            String service = "svc" + i;
            int subtask =
                    KeyGroupRangeAssignment.assignKeyToParallelOperator(
                            "app-logs" + GroupKey.SEPARATOR + service, MAX_PARALLELISM, 2);
            if (services[subtask] == null) {
                services[subtask] = service;
            }
        }
        return services;
    }

    private static void observe(
            KeyedBroadcastOperatorTestHarness<String, Observation, RuleUpdate, Alert> h,
            Observation o)
            throws Exception {
        h.processElement(o, o.windowEnd - 1);
    }

    @Test
    void summedOverTheSubtasksItCountsTheFiringAlertsAcrossARescale() throws Exception {
        String[] services = servicesOnBothSubtasks();
        RuleEvaluator one = new RuleEvaluator(config, List.of(errors));
        OperatorSubtaskState snapshot;
        try (var h = harness(one, 1, 0, null)) {
            for (String s : services) {
                observe(h, logs(s, 0, 100, 0.5));
            }
            assertThat(one.firingCount("Errors")).isEqualTo(2);
            snapshot = h.snapshot(1, 1);
        }

        // Two subtasks; each one's alert resolves.
        List<RuleEvaluator> two = new ArrayList<>();
        long resolves = 0;
        for (int subtask = 0; subtask < 2; subtask++) {
            RuleEvaluator e = new RuleEvaluator(config, List.of(errors));
            two.add(e);
            OperatorSubtaskState part =
                    AbstractStreamOperatorTestHarness.repartitionOperatorState(
                            snapshot, MAX_PARALLELISM, 1, 2, subtask);
            try (var h = harness(e, 2, subtask, part)) {
                observe(h, logs(services[subtask], 1, 100, 0.0));
                resolves +=
                        h.extractOutputValues().stream()
                                .filter(a -> a.status.equals("resolved"))
                                .count();
            }
        }
        assertThat(resolves).isEqualTo(2);
        assertThat(two.get(0).firingCount("Errors") + two.get(1).firingCount("Errors"))
                .as("no alert fires any more")
                .isZero();
    }
}
