package io.streamwatch.alerts;

import io.streamwatch.records.GroupKey;
import io.streamwatch.records.PatternCount;
import io.streamwatch.records.Times;
import io.streamwatch.rules.CompiledRule;
import io.streamwatch.rules.RuleDefinition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A new-pattern rule: an ERROR/FATAL pattern a group has not shown within the rule's retention
 * fires once the group has had {@code warmup} windows, and resolves a window later. Keeps per group
 * one {@link AlertState} counting its windows (entry {@code rule SEP ""}), one per firing pattern
 * ({@code rule SEP pattern id}), and the patterns seen, in {@link SeenPatterns}.
 */
final class NewPatternRule implements RuleKindEvaluator {
    private static final char SEP = GroupKey.SEPARATOR;

    private final CompiledRule rule;
    private final AlertStore store;
    private final AlertLifecycle lifecycle;
    private final SeenPatterns seen;

    /** {@code rule SEP}: the start of this rule's entries' keys. */
    private final String prefix;

    private final long retention;
    private final long forgetAfter;

    /**
     * @param lateAggregate how far before the watermark an aggregate of the rule's pipeline may
     *     still start (window size plus allowed lateness)
     */
    NewPatternRule(
            CompiledRule rule,
            AlertStore store,
            AlertLifecycle lifecycle,
            SeenPatterns seen,
            long lateAggregate) {
        this.rule = rule;
        this.store = store;
        this.lifecycle = lifecycle;
        this.seen = seen;
        this.prefix = rule.name() + SEP;
        this.retention = rule.definition().retention().toMillis();
        this.forgetAfter = retention + lateAggregate;
    }

    @Override
    public CompiledRule rule() {
        return rule;
    }

    /**
     * How long after a pattern was last seen it may be forgotten: the rule's retention, plus how
     * far before the watermark an aggregate may still start. Once the watermark has passed that,
     * every aggregate still to come would find it new anyway.
     */
    long forgetAfter() {
        return forgetAfter;
    }

    /**
     * Resolves the group's pattern alerts of earlier windows, removes their entries and sends the
     * resolves; true when entries of this rule's pattern alerts remain.
     */
    private boolean resolveDone(Observation o, KeyContext k, RuleDefinition d) throws Exception {
        CompiledRule r = rule;
        List<String> done = new ArrayList<>();
        boolean remain = false;
        for (Map.Entry<String, AlertState> e : store.entries()) {
            AlertState st = e.getValue();
            if (!e.getKey().startsWith(prefix) || e.getKey().length() == prefix.length()) {
                continue;
            }
            if (st.status == AlertState.FIRING
                    && o.windowStart >= st.lastWindowEnd
                    && o.windowEnd - st.startsAt >= AlertLifecycle.resolveAfter(d, o)) {
                lifecycle.emitResolved(
                        st,
                        o.windowEnd,
                        Double.NaN,
                        "not new any more at " + Times.iso(o.windowEnd),
                        null,
                        r.name(),
                        o.pipeline);
                done.add(e.getKey());
            } else {
                remain = true;
            }
        }
        for (String key : done) {
            store.remove(k.key, r.name(), key.substring(prefix.length()));
        }
        lifecycle.send(k.out);
        return remain;
    }

    @Override
    public void onAggregate(Observation o, Map<String, Object> vars, KeyContext k)
            throws Exception {
        CompiledRule r = rule;
        RuleDefinition d = r.definition();
        AlertState learning = AlertLifecycle.current(store.get(k.key, r.name(), ""), r);
        if (learning.patternAlerts != AlertState.NO_PATTERN_ALERTS) {
            // Resolve last windows' new patterns: they are not new any more. Looked for only
            // while the group may have one: the look is a scan of the group's whole alert state,
            // for every log aggregate, and most groups have no new pattern most of the time.
            learning.patternAlerts =
                    resolveDone(o, k, d)
                            ? AlertState.MAY_HAVE_PATTERN_ALERTS
                            : AlertState.NO_PATTERN_ALERTS;
        }
        boolean learned = learning.observations >= d.warmup();
        learning.observations++;
        store.put(k.key, r.name(), "", learning);
        for (PatternCount p : o.patterns) {
            String seenKey = prefix + p.patternId;
            Long lastSeen = seen.lastSeen(seenKey);
            boolean isNew = lastSeen == null || o.windowStart - lastSeen > retention;
            if (lastSeen == null || o.windowEnd > lastSeen) {
                // (A late update of an older window does not move it back.)
                seen.put(seenKey, o.windowEnd);
            }
            if (!isNew || !learned) {
                continue;
            }
            if (learning.patternAlerts == AlertState.NO_PATTERN_ALERTS) {
                // Written before the pattern's entry: a failure between the two leaves a look
                // too many, never an alert that no look finds.
                learning.patternAlerts = AlertState.MAY_HAVE_PATTERN_ALERTS;
                store.put(k.key, r.name(), "", learning);
            }
            AlertState st = AlertLifecycle.current(store.get(k.key, r.name(), p.patternId), r);
            Map<String, Object> values = new HashMap<>(vars);
            values.put("pattern", p.pattern);
            values.put("pattern_id", p.patternId);
            values.put("example", p.example);
            lifecycle.step(r, st, true, o, p.count, null, p.patternId, values, null);
            store.put(k.key, r.name(), p.patternId, st);
            lifecycle.send(k.out);
        }
        if (!o.patterns.isEmpty()) {
            seen.armForgetting(forgetAfter + o.windowEnd, k.timers);
        }
    }
}
