package io.streamwatch.alerts;

import io.streamwatch.records.GroupKey;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.metrics.Counter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts and logs the evaluator's {@link RuleFailure}s: a rule that fails on every aggregate must
 * show in the metric and the log without flooding the log.
 */
final class RuleErrors {
    /** The evaluator's own logger: where an operator looks for its rules' failures. */
    private static final Logger LOG = LoggerFactory.getLogger(RuleEvaluator.class);

    private final Counter evaluationErrors;

    // Per rule: evaluation errors, those not logged since the last logged one, when that was.
    private final Map<String, long[]> errorsSeen = new HashMap<>();

    RuleErrors(Counter evaluationErrors) {
        this.evaluationErrors = evaluationErrors;
    }

    /** A rule that could not be activated at all (counted, logged once per compilation). */
    void inactive(String rule, Object problems) {
        evaluationErrors.inc();
        LOG.warn("Rule {} is not active: {}", rule, problems);
    }

    long count() {
        return evaluationErrors.getCount();
    }

    /**
     * Counts a rule's failure on {@code key} and logs it at WARN: the first {@link
     * RuleEvaluator#ERRORS_LOGGED_IN_FULL} of each rule with their stack trace, then at most one a
     * minute with the number not logged.
     */
    void failed(String rule, String key, RuleFailure failure, long now) {
        evaluationErrors.inc();
        long[] seen = errorsSeen.computeIfAbsent(rule, k -> new long[3]);
        long count = ++seen[0];
        Throwable cause = failure.getCause();
        String shown = key.replace(GroupKey.SEPARATOR, '/');
        if (count <= RuleEvaluator.ERRORS_LOGGED_IN_FULL) {
            LOG.warn(
                    "Rule {} failed on {} and was skipped for that aggregate ({} errors of this"
                            + " rule so far): {}",
                    rule,
                    shown,
                    count,
                    cause.getMessage(),
                    cause);
        } else if (now - seen[2] >= RuleEvaluator.ERROR_LOG_INTERVAL_MS) {
            LOG.warn(
                    "Rule {} failed on {} and was skipped for that aggregate ({} errors of this"
                            + " rule so far, {} not logged since the last logged one): {}",
                    rule,
                    shown,
                    count,
                    seen[1],
                    String.valueOf(cause));
        } else {
            seen[1]++;
            return;
        }
        seen[1] = 0;
        seen[2] = now;
    }
}
