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
 * @param sigmas anomaly rules: the least deviation, in robust spreads, that may fire
 * @param warmup anomaly and new-pattern rules: windows observed before the rule may fire
 * @param alpha anomaly rules: accepted for rules written before {@code half_life}; no effect
 * @param retention new-pattern rules: how long a seen pattern is remembered
 * @param halfLife anomaly rules: event time after which a window weighs half in the baseline; null
 *     for the default
 * @param score anomaly rules: the calibrated score at which the key turns anomalous; null for the
 *     default
 * @param resolveScore anomaly rules: the score below which it is calm again; null for the default
 * @param seasonality anomaly rules: {@code auto} or {@code none}; null for the default (auto)
 * @param minSpread anomaly rules: the spread's absolute floor, in the field's unit; null for none
 * @param over threshold and anomaly rules: the span of event time, a multiple of the pipeline's
 *     window, whose windows' aggregates each evaluation merges; null for one window
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
        Duration retention,
        Duration halfLife,
        Double score,
        Double resolveScore,
        String seasonality,
        Double minSpread,
        Duration over)
        implements Serializable {
    /**
     * The longest {@code retention} a new-pattern rule may have. The evaluator forgets a pattern by
     * its rule's retention in event time; a state TTL a little longer than this is its backstop.
     */
    public static final Duration MAX_RETENTION = Duration.ofDays(365);
}
