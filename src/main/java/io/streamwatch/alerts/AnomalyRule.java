package io.streamwatch.alerts;

import io.streamwatch.anomaly.AnomalyModel;
import io.streamwatch.anomaly.AnomalySettings;
import io.streamwatch.anomaly.AnomalyStateFormat;
import io.streamwatch.anomaly.Verdict;
import io.streamwatch.rules.RuleDefinition;
import io.streamwatch.rules.Template;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an anomaly rule does with one window aggregate of one key, apart from the evaluator's
 * lifecycle: the rule's settings for {@link AnomalyModel}, the key's model read from and written
 * back to its {@link AlertState} (in {@link AnomalyStateFormat}), and the figures an alert shows.
 */
final class AnomalyRule {
    private AnomalyRule() {}

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

    /** The template values of an anomaly alert: the aggregate's, and the model's figures. */
    static Map<String, Object> templateValues(Map<String, Object> vars, Verdict v) {
        Map<String, Object> values = new HashMap<>(vars);
        values.put("expected", v.expected());
        values.put("spread", v.spread());
        values.put("score", round(v.score()));
        values.put("z", round(v.z()));
        values.put("direction", v.directionName());
        // The names of the EWMA model before, for rule templates written for it.
        values.put("mean", v.expected());
        values.put("stddev", v.spread());
        return values;
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
