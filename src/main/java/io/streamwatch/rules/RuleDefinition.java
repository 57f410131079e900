package io.streamwatch.rules;

import java.io.Serializable;
import java.time.Duration;
import java.util.Map;

/**
 * One alert rule as written in a rule file or on the control topic, checked but not yet compiled.
 * Immutable and serializable: it travels in the job graph and, as JSON, in broadcast state.
 *
 * @param source where the rule came from: a file name, or {@code control-topic}
 * @param condition CEL over the aggregate's fields (threshold rules)
 * @param value CEL giving the alert's {@code value}; null infers it from the condition
 * @param threshold the alert's {@code threshold}; null infers it from the condition
 * @param forDuration how long the condition must hold before the alert fires (0: at once)
 * @param resolveAfter how long the condition must be false before it resolves; null means one
 *     window
 * @param absentFor absence rules: silence that fires the alert
 * @param field anomaly rules: the aggregate field watched
 * @param sigmas anomaly rules: k, how many standard deviations count as anomalous
 * @param warmup anomaly rules: windows observed before the rule may fire
 * @param alpha anomaly rules: EWMA weight of the newest window (0..1)
 * @param retention new-pattern rules: how long a seen pattern is remembered
 */
public record RuleDefinition(
        String name,
        String source,
        String pipeline,
        RuleKind kind,
        String condition,
        String value,
        Double threshold,
        Duration forDuration,
        Duration resolveAfter,
        String severity,
        Map<String, String> labels,
        String summary,
        String description,
        Duration absentFor,
        String field,
        double sigmas,
        Direction direction,
        int warmup,
        double alpha,
        Duration retention)
        implements Serializable {
    /**
     * The longest {@code retention} a new-pattern rule may have. The evaluator forgets a pattern by
     * its rule's retention in event time; a state TTL a little longer than this is its backstop.
     */
    public static final Duration MAX_RETENTION = Duration.ofDays(365);
}
