package io.streamwatch.alerts;

import io.streamwatch.anomaly.AnomalyModel;
import io.streamwatch.anomaly.AnomalySettings;
import io.streamwatch.anomaly.AnomalyStateFormat;
import io.streamwatch.anomaly.Verdict;
import io.streamwatch.records.Times;
import io.streamwatch.rules.CompiledRule;
import io.streamwatch.rules.RuleDefinition;
import io.streamwatch.rules.Template;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An anomaly rule: each aggregate that passes its filter is scored against, and then learned by,
 * the key's {@link AnomalyModel}; the model's verdict goes through the shared {@link
 * AlertLifecycle}. Keeps per key and metric name one {@link AlertState} (entry {@code rule SEP
 * name}) holding the model in {@link AnomalyStateFormat} and, while the alert fires, the figures it
 * fired with.
 */
final class AnomalyRule implements RuleKindEvaluator {
    private final CompiledRule rule;
    private final AlertStore store;
    private final AlertLifecycle lifecycle;

    /** The rule's model settings: worked out once per rule version, not per aggregate. */
    private final AnomalySettings settings;

    AnomalyRule(CompiledRule rule, AlertStore store, AlertLifecycle lifecycle) {
        this.rule = rule;
        this.store = store;
        this.lifecycle = lifecycle;
        this.settings = settings(rule.definition());
    }

    @Override
    public CompiledRule rule() {
        return rule;
    }

    @Override
    public void onAggregate(Observation o, Map<String, Object> vars, KeyContext k)
            throws Exception {
        CompiledRule r = rule;
        if (!RuleFailure.test(r, vars)) {
            return;
        }
        String sub = o.name == null ? "" : o.name;
        AlertState stored = store.get(k.key, r.name(), sub);
        if (stored != null
                && stored.status == AlertState.FIRING
                && !r.version().equals(stored.ruleVersion)) {
            // The rule reads differently than when it fired (a new rule file, or defaults that
            // changed with a new version, as from the EWMA model to this one): its alert ends
            // as a changed topic rule's does, rather than vanish with the old state.
            lifecycle.emitResolved(
                    stored,
                    o.windowEnd,
                    Double.NaN,
                    "rule changed at " + Times.iso(o.windowEnd),
                    "rule_changed",
                    r.name(),
                    o.pipeline);
        }
        AlertState st = AlertLifecycle.current(stored, r);
        double x = RuleFailure.value(r, vars);
        Verdict v = observe(settings, st, o, x);
        if (v == null) {
            store.put(k.key, r.name(), sub, st);
            lifecycle.send(k.out);
            return;
        }
        // Annotations are those of the window that fires: a firing alert keeps its own. Only an
        // anomalous window can fire; formatting them for every window was a third of the
        // evaluator's CPU (Template.number).
        if (st.status != AlertState.FIRING && v.anomalous()) {
            st.annotations = annotations(v);
        }
        // The threshold is the bound the firing window passed, kept while the alert fires.
        Double bound =
                st.status == AlertState.FIRING
                        ? st.threshold
                        : Double.isNaN(v.bound()) ? null : v.bound();
        lifecycle.step(r, st, v.anomalous(), o, x, bound, null, vars, v);
        if (st.status != AlertState.FIRING) {
            st.annotations = null;
        }
        store.put(k.key, r.name(), sub, st);
        lifecycle.send(k.out);
    }

    /** The model settings of an anomaly rule: its fields, or the defaults where it has none. */
    static AnomalySettings settings(RuleDefinition d) {
        AnomalySettings def = AnomalySettings.DEFAULTS;
        return new AnomalySettings(
                d.halfLife() == null ? def.halfLifeMillis() : d.halfLife().toMillis(),
                d.warmup(),
                !"none".equals(d.seasonality()),
                d.direction(),
                d.score() == null ? def.fireLevel() : d.score(),
                d.resolveScore() == null ? def.resolveLevel() : d.resolveScore(),
                d.minSpread() == null ? 0 : d.minSpread(),
                def.relativeSpreadFloor(),
                d.sigmas());
    }

    /**
     * Scores the window's value {@code x} against the key's model in {@code st} and learns it; null
     * for the key's first window, which is only noted (it usually covers part of a window: the job
     * or the key started in it).
     */
    static Verdict observe(AnomalySettings s, AlertState st, Observation o, double x) {
        if (st.lastWindowEnd == 0) {
            st.lastWindowEnd = o.windowEnd;
            return null;
        }
        AnomalyModel m = AnomalyStateFormat.decode(st.anomaly, s);
        if (m == null) {
            // A new key, a rule whose seasonality changed, or state from before this model (an
            // EWMA baseline): it starts afresh, warm-up included.
            m = new AnomalyModel(s);
        }
        // The window's middle: the value describes the whole window.
        Verdict v = m.observe(o.windowStart + (o.windowEnd - o.windowStart) / 2, x, s);
        st.anomaly = AnomalyStateFormat.encode(m);
        return v;
    }

    /**
     * Adds the model's figures to an anomaly alert's template values (the aggregate's): put only
     * when the alert fires, not on every aggregate.
     */
    static void putFigures(Map<String, Object> values, Verdict v) {
        values.put("expected", v.expected());
        values.put("spread", v.spread());
        values.put("score", round(v.score()));
        values.put("z", round(v.z()));
        values.put("direction", v.directionName());
        // The names of the EWMA model before, for rule templates written for it.
        values.put("mean", v.expected());
        values.put("stddev", v.spread());
    }

    /**
     * The annotations an anomaly alert carries beside its summary and description: {@code
     * expected}, {@code spread}, {@code score} and {@code direction}.
     */
    static Map<String, String> annotations(Verdict v) {
        Map<String, String> a = new LinkedHashMap<>();
        a.put("expected", Template.number(v.expected()));
        a.put("spread", Template.number(v.spread()));
        a.put("score", Template.number(round(v.score())));
        a.put("direction", v.directionName());
        return a;
    }

    private static double round(double x) {
        return Math.round(x * 100) / 100.0;
    }
}
