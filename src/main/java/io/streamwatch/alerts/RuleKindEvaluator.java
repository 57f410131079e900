package io.streamwatch.alerts;

import io.streamwatch.rules.CompiledRule;
import java.util.Map;

/**
 * One active rule as its kind evaluates it: what it keeps per key (said by each class), what it
 * does with an aggregate of a key and with a timer of a key. {@link RuleEvaluator} is the operator
 * around them: state handles, rules from the files and the control topic, timers, and routing each
 * aggregate to the rules of its pipeline. On a rule change, every kind's stored alerts end alike
 * ({@link AlertLifecycle#endByRuleChange}): the evaluator removes them all, across keys.
 *
 * <p>An instance belongs to one compiled version of one rule and is made again when the rules
 * change, so whatever follows from the rule alone is worked out once, not per aggregate.
 */
interface RuleKindEvaluator {
    /** The compiled rule this instance evaluates. */
    CompiledRule rule();

    /**
     * One window aggregate of the key in {@code k}, with its CEL variables. A {@link RuleFailure}
     * drops what the call did; anything else fails the task.
     */
    void onAggregate(Observation o, Map<String, Object> vars, KeyContext k) throws Exception;

    /**
     * A timer of the key in {@code k} came due (event time, or the wall clock). Timers are per key
     * and instant, not per rule: each rule of the key's pipeline is asked, and finds out itself
     * whether anything of its own is due.
     */
    default void onTimer(long timestamp, boolean wallClock, KeyContext k) throws Exception {}
}
