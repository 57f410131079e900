package io.streamwatch.alerts;

import io.streamwatch.anomaly.Verdict;
import io.streamwatch.records.Times;
import io.streamwatch.rules.CompiledRule;
import io.streamwatch.rules.RuleDefinition;
import io.streamwatch.rules.Template;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;

/**
 * The alert lifecycle every rule kind shares: pending while {@code for} has not passed, FIRING
 * once, silent while it keeps firing, RESOLVED once after {@code resolve_after}, both counted in
 * event time between window ends (see {@link #step}); one record per transition, sent only once the
 * state that records it is written ({@link #emit}, then {@link #send}).
 */
final class AlertLifecycle {
    private final Counter fired;
    private final Counter resolved;
    private final Function<String, AtomicLong> firingGauge;

    // Alert transitions not sent until the state that records them is written.
    private final List<Alert> pending = new ArrayList<>();

    /**
     * @param firingGauge the {@code alertsFiring} count of a rule, made on first use
     */
    AlertLifecycle(Counter fired, Counter resolved, Function<String, AtomicLong> firingGauge) {
        this.fired = fired;
        this.resolved = resolved;
        this.firingGauge = firingGauge;
    }

    /** The stored state if it belongs to this version of the rule, else a fresh one. */
    static AlertState current(AlertState stored, CompiledRule r) {
        if (stored == null || !r.version().equals(stored.ruleVersion)) {
            AlertState st = new AlertState();
            st.ruleVersion = r.version();
            return st;
        }
        return stored;
    }

    /**
     * One window's verdict for one alert: moves it between inactive, pending and firing, and emits
     * a record only on FIRING and RESOLVED.
     *
     * <p>A window's aggregate says how the group was over the whole window, so the condition holds
     * over the event time its matching windows cover. {@code for}: the alert is pending from the
     * start of the first window that matched, and fires at the end of a matching window once the
     * span from that start to this end reaches {@code for}, every window with data in between
     * having matched (with 1m windows: {@code for: 1m} fires at the first matching window, {@code
     * for: 2m} at the second). A window without an aggregate of the key (no data) is not an
     * evaluation: it neither breaks nor extends a run, so sparse keys fire and resolve too. {@code
     * resolve_after} likewise from the start of the first window that does not match; by default
     * one window, i.e. the first window that does not match resolves.
     *
     * <p>{@code vars} are the aggregate's template values; an anomaly rule's {@code figures} (null
     * for other kinds) are added to them only when the alert fires and its texts are rendered.
     */
    void step(
            CompiledRule r,
            AlertState st,
            boolean condition,
            Observation o,
            double value,
            Double threshold,
            String patternId,
            Map<String, Object> vars,
            Verdict figures) {
        RuleDefinition d = r.definition();
        long at = o.windowEnd;
        st.lastValue = value;
        st.threshold = threshold;
        st.lastWindowStart = o.windowStart;
        if (condition) {
            st.falseSince = -1;
            if (st.status == AlertState.INACTIVE) {
                st.status = AlertState.PENDING;
                st.pendingSince = o.windowStart;
            }
            if (st.status == AlertState.PENDING
                    && at - st.pendingSince >= d.forDuration().toMillis()) {
                st.status = AlertState.FIRING;
                st.startsAt = at;
                // Built only here: most aggregates never fire, and this was a sorted copy of the
                // group for each of them.
                Map<String, String> identity = identity(o, patternId);
                st.labels = labels(d, identity);
                st.fingerprint = Fingerprint.of(r.name(), identity);
                render(r, st, o, value, threshold, vars, figures);
                st.firedValue = value;
                st.lastWindowEnd = at;
                emit(st, Alert.FIRING, -1, null, r.name(), o.pipeline);
            }
        } else if (st.status == AlertState.PENDING) {
            st.status = AlertState.INACTIVE;
        } else if (st.status == AlertState.FIRING) {
            if (st.falseSince < 0) {
                st.falseSince = o.windowStart;
            }
            if (at - st.falseSince >= resolveAfter(d, o)) {
                // The annotations stay as they were rendered when the alert fired: rendered again
                // here they said "error ratio 1.1% > 5.0%". What resolved it is said apart.
                st.lastWindowEnd = at;
                emitResolved(
                        st,
                        at,
                        value,
                        resolvedText(at, value, threshold),
                        null,
                        r.name(),
                        o.pipeline);
                st.status = AlertState.INACTIVE;
                st.falseSince = -1;
            }
        }
        st.lastWindowEnd = at;
    }

    static long resolveAfter(RuleDefinition d, Observation o) {
        return d.resolveAfter() != null ? d.resolveAfter().toMillis() : o.windowEnd - o.windowStart;
    }

    private static void render(
            CompiledRule r,
            AlertState st,
            Observation o,
            double value,
            Double threshold,
            Map<String, Object> vars,
            Verdict figures) {
        Map<String, Object> values = new HashMap<>(vars);
        if (figures != null) {
            AnomalyRule.putFigures(values, figures);
        }
        values.put("value", value);
        values.put("threshold", threshold);
        putCommon(values, r.definition(), o.pipeline, o.windowStart, o.windowEnd);
        st.summary = RuleFailure.summary(r, values);
        st.description = RuleFailure.description(r, values);
    }

    /** The template values every rule has: its name, severity and labels, pipeline and window. */
    static void putCommon(
            Map<String, Object> values, RuleDefinition d, String pipeline, long start, long end) {
        values.put("rule", d.name());
        values.put("severity", d.severity());
        values.put("pipeline", pipeline);
        values.put("window_start", Times.iso(start));
        values.put("window_end", Times.iso(end));
        d.labels().forEach(values::putIfAbsent);
    }

    /**
     * An alert transition, sent by {@link #send} once the state that records it is written: were
     * the write to fail, the task restarts from its last checkpoint and the transition comes again
     * (and only then).
     */
    void emit(
            AlertState st,
            String status,
            long endsAt,
            String reason,
            String rule,
            String pipeline) {
        Alert a = new Alert();
        a.fingerprint = st.fingerprint;
        a.status = status;
        a.labels = st.labels;
        a.summary = st.summary;
        a.description = st.description;
        a.annotations = st.annotations;
        a.startsAt = st.startsAt;
        a.endsAt = endsAt;
        a.value = st.lastValue;
        a.threshold = st.threshold;
        a.windowStart = st.lastWindowStart;
        a.windowEnd = st.lastWindowEnd;
        a.rule = rule;
        a.pipeline = pipeline;
        a.reason = reason;
        pending.add(a);
    }

    /**
     * A RESOLVED transition: the alert as it fired (labels, annotations, {@code value}: the value
     * it fired with), plus what resolved it: {@code resolvedText} (annotation {@code resolved}),
     * the resolving value (NaN when there is none) and its event time.
     */
    void emitResolved(
            AlertState st,
            long at,
            double resolvedValue,
            String resolvedText,
            String reason,
            String rule,
            String pipeline) {
        emit(st, Alert.RESOLVED, at, reason, rule, pipeline);
        Alert a = pending.get(pending.size() - 1);
        if (!Double.isNaN(st.firedValue)) {
            // (State written before firedValue existed has NaN: its last value stands in.)
            a.value = st.firedValue;
        }
        a.resolvedValue = resolvedValue;
        a.resolvedAt = at;
        a.resolvedText = resolvedText;
    }

    /**
     * One stored alert of a rule's version before a change ({@code deleted}: the rule is gone),
     * whatever the kind: a firing alert resolves at {@code end} with {@code reason} {@code
     * rule_changed} or {@code rule_deleted}; the caller removes the entry.
     */
    void endByRuleChange(AlertState st, boolean deleted, long end, String rule, String pipeline) {
        if (st.status == AlertState.FIRING) {
            emitResolved(
                    st,
                    end,
                    Double.NaN,
                    (deleted ? "rule deleted" : "rule changed") + " at " + Times.iso(end),
                    deleted ? "rule_deleted" : "rule_changed",
                    rule,
                    pipeline);
        }
    }

    /** The {@code resolved} annotation of a threshold or anomaly alert. */
    static String resolvedText(long at, double value, Double threshold) {
        StringBuilder b = new StringBuilder("resolved at ").append(Times.iso(at));
        if (!Double.isNaN(value)) {
            b.append(": value ").append(Template.number(value));
            if (threshold != null) {
                b.append(", threshold ").append(Template.number(threshold));
            }
        }
        return b.toString();
    }

    /** Sends the transitions {@link #emit}ted: call once the state that records them is written. */
    void send(Collector<Alert> out) {
        for (Alert a : pending) {
            out.collect(a);
            AtomicLong count = firingGauge.apply(a.rule);
            if (Alert.FIRING.equals(a.status)) {
                fired.inc();
                count.incrementAndGet();
            } else {
                resolved.inc();
                // Not held at 0: after a rescale, this subtask may resolve alerts another one
                // counted (see RuleEvaluator#snapshotState), and the sum over the subtasks must
                // stay right.
                count.decrementAndGet();
            }
        }
        pending.clear();
    }

    /** Drops the transitions not sent: those of a call that failed. */
    void dropUnsent() {
        pending.clear();
    }

    /** Group fields (and metric name, pattern id): what identifies an alert of a rule. */
    static Map<String, String> identity(Observation o, String patternId) {
        Map<String, String> id = new TreeMap<>(o.group);
        if (o.name != null) {
            id.put("name", o.name);
        }
        if (patternId != null) {
            id.put("pattern_id", patternId);
        }
        return id;
    }

    static Map<String, String> labels(RuleDefinition d, Map<String, String> identity) {
        Map<String, String> labels = new TreeMap<>(d.labels());
        labels.putAll(identity);
        labels.put("alertname", d.name());
        labels.put("severity", d.severity());
        return labels;
    }
}
