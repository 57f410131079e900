package io.streamwatch.alerts;

import dev.cel.runtime.CelEvaluationException;
import io.streamwatch.anomaly.Verdict;
import io.streamwatch.config.ConfigProblem;
import io.streamwatch.config.PipelineConfig;
import io.streamwatch.config.StreamwatchConfig;
import io.streamwatch.records.GroupKey;
import io.streamwatch.records.PatternCount;
import io.streamwatch.records.Times;
import io.streamwatch.rules.AggregateSchema;
import io.streamwatch.rules.CompiledRule;
import io.streamwatch.rules.RuleDefinition;
import io.streamwatch.rules.RuleJson;
import io.streamwatch.rules.RuleKind;
import io.streamwatch.rules.RuleLoader;
import io.streamwatch.rules.Template;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evaluates every active rule on each window aggregate of its pipeline and drives each alert
 * through its lifecycle: pending while {@code for} has not passed, FIRING once, silent while it
 * keeps firing, RESOLVED once after {@code resolve_after}, both counted in event time between
 * window ends (see {@link #step}). One record per transition.
 *
 * <p>Keyed by pipeline and group, so all alerts of a group live in one place: threshold and anomaly
 * alerts per metric name, absence alerts per group, new-pattern alerts per pattern. Alert state is
 * keyed Flink state and survives restore. Rules come from the rule files (baked into the job) and
 * from the control topic (broadcast state, surviving restarts); a topic rule overrides a file rule
 * of the same name, and deleting it brings the file rule back. When a rule changes or is deleted,
 * its firing alerts resolve at once with {@code reason} {@code rule_changed} or {@code
 * rule_deleted}.
 */
public class RuleEvaluator
        extends KeyedBroadcastProcessFunction<String, Observation, RuleUpdate, Alert>
        implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;

    /** Topic rules by name, as rule JSON. */
    public static final MapStateDescriptor<String, String> TOPIC_RULES =
            new MapStateDescriptor<>("topic-rules", Types.STRING, Types.STRING);

    private static final char SEP = GroupKey.SEPARATOR;

    /** How many evaluation errors of a rule are logged in full before one a minute. */
    static final int ERRORS_LOGGED_IN_FULL = 3;

    /** After those, at most one a minute (processing time) per rule. */
    static final long ERROR_LOG_INTERVAL_MS = 60_000;

    private static final Logger LOG = LoggerFactory.getLogger(RuleEvaluator.class);

    /**
     * The seen patterns' state TTL: the longest retention a rule may have, and a month for
     * processing time running ahead of event time (a job down or catching up).
     */
    static final Duration SEEN_PATTERNS_BACKSTOP = RuleDefinition.MAX_RETENTION.plusDays(30);

    /**
     * The key, in a group's seen patterns, of the instant of its forgetting timer (pattern keys are
     * {@code rule SEP pattern id}, never empty).
     */
    private static final String FORGET_AT = "";

    private final StreamwatchConfig config;
    private final Map<String, RuleDefinition> fileRules = new LinkedHashMap<>();

    private transient MapStateDescriptor<String, AlertState> alertsDescriptor;
    private transient MapState<String, AlertState> alerts;
    private transient AlertStore store;

    // The key of the element or timer being processed: the alert store's entries are per key.
    private transient String currentKey;
    private transient MapState<String, Long> seenPatterns;

    // Per pipeline: how far before the watermark an aggregate may still start (window size plus
    // allowed lateness).
    private transient Map<String, Long> lateAggregates;
    private transient ListState<String> firingCounts;
    private transient Map<String, AggregateSchema> schemas;
    private transient Map<String, List<String>> groupBy;
    private transient Map<String, List<CompiledRule>> byPipeline;
    private transient boolean dirty;
    private transient MetricGroup metrics;
    private transient Map<String, AtomicLong> firing;
    private transient Counter fired;
    private transient Counter resolved;
    private transient Counter evaluationErrors;

    // Per rule: evaluation errors, those not logged since the last logged one, when that was.
    private transient Map<String, long[]> errorsSeen;

    // Alert transitions not sent until the state that records them is written.
    private transient List<Alert> pending;

    // When this subtask last saw its watermark move (wall clock): tells a stalled input apart
    // from one that is merely slow.
    private transient long watermarkSeen;
    private transient long watermarkMovedAt;

    // The second of the last watermark-watching timer registered by this subtask.
    private transient long tickRegistered;

    // Per pipeline: whether it has one absence rule. Only then is a group's earlier wall-clock
    // absence timer that rule's alone, and safe to delete (timers are per key and instant, not
    // per rule).
    private transient Map<String, Boolean> soleAbsenceRule;

    public RuleEvaluator(StreamwatchConfig config, List<RuleDefinition> rules) {
        this.config = config;
        rules.forEach(r -> fileRules.put(r.name(), r));
    }

    @Override
    public void open(OpenContext openContext) {
        alertsDescriptor =
                new MapStateDescriptor<>(
                        "alerts", Types.STRING, TypeInformation.of(AlertState.class));
        Duration ttl = config.alerts().stateTtl();
        if (ttl != null && !ttl.isZero()) {
            // One entry per rule and group key: without a TTL, every key ever seen stays in the
            // state (and in every checkpoint) forever. Each window's evaluation writes the entry
            // (absence rules: the first aggregate of the window), so only groups silent for the
            // TTL are dropped.
            alertsDescriptor.enableTimeToLive(StateTtlConfig.newBuilder(ttl).build());
        }
        alerts = alertState(getRuntimeContext().getMapState(alertsDescriptor));
        store = new AlertStore(alerts, ttl);
        MapStateDescriptor<String, Long> seen =
                new MapStateDescriptor<>("seen-patterns", Types.STRING, Types.LONG);
        // Each rule forgets a pattern by its own retention in event time (forgetPatterns). The
        // TTL (processing time) is only a backstop, for keys whose event time stops for good:
        // longer than any retention a rule may have, file or topic rule, so it never decides.
        seen.enableTimeToLive(StateTtlConfig.newBuilder(SEEN_PATTERNS_BACKSTOP).build());
        seenPatterns = getRuntimeContext().getMapState(seen);
        lateAggregates = new HashMap<>();
        for (PipelineConfig p : config.pipelines()) {
            Duration lateness = p.allowedLateness() == null ? Duration.ZERO : p.allowedLateness();
            lateAggregates.put(p.name(), p.window().size().plus(lateness).toMillis());
        }
        schemas = new HashMap<>();
        groupBy = new HashMap<>();
        for (PipelineConfig p : config.pipelines()) {
            schemas.put(p.name(), AggregateSchema.of(p));
            groupBy.put(p.name(), p.groupBy());
        }
        dirty = true;
        watermarkSeen = Long.MIN_VALUE;
        watermarkMovedAt = System.currentTimeMillis();
        metrics = getRuntimeContext().getMetricGroup().addGroup("streamwatch");
        fired = metrics.addGroup("status", Alert.FIRING).counter("alertTransitions");
        resolved = metrics.addGroup("status", Alert.RESOLVED).counter("alertTransitions");
        evaluationErrors = metrics.counter("ruleEvaluationErrors");
        errorsSeen = new HashMap<>();
        pending = new ArrayList<>();
        for (Map.Entry<String, AtomicLong> e : firing.entrySet()) {
            registerFiringGauge(e.getKey(), e.getValue());
        }
        // Rule file rules show a gauge from the start, at 0, so dashboards can list them.
        fileRules.keySet().forEach(r -> firing.computeIfAbsent(r, this::newFiringGauge));
    }

    /** The keyed alert state as the evaluator uses it: a test may put a failing one in front. */
    @VisibleForTesting
    MapState<String, AlertState> alertState(MapState<String, AlertState> state) {
        return state;
    }

    /** The count of the {@code ruleEvaluationErrors} metric. */
    @VisibleForTesting
    long evaluationErrorCount() {
        return evaluationErrors.getCount();
    }

    /** This subtask's {@code alertsFiring} gauge of {@code rule}. */
    @VisibleForTesting
    long firingCount(String rule) {
        AtomicLong c = firing.get(rule);
        return c == null ? 0 : c.get();
    }

    // ---------------------------------------------------------------------------------------
    // Aggregates

    @Override
    public void processElement(Observation o, ReadOnlyContext ctx, Collector<Alert> out)
            throws Exception {
        // Left over only by a call that failed (and failed the task).
        pending.clear();
        ensureCompiled(ctx.getBroadcastState(TOPIC_RULES));
        List<CompiledRule> rules = byPipeline.get(o.pipeline);
        if (rules == null || rules.isEmpty()) {
            return;
        }
        currentKey = ctx.getCurrentKey();
        Map<String, Object> vars = variables(o, schemas.get(o.pipeline));
        for (CompiledRule r : rules) {
            if (r.excludes(vars)) {
                // A `field == "literal"` conjunct on a group field or the metric name fails: the
                // condition is false. Skipping the state as well is exact, because those fields
                // are part of the state's key: under this version of the rule, no aggregate of
                // this key ever met the condition, so it has no pending or firing alert to end.
                continue;
            }
            try {
                switch (r.kind()) {
                    case THRESHOLD:
                        threshold(r, o, vars, out);
                        break;
                    case ANOMALY:
                        anomaly(r, o, vars, out);
                        break;
                    case ABSENCE:
                        dataSeen(r, o, vars, ctx, out);
                        break;
                    case NEW_PATTERN:
                        newPatterns(r, o, vars, ctx, out);
                        break;
                    default:
                        break;
                }
            } catch (RuleFailure e) {
                // A rule that fails on one aggregate must not stop the others, or the job. What
                // it did on this aggregate is dropped: the alerts it had not sent yet, and the
                // heap copy of the state, which may hold an object it changed and did not write.
                // (A failure of the state itself is no RuleFailure: it fails the task, which
                // restarts from its last checkpoint.)
                pending.clear();
                store.clear();
                evaluationFailed(r.name(), e, ctx.timerService().currentProcessingTime());
            }
        }
    }

    private void threshold(
            CompiledRule r, Observation o, Map<String, Object> vars, Collector<Alert> out)
            throws Exception {
        String sub = o.name == null ? "" : o.name;
        AlertState stored = store.get(currentKey, r.name(), sub);
        AlertState st = current(stored, r);
        double value = value(r, vars);
        step(r, st, test(r, vars), o, value, r.threshold(), null, vars);
        if (st.status != AlertState.INACTIVE) {
            store.put(currentKey, r.name(), sub, st);
        } else if (stored != null) {
            // An inactive alert carries nothing the next window needs: most aggregates of most
            // groups never meet the condition, and writing their state each time was a state
            // write per aggregate (and an entry per key in every checkpoint).
            store.remove(currentKey, r.name(), sub);
        }
        send(out);
    }

    private void anomaly(
            CompiledRule r, Observation o, Map<String, Object> vars, Collector<Alert> out)
            throws Exception {
        if (!test(r, vars)) {
            return;
        }
        String sub = o.name == null ? "" : o.name;
        AlertState stored = store.get(currentKey, r.name(), sub);
        if (stored != null
                && stored.status == AlertState.FIRING
                && !r.version().equals(stored.ruleVersion)) {
            // The rule reads differently than when it fired (a new rule file, or defaults that
            // changed with a new version, as from the EWMA model to this one): its alert ends
            // as a changed topic rule's does, rather than vanish with the old state.
            emitResolved(
                    stored,
                    o.windowEnd,
                    Double.NaN,
                    "rule changed at " + Times.iso(o.windowEnd),
                    "rule_changed",
                    r.name(),
                    o.pipeline);
        }
        AlertState st = current(stored, r);
        double x = value(r, vars);
        Verdict v = AnomalyRule.observe(AnomalyRule.settings(r.definition()), st, o, x);
        if (v == null) {
            store.put(currentKey, r.name(), sub, st);
            send(out);
            return;
        }
        // Annotations are those of the window that fires: a firing alert keeps its own.
        if (st.status != AlertState.FIRING) {
            st.annotations = AnomalyRule.annotations(v);
        }
        // The threshold is the bound the firing window passed, kept while the alert fires.
        Double bound =
                st.status == AlertState.FIRING
                        ? st.threshold
                        : Double.isNaN(v.bound()) ? null : v.bound();
        step(r, st, v.anomalous(), o, x, bound, null, AnomalyRule.templateValues(vars, v));
        if (st.status != AlertState.FIRING) {
            st.annotations = null;
        }
        store.put(currentKey, r.name(), sub, st);
        send(out);
    }

    private void newPatterns(
            CompiledRule r,
            Observation o,
            Map<String, Object> vars,
            ReadOnlyContext ctx,
            Collector<Alert> out)
            throws Exception {
        RuleDefinition d = r.definition();
        // Resolve last windows' new patterns: they are not new any more.
        List<String> done = new ArrayList<>();
        for (Map.Entry<String, AlertState> e : store.entries()) {
            AlertState st = e.getValue();
            if (e.getKey().startsWith(r.name() + SEP)
                    && st.status == AlertState.FIRING
                    && o.windowStart >= st.lastWindowEnd
                    && o.windowEnd - st.startsAt >= resolveAfter(d, o)) {
                emitResolved(
                        st,
                        o.windowEnd,
                        Double.NaN,
                        "not new any more at " + Times.iso(o.windowEnd),
                        null,
                        r.name(),
                        o.pipeline);
                done.add(e.getKey());
            }
        }
        for (String k : done) {
            store.remove(currentKey, r.name(), k.substring(r.name().length() + 1));
        }
        send(out);
        AlertState learning = state(r, "");
        boolean learned = learning.observations >= d.warmup();
        learning.observations++;
        store.put(currentKey, r.name(), "", learning);
        for (PatternCount p : o.patterns) {
            String seenKey = r.name() + SEP + p.patternId;
            Long lastSeen = seenPatterns.get(seenKey);
            boolean isNew = lastSeen == null || o.windowStart - lastSeen > d.retention().toMillis();
            if (lastSeen == null || o.windowEnd > lastSeen) {
                // (A late update of an older window does not move it back.)
                seenPatterns.put(seenKey, o.windowEnd);
            }
            if (!isNew || !learned) {
                continue;
            }
            AlertState st = state(r, p.patternId);
            Map<String, Object> values = new HashMap<>(vars);
            values.put("pattern", p.pattern);
            values.put("pattern_id", p.patternId);
            values.put("example", p.example);
            step(r, st, true, o, p.count, null, p.patternId, values);
            store.put(currentKey, r.name(), p.patternId, st);
            send(out);
        }
        if (!o.patterns.isEmpty()) {
            armForgetting(forgetAfter(d, o.pipeline) + o.windowEnd, ctx.timerService());
        }
    }

    // ---------------------------------------------------------------------------------------
    // Forgetting seen patterns, in event time

    /**
     * How long after a pattern was last seen it may be forgotten: its rule's retention, plus how
     * far before the watermark an aggregate may still start. Once the watermark has passed that,
     * every aggregate still to come would find it new anyway.
     */
    private long forgetAfter(RuleDefinition d, String pipeline) {
        return d.retention().toMillis() + lateAggregates.getOrDefault(pipeline, 0L);
    }

    /**
     * Makes sure the group's forgetting timer comes at {@code at} or before. One timer per group at
     * a time: it forgets what is due, and arms itself for what is due next.
     */
    private void armForgetting(long at, TimerService timers) throws Exception {
        Long armed = seenPatterns.get(FORGET_AT);
        if (armed == null || at < armed) {
            seenPatterns.put(FORGET_AT, at);
            timers.registerEventTimeTimer(at);
        }
    }

    /**
     * On an event-time timer of the group: forgets the patterns whose rule's retention has passed
     * (and those of rules that are gone, or no longer new-pattern rules), and arms the timer for
     * the next. Other timers of the group (absence rules) find nothing due and read one entry.
     */
    private void forgetPatterns(long timestamp, List<CompiledRule> rules, TimerService timers)
            throws Exception {
        Long armed = seenPatterns.get(FORGET_AT);
        if (armed == null || timestamp < armed) {
            return;
        }
        String pipeline = currentKey.substring(0, currentKey.indexOf(SEP));
        Map<String, Long> after = new HashMap<>();
        for (CompiledRule r : rules) {
            if (r.kind() == RuleKind.NEW_PATTERN) {
                after.put(r.name(), forgetAfter(r.definition(), pipeline));
            }
        }
        List<String> forget = new ArrayList<>();
        long next = Long.MAX_VALUE;
        for (Map.Entry<String, Long> e : seenPatterns.entries()) {
            String k = e.getKey();
            int at = k.indexOf(SEP);
            if (at < 0) {
                continue;
            }
            Long keep = after.get(k.substring(0, at));
            if (keep == null || e.getValue() + keep <= timestamp) {
                forget.add(k);
            } else {
                next = Math.min(next, e.getValue() + keep);
            }
        }
        for (String k : forget) {
            seenPatterns.remove(k);
        }
        if (next == Long.MAX_VALUE) {
            seenPatterns.remove(FORGET_AT);
        } else {
            seenPatterns.put(FORGET_AT, next);
            timers.registerEventTimeTimer(next);
        }
    }

    /** Absence rules on data: a firing absence resolves, and the silence clock restarts. */
    private void dataSeen(
            CompiledRule r,
            Observation o,
            Map<String, Object> vars,
            ReadOnlyContext ctx,
            Collector<Alert> out)
            throws Exception {
        AlertState st = state(r, "");
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
            noteWatermark(
                    ctx.timerService().currentWatermark(),
                    ctx.timerService().currentProcessingTime());
            return;
        }
        long absentFor = r.definition().absentFor().toMillis();
        // Whether the group's event-time timer is armed: one is pending at or before the silence
        // instant whenever the alert is not firing and the group has been seen (see onTimer).
        boolean eventTimerArmed = st.status != AlertState.FIRING && st.lastSeen > 0;
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
            absenceTexts(r, st, o.pipeline, o.evaluationKey());
            emit(st, Alert.FIRING, -1, null, r.name(), o.pipeline);
        }
        if (st.status == AlertState.FIRING) {
            // The summary and description stay as they fired ("no metrics for 120 s"); how long
            // the silence really was, and when data returned, go to the resolve's own fields.
            double silence = (o.windowStart - st.lastSeen) / 1000.0;
            st.lastValue = silence;
            emitResolved(
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
        boolean sole = soleAbsenceRule.getOrDefault(o.pipeline, false);
        long wallClockDueBefore = sole && st.armedAt > 0 ? wallClockDue(st.armedAt, absentFor) : -1;
        st.lastSeen = Math.max(st.lastSeen, o.windowEnd);
        if (r.templatesNameAggregateFields()) {
            // The texts name a field of this aggregate: render them now, while it is here.
            Map<String, String> identity = identity(o, null);
            identity.remove("name");
            renderAbsence(r, st, o.pipeline, identity, vars);
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
        // for every window of every group cost two RocksDB writes each. (The wall-clock timer
        // keeps its delete and register: its firings cannot be told apart from the subtask's
        // watermark ticks, so it cannot move itself on.)
        long due = st.lastSeen + absentFor;
        if (!eventTimerArmed) {
            ctx.timerService().registerEventTimeTimer(due);
        }
        // If the whole input stops, event time stops too: a wall-clock check covers that case.
        long now = ctx.timerService().currentProcessingTime();
        noteWatermark(ctx.timerService().currentWatermark(), now);
        st.armedAt = now;
        long wallClockDue = wallClockDue(now, absentFor);
        if (wallClockDueBefore >= 0 && wallClockDueBefore != wallClockDue) {
            ctx.timerService().deleteProcessingTimeTimer(wallClockDueBefore);
        }
        ctx.timerService().registerProcessingTimeTimer(wallClockDue);
        // A timer a second from now notices the watermark that follows this aggregate. It
        // watches the subtask's watermark, not this group: one per second per subtask does.
        long tick = now / 1000 * 1000 + 1000;
        if (tick != tickRegistered) {
            tickRegistered = tick;
            ctx.timerService().registerProcessingTimeTimer(tick);
        }
        store.put(currentKey, r.name(), "", st);
        send(out);
    }

    /**
     * An absence alert's labels, fingerprint, summary and description, rendered from the group in
     * the evaluator's key ({@code pipeline, group values}) unless the state has them (see {@link
     * #dataSeen}). They come out as rendering them from the group's last aggregate would.
     */
    private void absenceTexts(CompiledRule r, AlertState st, String pipeline, String key) {
        if (st.labels != null) {
            return;
        }
        Map<String, String> identity = new TreeMap<>(GroupKey.toMap(groupBy.get(pipeline), key, 1));
        identity.remove("name");
        Map<String, Object> vars = new HashMap<>();
        schemas.get(pipeline)
                .fields()
                .forEach(
                        (field, type) -> {
                            if (type == AggregateSchema.Type.STRING) {
                                vars.put(field, "");
                            }
                        });
        identity.forEach((field, value) -> vars.put(AggregateSchema.identifier(field), value));
        renderAbsence(r, st, pipeline, identity, vars);
    }

    private static void renderAbsence(
            CompiledRule r,
            AlertState st,
            String pipeline,
            Map<String, String> identity,
            Map<String, Object> vars) {
        long absentFor = r.definition().absentFor().toMillis();
        st.labels = labels(r.definition(), identity);
        st.fingerprint = Fingerprint.of(r.name(), identity);
        Map<String, Object> values = new HashMap<>(vars);
        values.put("value", absentFor / 1000.0);
        values.put("threshold", absentFor / 1000.0);
        putCommon(values, r.definition(), pipeline, st.lastSeen, st.lastSeen + absentFor);
        st.summary = summary(r, values);
        st.description = description(r, values);
    }

    private static long wallClockDue(long armedAt, long absentFor) {
        return (armedAt + absentFor) / 1000 * 1000 + 1000;
    }

    // ---------------------------------------------------------------------------------------
    // Timers: absence

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Alert> out) throws Exception {
        pending.clear();
        ensureCompiled(ctx.getBroadcastState(TOPIC_RULES));
        currentKey = ctx.getCurrentKey();
        String pipeline = currentKey.substring(0, currentKey.indexOf(SEP));
        List<CompiledRule> rules = byPipeline.getOrDefault(pipeline, List.of());
        boolean wallClock = ctx.timeDomain() == TimeDomain.PROCESSING_TIME;
        long watermark = ctx.timerService().currentWatermark();
        noteWatermark(watermark, ctx.timerService().currentProcessingTime());
        if (!wallClock) {
            forgetPatterns(timestamp, rules, ctx.timerService());
        }
        for (CompiledRule r : rules) {
            if (r.kind() != RuleKind.ABSENCE) {
                continue;
            }
            AlertState st = store.get(currentKey, r.name(), "");
            if (st == null || st.status == AlertState.FIRING || st.lastSeen == 0) {
                continue;
            }
            long absentFor = r.definition().absentFor().toMillis();
            long due = st.lastSeen + absentFor;
            boolean silent =
                    wallClock
                            // Only when event time itself has stood still that long.
                            ? timestamp >= st.armedAt + absentFor
                                    && timestamp - watermarkMovedAt >= absentFor
                            : timestamp >= due;
            if (!silent) {
                if (!wallClock && due > timestamp) {
                    // The group sent data since this timer was set (see dataSeen): arm the
                    // timer for its current silence instant. (The group's other event-time
                    // timer, that of forgetPatterns, comes here too: it re-arms the same
                    // instant, which Flink keeps once.)
                    ctx.timerService().registerEventTimeTimer(due);
                }
            } else {
                try {
                    // The texts first: they are the rule's own code, which may fail, and the
                    // state is not changed until they are there.
                    absenceTexts(r, st, pipeline, ctx.getCurrentKey());
                } catch (RuleFailure e) {
                    store.clear();
                    evaluationFailed(r.name(), e, ctx.timerService().currentProcessingTime());
                    continue;
                }
                st.status = AlertState.FIRING;
                st.startsAt = due;
                st.lastValue = absentFor / 1000.0;
                st.firedValue = st.lastValue;
                st.lastWindowStart = st.lastSeen;
                st.lastWindowEnd = due;
                emit(st, Alert.FIRING, -1, null, r.name(), pipeline);
                store.put(currentKey, r.name(), "", st);
                send(out);
            }
        }
    }

    private void noteWatermark(long watermark, long now) {
        if (watermark != watermarkSeen) {
            watermarkSeen = watermark;
            watermarkMovedAt = now;
        }
    }

    // ---------------------------------------------------------------------------------------
    // The lifecycle

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
     */
    private void step(
            CompiledRule r,
            AlertState st,
            boolean condition,
            Observation o,
            double value,
            Double threshold,
            String patternId,
            Map<String, Object> vars) {
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
                render(r, st, o, value, threshold, vars);
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

    private static long resolveAfter(RuleDefinition d, Observation o) {
        return d.resolveAfter() != null ? d.resolveAfter().toMillis() : o.windowEnd - o.windowStart;
    }

    private void render(
            CompiledRule r,
            AlertState st,
            Observation o,
            double value,
            Double threshold,
            Map<String, Object> vars) {
        Map<String, Object> values = new HashMap<>(vars);
        values.put("value", value);
        values.put("threshold", threshold);
        putCommon(values, r.definition(), o.pipeline, o.windowStart, o.windowEnd);
        st.summary = summary(r, values);
        st.description = description(r, values);
    }

    private static void putCommon(
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
    private void emit(
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
    private void emitResolved(
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
    private void send(Collector<Alert> out) {
        for (Alert a : pending) {
            out.collect(a);
            AtomicLong count = firing.computeIfAbsent(a.rule, this::newFiringGauge);
            if (Alert.FIRING.equals(a.status)) {
                fired.inc();
                count.incrementAndGet();
            } else {
                resolved.inc();
                // Not held at 0: after a rescale, this subtask may resolve alerts another one
                // counted (see snapshotState), and the sum over the subtasks must stay right.
                count.decrementAndGet();
            }
        }
        pending.clear();
    }

    // ---------------------------------------------------------------------------------------
    // Evaluation errors

    /**
     * What a rule's own code threw on one aggregate: its CEL programs (a {@link
     * CelEvaluationException}: division by zero, overflow, ...), its fast condition and its
     * templates (runtime exceptions). Only these are caught, around those calls alone: anything
     * else, such as a failure of the state backend, fails the task.
     */
    private static final class RuleFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        RuleFailure(Exception cause) {
            super(cause);
        }
    }

    private static boolean test(CompiledRule r, Map<String, Object> vars) {
        try {
            return r.test(vars);
        } catch (CelEvaluationException | RuntimeException e) {
            throw new RuleFailure(e);
        }
    }

    private static double value(CompiledRule r, Map<String, Object> vars) {
        try {
            return r.value(vars);
        } catch (CelEvaluationException | RuntimeException e) {
            throw new RuleFailure(e);
        }
    }

    private static String summary(CompiledRule r, Map<String, Object> values) {
        try {
            return r.summary(values);
        } catch (RuntimeException e) {
            throw new RuleFailure(e);
        }
    }

    private static String description(CompiledRule r, Map<String, Object> values) {
        try {
            return r.description(values);
        } catch (RuntimeException e) {
            throw new RuleFailure(e);
        }
    }

    /**
     * Counts a rule's failure on the current key and logs it at WARN: the first {@link
     * #ERRORS_LOGGED_IN_FULL} of each rule with their stack trace, then at most one a minute with
     * the number not logged (a rule that fails on every aggregate would flood the log).
     */
    private void evaluationFailed(String rule, RuleFailure failure, long now) {
        evaluationErrors.inc();
        long[] seen = errorsSeen.computeIfAbsent(rule, k -> new long[3]);
        long count = ++seen[0];
        Throwable cause = failure.getCause();
        String key = currentKey.replace(SEP, '/');
        if (count <= ERRORS_LOGGED_IN_FULL) {
            LOG.warn(
                    "Rule {} failed on {} and was skipped for that aggregate ({} errors of this"
                            + " rule so far): {}",
                    rule,
                    key,
                    count,
                    cause.getMessage(),
                    cause);
        } else if (now - seen[2] >= ERROR_LOG_INTERVAL_MS) {
            LOG.warn(
                    "Rule {} failed on {} and was skipped for that aggregate ({} errors of this"
                            + " rule so far, {} not logged since the last logged one): {}",
                    rule,
                    key,
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

    /** Group fields (and metric name, pattern id): what identifies an alert of a rule. */
    private static Map<String, String> identity(Observation o, String patternId) {
        Map<String, String> id = new TreeMap<>(o.group);
        if (o.name != null) {
            id.put("name", o.name);
        }
        if (patternId != null) {
            id.put("pattern_id", patternId);
        }
        return id;
    }

    private static Map<String, String> labels(RuleDefinition d, Map<String, String> identity) {
        Map<String, String> labels = new TreeMap<>(d.labels());
        labels.putAll(identity);
        labels.put("alertname", d.name());
        labels.put("severity", d.severity());
        return labels;
    }

    // ---------------------------------------------------------------------------------------
    // Rule changes

    @Override
    public void processBroadcastElement(RuleUpdate u, Context ctx, Collector<Alert> out)
            throws Exception {
        pending.clear();
        BroadcastState<String, String> topicRules = ctx.getBroadcastState(TOPIC_RULES);
        RuleDefinition before = effective(u.name, topicRules);
        if (u.json == null) {
            topicRules.remove(u.name);
        } else {
            topicRules.put(u.name, u.json);
        }
        RuleDefinition after = effective(u.name, topicRules);
        dirty = true;
        // Below, the keyed state changes behind the store's back.
        store.clear();
        if (before == null
                || (after != null && RuleJson.version(before).equals(RuleJson.version(after)))) {
            return;
        }
        String reason = after == null ? "rule_deleted" : "rule_changed";
        long watermark = ctx.currentWatermark();
        String prefix = before.name() + SEP;
        ctx.applyToKeyedState(
                alertsDescriptor,
                (key, state) -> {
                    List<String> stale = new ArrayList<>();
                    for (Map.Entry<String, AlertState> e : state.entries()) {
                        if (!e.getKey().startsWith(prefix)) {
                            continue;
                        }
                        AlertState st = e.getValue();
                        if (st.status == AlertState.FIRING) {
                            long end = ruleChangeEnd(watermark, st);
                            emitResolved(
                                    st,
                                    end,
                                    Double.NaN,
                                    (after == null ? "rule deleted" : "rule changed")
                                            + " at "
                                            + Times.iso(end),
                                    reason,
                                    before.name(),
                                    before.pipeline());
                        }
                        stale.add(e.getKey());
                    }
                    for (String k : stale) {
                        state.remove(k);
                    }
                    send(out);
                });
    }

    /**
     * When a rule change ends a firing alert: the evaluator's data watermark, but not before the
     * end of the alert's last window (the watermark lags behind the newest pipeline's windows, and
     * before the first watermark it has none). Never a sentinel of Flink's: the watermark is the
     * data input's alone (see {@link io.streamwatch.operators.InterruptibleBroadcastOperator}), and
     * its end-of-input value is no time to send Alertmanager.
     */
    static long ruleChangeEnd(long watermark, AlertState st) {
        boolean eventTime = watermark > Long.MIN_VALUE && watermark < Long.MAX_VALUE - 1;
        return eventTime && watermark > st.lastWindowEnd ? watermark : st.lastWindowEnd;
    }

    private RuleDefinition effective(String name, ReadOnlyBroadcastState<String, String> topic)
            throws Exception {
        String json = topic.get(name);
        if (json != null) {
            return RuleJson.fromTrustedJson(json, RuleControl.SOURCE);
        }
        return fileRules.get(name);
    }

    private void ensureCompiled(ReadOnlyBroadcastState<String, String> topic) throws Exception {
        if (!dirty) {
            return;
        }
        Map<String, RuleDefinition> effective = new LinkedHashMap<>(fileRules);
        for (Map.Entry<String, String> e : topic.immutableEntries()) {
            effective.put(e.getKey(), RuleJson.fromTrustedJson(e.getValue(), RuleControl.SOURCE));
        }
        byPipeline = new HashMap<>();
        for (RuleDefinition d : effective.values()) {
            List<ConfigProblem> problems = new ArrayList<>();
            CompiledRule r = RuleLoader.check(d, config, problems);
            if (r == null) {
                // Rules are checked before they get here (rule files when the job starts, topic
                // rules by RuleControl): only a change of the checks between versions does this.
                evaluationErrors.inc();
                LOG.warn("Rule {} is not active: {}", d.name(), problems);
                continue;
            }
            byPipeline.computeIfAbsent(d.pipeline(), p -> new ArrayList<>()).add(r);
        }
        soleAbsenceRule = new HashMap<>();
        byPipeline.forEach(
                (pipeline, rules) ->
                        soleAbsenceRule.put(
                                pipeline,
                                rules.stream().filter(r -> r.kind() == RuleKind.ABSENCE).count()
                                        == 1));
        dirty = false;
    }

    private AlertState state(CompiledRule r, String sub) throws Exception {
        return current(store.get(currentKey, r.name(), sub), r);
    }

    /** The stored state if it belongs to this version of the rule, else a fresh one. */
    private static AlertState current(AlertState stored, CompiledRule r) {
        if (stored == null || !r.version().equals(stored.ruleVersion)) {
            AlertState st = new AlertState();
            st.ruleVersion = r.version();
            return st;
        }
        return stored;
    }

    /** The CEL variables of an aggregate: INT fields as longs, as CEL wants them. */
    static Map<String, Object> variables(Observation o, AggregateSchema schema) {
        // Sized for every field at once: the default 16 resized on the 13th of a metric's.
        Map<String, Object> vars = new HashMap<>(64);
        for (Map.Entry<String, AggregateSchema.Type> f : schema.fields().entrySet()) {
            String name = f.getKey();
            switch (f.getValue()) {
                case INT:
                    vars.put(name, Math.round(o.numbers.getOrDefault(name, 0.0)));
                    break;
                case DOUBLE:
                    vars.put(name, o.numbers.getOrDefault(name, 0.0));
                    break;
                default:
                    vars.put(name, "");
            }
        }
        for (Map.Entry<String, String> g : o.group.entrySet()) {
            vars.put(AggregateSchema.identifier(g.getKey()), g.getValue());
        }
        if (o.name != null) {
            vars.put("name", o.name);
        }
        return vars;
    }

    // ---------------------------------------------------------------------------------------
    // The alerts-firing gauge survives restarts through operator state.
    //
    // Operator list state is handed out evenly on a rescale, not by key: a subtask's count then
    // holds alerts of keys another subtask owns now, and may even go below 0 as that one resolves
    // them. Each entry goes to exactly one subtask, so the sum over the subtasks stays the number
    // of firing alerts (less any firing alert that alerts.state_ttl dropped without a resolve).
    // Exact per-subtask counts would take a scan of all keyed state on every restore.

    private AtomicLong newFiringGauge(String rule) {
        AtomicLong c = new AtomicLong();
        registerFiringGauge(rule, c);
        return c;
    }

    private void registerFiringGauge(String rule, AtomicLong count) {
        if (metrics != null) {
            metrics.addGroup("rule", rule).gauge("alertsFiring", count::get);
        }
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        List<String> counts = new ArrayList<>();
        firing.forEach((rule, c) -> counts.add(rule + SEP + c.get()));
        firingCounts.update(counts);
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        firingCounts =
                context.getOperatorStateStore()
                        .getListState(new ListStateDescriptor<>("alerts-firing", Types.STRING));
        firing = new HashMap<>();
        for (String entry : firingCounts.get()) {
            int at = entry.lastIndexOf(SEP);
            firing.computeIfAbsent(entry.substring(0, at), k -> new AtomicLong())
                    .addAndGet(Long.parseLong(entry.substring(at + 1)));
        }
    }
}
