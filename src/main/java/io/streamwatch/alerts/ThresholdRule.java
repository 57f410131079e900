package io.streamwatch.alerts;

import io.streamwatch.rules.CompiledRule;
import java.util.Map;

/**
 * A threshold rule: its condition over each aggregate, through the shared {@link AlertLifecycle}.
 * Keeps per key and metric name one {@link AlertState} (entry {@code rule SEP name}), and only
 * while the alert is pending or firing: an inactive alert carries nothing the next window needs.
 */
final class ThresholdRule implements RuleKindEvaluator {
    private final CompiledRule rule;
    private final AlertStore store;
    private final AlertLifecycle lifecycle;

    ThresholdRule(CompiledRule rule, AlertStore store, AlertLifecycle lifecycle) {
        this.rule = rule;
        this.store = store;
        this.lifecycle = lifecycle;
    }

    @Override
    public CompiledRule rule() {
        return rule;
    }

    @Override
    public void onAggregate(Observation o, Map<String, Object> vars, KeyContext k)
            throws Exception {
        CompiledRule r = rule;
        String sub = o.name == null ? "" : o.name;
        AlertState stored = store.get(k.key, r.name(), sub);
        AlertState st = AlertLifecycle.current(stored, r);
        double value = RuleFailure.value(r, vars);
        lifecycle.step(r, st, RuleFailure.test(r, vars), o, value, r.threshold(), null, vars, null);
        if (st.status != AlertState.INACTIVE) {
            store.put(k.key, r.name(), sub, st);
        } else if (stored != null) {
            // An inactive alert carries nothing the next window needs: most aggregates of most
            // groups never meet the condition, and writing their state each time was a state
            // write per aggregate (and an entry per key in every checkpoint).
            store.remove(k.key, r.name(), sub);
        }
        lifecycle.send(k.out);
    }
}
