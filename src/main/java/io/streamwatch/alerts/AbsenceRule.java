package io.streamwatch.alerts;

import io.streamwatch.records.GroupKey;
import io.streamwatch.records.Times;
import io.streamwatch.rules.AggregateSchema;
import io.streamwatch.rules.CompiledRule;
import io.streamwatch.rules.Template;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.flink.streaming.api.TimerService;

/**
 * An absence rule: a group seen before that sends nothing for {@code absent_for} of event time
 * fires (on the group's event-time timer, or by the wall clock when all input has stopped), and
 * resolves when its data returns. Keeps per group one {@link AlertState} (entry {@code rule SEP
 * ""}): the end of the newest window seen, when it arrived (wall clock), and while firing the
 * alert's texts.
 */
final class AbsenceRule implements RuleKindEvaluator {
    private final CompiledRule rule;
    private final AlertStore store;
    private final AlertLifecycle lifecycle;
    private final RuleErrors errors;
    private final WatermarkWatch watermark;
    private final long absentFor;

    private final List<String> groupBy;
    private final AggregateSchema schema;

    /**
     * Groups whose state this instance brought up to the window ending at {@link #handledEnd}, by a
     * complete {@link #onAggregate}: another aggregate of that group and window takes the early
     * return there without reading the state. Why: each metric name of a group is an aggregate of
     * its own, and with a million keys the group's entry had left the store's heap copy between two
     * of them, so every one was a RocksDB read (15% of the job's CPU). Only what this instance saw
     * itself: it is made again on a rule change and on restore, and a timer that writes the group's
     * state takes the group out.
     */
    private final Set<String> handled = new HashSet<>();

    private long handledEnd = Long.MIN_VALUE;

    AbsenceRule(
            CompiledRule rule,
            AlertStore store,
            AlertLifecycle lifecycle,
            RuleErrors errors,
            WatermarkWatch watermark,
            List<String> groupBy,
            AggregateSchema schema) {
        this.rule = rule;
        this.store = store;
        this.lifecycle = lifecycle;
        this.errors = errors;
        this.watermark = watermark;
        this.absentFor = rule.definition().absentFor().toMillis();
        this.groupBy = groupBy;
        this.schema = schema;
    }

    @Override
    public CompiledRule rule() {
        return rule;
    }

    /** On data: a firing absence resolves, and the silence clock restarts. */
    @Override
    public void onAggregate(Observation o, Map<String, Object> vars, KeyContext k)
            throws Exception {
        CompiledRule r = rule;
        TimerService timers = k.timers;
        if (o.windowEnd == handledEnd && handled.contains(k.key)) {
            // What the state would say, see below: not firing, and seen up to this window.
            watermark.note(timers.currentWatermark(), timers.currentProcessingTime());
            return;
        }
        AlertState st = AlertLifecycle.current(store.get(k.key, r.name(), ""), r);
        if (st.status != AlertState.FIRING
                && st.lastSeen != 0
                && st.lastSeen >= o.windowEnd
                && !r.templatesNameAggregateFields()) {
            // An earlier aggregate of this window (another metric name of the group, or a late
            // update) did it all already: the silence clock, the event-time timer at the same
            // instant, labels, fingerprint and annotations would come out the same, and writing
            // the state again would only cost. The first aggregate of each window still writes,
            // which keeps the state's TTL fresh. A fresh state (new group or rule version) has
            // lastSeen 0; a firing alert still resolves below.
            watermark.note(timers.currentWatermark(), timers.currentProcessingTime());
            return;
        }
        // Whether the group's event-time timer is armed: one is pending at or before the silence
        // instant whenever the alert is not firing and the group has been seen (see onTimer).
        boolean eventTimerArmed = st.status != AlertState.FIRING && st.lastSeen > 0;
        // Likewise the wall-clock timer: one is pending at or before the wall-clock due of
        // armedAt whenever the alert is not firing and armedAt is set (see onTimer).
        boolean wallClockTimerArmed = st.status != AlertState.FIRING && st.armedAt > 0;
        if (st.status != AlertState.FIRING
                && st.lastSeen > 0
                && o.windowStart - st.lastSeen >= absentFor) {
            // The gap shows in the data itself, though no timer saw it: event time of this
            // pipeline ran ahead of the evaluator's watermark (another pipeline lags, as in a
            // replay). Report the silence it was.
            st.status = AlertState.FIRING;
            st.startsAt = st.lastSeen + absentFor;
            st.lastValue = absentFor / 1000.0;
            st.firedValue = st.lastValue;
            st.lastWindowStart = st.lastSeen;
            st.lastWindowEnd = st.startsAt;
            texts(st, o.pipeline, o.evaluationKey());
            lifecycle.emit(st, Alert.FIRING, -1, null, r.name(), o.pipeline);
        }
        if (st.status == AlertState.FIRING) {
            // The summary and description stay as they fired ("no metrics for 120 s"); how long
            // the silence really was, and when data returned, go to the resolve's own fields.
            double silence = (o.windowStart - st.lastSeen) / 1000.0;
            st.lastValue = silence;
            lifecycle.emitResolved(
                    st,
                    o.windowStart,
                    silence,
                    "data again from "
                            + Times.iso(o.windowStart)
                            + ", after "
                            + Template.number(silence)
                            + " s without",
                    null,
                    r.name(),
                    o.pipeline);
            st.status = AlertState.INACTIVE;
        }
        st.lastSeen = Math.max(st.lastSeen, o.windowEnd);
        if (r.templatesNameAggregateFields()) {
            // The texts name a field of this aggregate: render them now, while it is here.
            Map<String, String> identity = AlertLifecycle.identity(o, null);
            identity.remove("name");
            render(st, o.pipeline, identity, vars);
        } else {
            // Labels and texts follow from the group (the state's key) and lastSeen alone:
            // rendered when the alert fires, and not kept in the state of every silent group.
            st.labels = null;
            st.fingerprint = null;
            st.summary = null;
            st.description = null;
        }
        st.threshold = absentFor / 1000.0;
        // The event-time timer is registered only when none is armed (a new group, or after the
        // alert fired); an armed one that comes due before the group's current silence instant
        // registers that instant then (onTimer), so the alert fires at the same watermark, in
        // the same timestamp order. Deleting the previous timer and registering the next one
        // for every window of every group cost two RocksDB writes each.
        long due = st.lastSeen + absentFor;
        if (!eventTimerArmed) {
            timers.registerEventTimeTimer(due);
        }
        // If the whole input stops, event time stops too: a wall-clock check covers that case.
        // Its timer moves itself on the same way (onTimer): a delete and a register per window
        // and group were 5% of the job's CPU at a million keys.
        long now = timers.currentProcessingTime();
        watermark.note(timers.currentWatermark(), now);
        st.armedAt = now;
        if (!wallClockTimerArmed) {
            timers.registerProcessingTimeTimer(wallClockDue(now));
        }
        // A timer a second from now notices the watermark that follows this aggregate. It
        // watches the subtask's watermark, not this group: one per second per subtask does.
        long tick = WatermarkWatch.tickAfter(now);
        if (watermark.registerTick(tick)) {
            timers.registerProcessingTimeTimer(tick);
        }
        store.put(k.key, r.name(), "", st);
        lifecycle.send(k.out);
        if (!r.templatesNameAggregateFields() && o.windowEnd >= handledEnd) {
            // The state now holds a status other than firing and lastSeen >= this window's end.
            if (o.windowEnd > handledEnd) {
                handled.clear();
                handledEnd = o.windowEnd;
            }
            handled.add(k.key);
        }
    }

    /** On a timer of the group: fires once the group has been silent for {@code absent_for}. */
    @Override
    public void onTimer(long timestamp, boolean wallClock, KeyContext k) throws Exception {
        CompiledRule r = rule;
        // Whatever follows may write the group's state: its next aggregate reads it again.
        handled.remove(k.key);
        AlertState st = store.get(k.key, r.name(), "");
        if (st == null || st.status == AlertState.FIRING || st.lastSeen == 0) {
            return;
        }
        long due = st.lastSeen + absentFor;
        boolean silent =
                wallClock
                        // Only when event time itself has stood still that long.
                        ? timestamp >= st.armedAt + absentFor
                                && timestamp - watermark.movedAt() >= absentFor
                        : timestamp >= due;
        if (!silent) {
            if (!wallClock && due > timestamp) {
                // The group sent data since this timer was set (see onAggregate): arm the timer
                // for its current silence instant. (The group's other event-time timer, that of
                // SeenPatterns, comes here too: it re-arms the same instant, which Flink keeps
                // once.)
                k.timers.registerEventTimeTimer(due);
            } else if (wallClock && st.armedAt > 0) {
                long next = wallClockDue(st.armedAt);
                if (next > timestamp) {
                    // The group sent data since this timer was set: check again absent_for after
                    // its latest.
                    k.timers.registerProcessingTimeTimer(next);
                } else {
                    // Silent that long, but the watermark moved lately: the event-time timer
                    // sees this silence. None stays armed on the wall clock (armedAt 0 says so,
                    // and any later instant is past it anyway): the next aggregate arms one.
                    st.armedAt = 0;
                    store.put(k.key, r.name(), "", st);
                }
            }
            return;
        }
        String pipeline = k.key.substring(0, k.key.indexOf(GroupKey.SEPARATOR));
        try {
            // The texts first: they are the rule's own code, which may fail, and the state is not
            // changed until they are there.
            texts(st, pipeline, k.key);
        } catch (RuleFailure e) {
            store.clear();
            errors.failed(r.name(), k.key, e, k.timers.currentProcessingTime());
            return;
        }
        st.status = AlertState.FIRING;
        st.startsAt = due;
        st.lastValue = absentFor / 1000.0;
        st.firedValue = st.lastValue;
        st.lastWindowStart = st.lastSeen;
        st.lastWindowEnd = due;
        lifecycle.emit(st, Alert.FIRING, -1, null, r.name(), pipeline);
        store.put(k.key, r.name(), "", st);
        lifecycle.send(k.out);
    }

    /**
     * The alert's labels, fingerprint, summary and description, rendered from the group in the
     * evaluator's key ({@code pipeline, group values}) unless the state has them (see {@link
     * #onAggregate}). They come out as rendering them from the group's last aggregate would.
     */
    private void texts(AlertState st, String pipeline, String key) {
        if (st.labels != null) {
            return;
        }
        Map<String, String> identity = new TreeMap<>(GroupKey.toMap(groupBy, key, 1));
        identity.remove("name");
        Map<String, Object> vars = new HashMap<>();
        schema.fields()
                .forEach(
                        (field, type) -> {
                            if (type == AggregateSchema.Type.STRING) {
                                vars.put(field, "");
                            }
                        });
        identity.forEach((field, value) -> vars.put(AggregateSchema.identifier(field), value));
        render(st, pipeline, identity, vars);
    }

    private void render(
            AlertState st,
            String pipeline,
            Map<String, String> identity,
            Map<String, Object> vars) {
        CompiledRule r = rule;
        st.labels = AlertLifecycle.labels(r.definition(), identity);
        st.fingerprint = Fingerprint.of(r.name(), identity);
        Map<String, Object> values = new HashMap<>(vars);
        values.put("value", absentFor / 1000.0);
        values.put("threshold", absentFor / 1000.0);
        AlertLifecycle.putCommon(
                values, r.definition(), pipeline, st.lastSeen, st.lastSeen + absentFor);
        st.summary = RuleFailure.summary(r, values);
        st.description = RuleFailure.description(r, values);
    }

    private long wallClockDue(long armedAt) {
        return (armedAt + absentFor) / 1000 * 1000 + 1000;
    }
}
