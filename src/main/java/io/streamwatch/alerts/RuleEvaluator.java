package io.streamwatch.alerts;

import io.streamwatch.config.ConfigProblem;
import io.streamwatch.config.PipelineConfig;
import io.streamwatch.config.StreamwatchConfig;
import io.streamwatch.operators.KeyedWriteBack;
import io.streamwatch.records.GroupKey;
import io.streamwatch.rules.AggregateSchema;
import io.streamwatch.rules.CompiledRule;
import io.streamwatch.rules.RuleDefinition;
import io.streamwatch.rules.RuleJson;
import io.streamwatch.rules.RuleLoader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Evaluates every active rule on each window aggregate of its pipeline and drives each alert
 * through its lifecycle: pending while {@code for} has not passed, FIRING once, silent while it
 * keeps firing, RESOLVED once after {@code resolve_after}, both counted in event time between
 * window ends (see {@link AlertLifecycle#step}). One record per transition.
 *
 * <p>Keyed by pipeline and group, so all alerts of a group live in one place: threshold and anomaly
 * alerts per metric name, absence alerts per group, new-pattern alerts per pattern. Alert state is
 * keyed Flink state and survives restore. Rules come from the rule files (baked into the job) and
 * from the control topic (broadcast state, surviving restarts); a topic rule overrides a file rule
 * of the same name, and deleting it brings the file rule back. When a rule changes or is deleted,
 * its firing alerts resolve at once with {@code reason} {@code rule_changed} or {@code
 * rule_deleted}.
 *
 * <p>This class is the operator: state handles, the rules of the files and the control topic,
 * timers, and routing each aggregate and timer to the active rules of its pipeline. What a rule
 * does lives in the class of its kind ({@link ThresholdRule}, {@link AnomalyRule}, {@link
 * AbsenceRule}, {@link NewPatternRule}, behind {@link RuleKindEvaluator}), made once per compiled
 * rule; the lifecycle they share is {@link AlertLifecycle}.
 */
public class RuleEvaluator
        extends KeyedBroadcastProcessFunction<String, Observation, RuleUpdate, Alert>
        implements CheckpointedFunction, KeyedWriteBack {
    private static final long serialVersionUID = 1L;

    /** Topic rules by name, as rule JSON. */
    public static final MapStateDescriptor<String, String> TOPIC_RULES =
            new MapStateDescriptor<>("topic-rules", Types.STRING, Types.STRING);

    private static final char SEP = GroupKey.SEPARATOR;

    /** How many evaluation errors of a rule are logged in full before one a minute. */
    static final int ERRORS_LOGGED_IN_FULL = 3;

    /** After those, at most one a minute (processing time) per rule. */
    static final long ERROR_LOG_INTERVAL_MS = 60_000;

    /**
     * The seen patterns' state TTL: the longest retention a rule may have, and a month for
     * processing time running ahead of event time (a job down or catching up).
     */
    static final Duration SEEN_PATTERNS_BACKSTOP = RuleDefinition.MAX_RETENTION.plusDays(30);

    private final StreamwatchConfig config;
    private final Map<String, RuleDefinition> fileRules = new LinkedHashMap<>();

    private transient MapStateDescriptor<String, AlertState> alertsDescriptor;
    private transient AlertStore store;
    private transient SeenPatterns seenPatterns;

    // Rules with `over`: each key's windows of the span (SpanWindows), by rule and sub key.
    private transient MapStateDescriptor<String, byte[]> spansDescriptor;
    private transient MapState<String, byte[]> spans;
    private transient Map<String, PipelineConfig> pipelines;

    // Per pipeline: how far before the watermark an aggregate may still start (window size plus
    // allowed lateness).
    private transient Map<String, Long> lateAggregates;
    private transient ListState<String> firingCounts;
    private transient Map<String, AggregateSchema> schemas;
    private transient Map<String, List<String>> groupBy;

    // Per pipeline: its active rules, each by the evaluator of its kind.
    private transient Map<String, List<RuleKindEvaluator>> byPipeline;
    private transient boolean dirty;
    private transient MetricGroup metrics;
    private transient Map<String, AtomicLong> firing;
    private transient RuleErrors errors;
    private transient AlertLifecycle lifecycle;
    private transient WatermarkWatch watermarkWatch;

    // The key, timers and output of the element or timer being processed, for the rules.
    private transient KeyContext keyContext;

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
        store =
                new AlertStore(
                        alertState(getRuntimeContext().getMapState(alertsDescriptor)),
                        ttl,
                        AlertStore.slotsForHeap(Runtime.getRuntime().maxMemory()));
        MapStateDescriptor<String, Long> seen =
                new MapStateDescriptor<>("seen-patterns", Types.STRING, Types.LONG);
        // Each rule forgets a pattern by its own retention in event time (SeenPatterns). The
        // TTL (processing time) is only a backstop, for keys whose event time stops for good:
        // longer than any retention a rule may have, file or topic rule, so it never decides.
        seen.enableTimeToLive(StateTtlConfig.newBuilder(SEEN_PATTERNS_BACKSTOP).build());
        seenPatterns = new SeenPatterns(getRuntimeContext().getMapState(seen));
        spansDescriptor =
                new MapStateDescriptor<>(
                        "rule-spans",
                        Types.STRING,
                        PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);
        if (ttl != null && !ttl.isZero()) {
            // As the alerts': each evaluation of a rule with `over` writes its key's entry.
            spansDescriptor.enableTimeToLive(StateTtlConfig.newBuilder(ttl).build());
        }
        spans = getRuntimeContext().getMapState(spansDescriptor);
        pipelines = new HashMap<>();
        config.pipelines().forEach(p -> pipelines.put(p.name(), p));
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
        watermarkWatch = new WatermarkWatch(System.currentTimeMillis());
        metrics = getRuntimeContext().getMetricGroup().addGroup("streamwatch");
        lifecycle =
                new AlertLifecycle(
                        metrics.addGroup("status", Alert.FIRING).counter("alertTransitions"),
                        metrics.addGroup("status", Alert.RESOLVED).counter("alertTransitions"),
                        rule -> firing.computeIfAbsent(rule, this::newFiringGauge));
        errors = new RuleErrors(metrics.counter("ruleEvaluationErrors"));
        keyContext = new KeyContext();
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
        return errors.count();
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
        lifecycle.dropUnsent();
        ensureCompiled(ctx.getBroadcastState(TOPIC_RULES));
        List<RuleKindEvaluator> rules = byPipeline.get(o.pipeline);
        if (rules == null || rules.isEmpty()) {
            return;
        }
        KeyContext k = keyContext.set(ctx.getCurrentKey(), ctx.timerService(), out);
        Map<String, Object> vars = variables(o, schemas.get(o.pipeline));
        for (int i = 0; i < rules.size(); i++) {
            RuleKindEvaluator r = rules.get(i);
            if (r.rule().excludes(vars)) {
                // A `field == "literal"` conjunct on a group field or the metric name fails: the
                // condition is false. Skipping the state as well is exact, because those fields
                // are part of the state's key: under this version of the rule, no aggregate of
                // this key ever met the condition, so it has no pending or firing alert to end.
                continue;
            }
            try {
                r.onAggregate(o, vars, k);
            } catch (RuleFailure e) {
                // A rule that fails on one aggregate must not stop the others, or the job. What
                // it did on this aggregate is dropped: the alerts it had not sent yet. (The
                // store hands out copies: an entry it changed and did not write is not in it.
                // A failure of the state itself is no RuleFailure: it fails the task, which
                // restarts from its last checkpoint.)
                lifecycle.dropUnsent();
                errors.failed(
                        r.rule().name(), k.key, e, ctx.timerService().currentProcessingTime());
            }
        }
    }

    // ---------------------------------------------------------------------------------------
    // Timers

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Alert> out) throws Exception {
        lifecycle.dropUnsent();
        ensureCompiled(ctx.getBroadcastState(TOPIC_RULES));
        KeyContext k = keyContext.set(ctx.getCurrentKey(), ctx.timerService(), out);
        String pipeline = k.key.substring(0, k.key.indexOf(SEP));
        List<RuleKindEvaluator> rules = byPipeline.getOrDefault(pipeline, List.of());
        boolean wallClock = ctx.timeDomain() == TimeDomain.PROCESSING_TIME;
        watermarkWatch.note(
                ctx.timerService().currentWatermark(), ctx.timerService().currentProcessingTime());
        if (wallClock && WatermarkWatch.isTick(timestamp)) {
            // The subtask's tick, under whichever key registered it: it only watches the
            // watermark. The key's own wall-clock timers fall on other instants.
            return;
        }
        if (!wallClock) {
            seenPatterns.forgetDue(timestamp, rules, ctx.timerService());
        }
        for (int i = 0; i < rules.size(); i++) {
            rules.get(i).onTimer(timestamp, wallClock, k);
        }
    }

    // ---------------------------------------------------------------------------------------
    // Rule changes

    @Override
    public void processBroadcastElement(RuleUpdate u, Context ctx, Collector<Alert> out)
            throws Exception {
        lifecycle.dropUnsent();
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
                        lifecycle.endByRuleChange(
                                e.getValue(),
                                after == null,
                                ruleChangeEnd(watermark, e.getValue()),
                                before.name(),
                                before.pipeline());
                        stale.add(e.getKey());
                    }
                    for (String k : stale) {
                        state.remove(k);
                    }
                    lifecycle.send(out);
                });
        if (before.over() != null) {
            // The span's windows are the pipeline's figures, and a changed rule of the same span
            // and pipeline could go on with them (SpanWindows checks the span); a deleted rule, or
            // one without a span now, leaves nothing behind.
            boolean keep =
                    after != null
                            && after.over() != null
                            && after.pipeline().equals(before.pipeline());
            if (!keep) {
                ctx.applyToKeyedState(
                        spansDescriptor,
                        (key, state) -> {
                            List<String> stale = new ArrayList<>();
                            for (String k : state.keys()) {
                                if (k.startsWith(prefix)) {
                                    stale.add(k);
                                }
                            }
                            for (String k : stale) {
                                state.remove(k);
                            }
                        });
            }
        }
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
        Map<String, List<CompiledRule>> compiled = new HashMap<>();
        for (RuleDefinition d : effective.values()) {
            List<ConfigProblem> problems = new ArrayList<>();
            CompiledRule r = RuleLoader.check(d, config, problems);
            if (r == null) {
                // Rules are checked before they get here (rule files when the job starts, topic
                // rules by RuleControl): only a change of the checks between versions does this.
                errors.inactive(d.name(), problems);
                continue;
            }
            compiled.computeIfAbsent(d.pipeline(), p -> new ArrayList<>()).add(r);
        }
        byPipeline = new HashMap<>();
        compiled.forEach(
                (pipeline, rules) -> {
                    List<RuleKindEvaluator> kinds = new ArrayList<>(rules.size());
                    for (CompiledRule r : rules) {
                        kinds.add(evaluatorOf(r));
                    }
                    byPipeline.put(pipeline, kinds);
                });
        dirty = false;
    }

    /** The evaluator of one compiled rule, by its kind. */
    private RuleKindEvaluator evaluatorOf(CompiledRule r) {
        String pipeline = r.definition().pipeline();
        switch (r.kind()) {
            case THRESHOLD:
                return overSpan(new ThresholdRule(r, store, lifecycle));
            case ANOMALY:
                return overSpan(new AnomalyRule(r, store, lifecycle));
            case ABSENCE:
                return new AbsenceRule(
                        r,
                        store,
                        lifecycle,
                        errors,
                        watermarkWatch,
                        groupBy.get(pipeline),
                        schemas.get(pipeline));
            case NEW_PATTERN:
                return new NewPatternRule(
                        r,
                        store,
                        lifecycle,
                        seenPatterns,
                        lateAggregates.getOrDefault(pipeline, 0L));
            default:
                throw new IllegalStateException("no evaluator for rule kind " + r.kind());
        }
    }

    /** A threshold or anomaly rule, evaluated over its span when it has {@code over}. */
    private RuleKindEvaluator overSpan(RuleKindEvaluator rule) {
        if (rule.rule().definition().over() == null) {
            return rule;
        }
        PipelineConfig p = pipelines.get(rule.rule().definition().pipeline());
        return new SpanRule(rule, spans, p.kind(), p.window().size().toMillis());
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

    /**
     * Lets the alert state keep its writes on the heap between checkpoints ({@link AlertStore}):
     * {@code keys} is the operator, which the store asks to set the key of an entry it writes out
     * of turn. Called by {@link io.streamwatch.operators.InterruptibleBroadcastOperator} once the
     * function is open.
     */
    @Override
    public void writeBackThrough(org.apache.flink.streaming.api.operators.KeyContext keys) {
        store.writeBack(keys);
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        // Before the keyed state is snapshotted (after this, by the operator's state handler).
        store.flush();
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
