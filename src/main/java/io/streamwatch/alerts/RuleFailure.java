package io.streamwatch.alerts;

import dev.cel.runtime.CelEvaluationException;
import io.streamwatch.rules.CompiledRule;
import java.util.Map;

/**
 * What a rule's own code threw on one aggregate: its CEL programs (a {@link
 * CelEvaluationException}: division by zero, overflow, ...), its fast condition and its templates
 * (runtime exceptions). Only these are caught, around those calls alone (the static methods here):
 * anything else, such as a failure of the state backend, fails the task.
 */
final class RuleFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    RuleFailure(Exception cause) {
        super(cause);
    }

    static boolean test(CompiledRule r, Map<String, Object> vars) {
        try {
            return r.test(vars);
        } catch (CelEvaluationException | RuntimeException e) {
            throw new RuleFailure(e);
        }
    }

    static double value(CompiledRule r, Map<String, Object> vars) {
        try {
            return r.value(vars);
        } catch (CelEvaluationException | RuntimeException e) {
            throw new RuleFailure(e);
        }
    }

    static String summary(CompiledRule r, Map<String, Object> values) {
        try {
            return r.summary(values);
        } catch (RuntimeException e) {
            throw new RuleFailure(e);
        }
    }

    static String description(CompiledRule r, Map<String, Object> values) {
        try {
            return r.description(values);
        } catch (RuntimeException e) {
            throw new RuleFailure(e);
        }
    }
}
