package io.streamwatch.alerts;

import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.util.Collector;

/**
 * What a {@link RuleKindEvaluator} works with on one call of the evaluator: the evaluation key
 * being processed, its timers and the alert output. One object per evaluator, set anew for each
 * element or timer, so a call allocates nothing for it.
 */
final class KeyContext {
    /** The evaluation key (pipeline and group) of the element or timer being processed. */
    String key;

    TimerService timers;
    Collector<Alert> out;

    KeyContext set(String key, TimerService timers, Collector<Alert> out) {
        this.key = key;
        this.timers = timers;
        this.out = out;
        return this;
    }
}
