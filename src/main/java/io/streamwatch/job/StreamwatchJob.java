package io.streamwatch.job;

import io.streamwatch.aggregation.LogAccumulator;
import io.streamwatch.aggregation.LogAggregateFunction;
import io.streamwatch.aggregation.LogWindowFunction;
import io.streamwatch.aggregation.MetricAccumulator;
import io.streamwatch.aggregation.MetricAggregateFunction;
import io.streamwatch.aggregation.MetricWindowFunction;
import io.streamwatch.aggregation.PreAggregator;
import io.streamwatch.aggregation.TemplateAssigner;
import io.streamwatch.alerts.Alert;
import io.streamwatch.alerts.Observation;
import io.streamwatch.alerts.Observations;
import io.streamwatch.alerts.RuleControl;
import io.streamwatch.alerts.RuleEvaluator;
import io.streamwatch.alerts.RuleRecord;
import io.streamwatch.alerts.RuleUpdate;
import io.streamwatch.config.CheckpointConfig;
import io.streamwatch.config.Durations;
import io.streamwatch.config.PipelineConfig;
import io.streamwatch.config.PipelineKind;
import io.streamwatch.config.PreAggregationConfig;
import io.streamwatch.config.StreamwatchConfig;
import io.streamwatch.config.WindowConfig;
import io.streamwatch.functions.DecodedRouter;
import io.streamwatch.operators.CumulativeToDelta;
import io.streamwatch.operators.InterruptibleBroadcastOperator;
import io.streamwatch.operators.InterruptibleWindowOperator;
import io.streamwatch.operators.WindowAggregateOperator;
import io.streamwatch.records.DeadLetter;
import io.streamwatch.records.Decoded;
import io.streamwatch.records.KafkaMessage;
import io.streamwatch.records.LogAggregate;
import io.streamwatch.records.LogEvent;
import io.streamwatch.records.MetricAggregate;
import io.streamwatch.records.MetricPoint;
import io.streamwatch.rules.RuleDefinition;
import io.streamwatch.sinks.AlertEncoder;
import io.streamwatch.sinks.DeadLetterEncoder;
import io.streamwatch.sinks.KafkaSinks;
import io.streamwatch.sinks.LateEventEncoder;
import io.streamwatch.sinks.LogAggregateEncoder;
import io.streamwatch.sinks.MetricAggregateEncoder;
import io.streamwatch.sinks.RuleStatusEncoder;
import io.streamwatch.sources.FetchActivityReporter;
import io.streamwatch.sources.FetchAwareIdleness;
import io.streamwatch.sources.KafkaSources;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.BoundedOutOfOrdernessWatermarks;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend.PriorityQueueStateType;
import org.apache.flink.state.rocksdb.RocksDBConfigurableOptions;
import org.apache.flink.state.rocksdb.RocksDBOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.assigners.SlidingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.assigners.WindowAssigner;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.OutputTag;

/**
 * The Streamwatch pipeline, in one place. Per configured pipeline: a source that decodes records
 * and assigns event time, a router that sends bad records to the dead-letter output, keyed
 * event-time windows that fold events into small accumulators, and an encoder and sink for the
 * aggregates. Dead letters and late events of all pipelines go to one sink each.
 *
 * <p>Sources and sinks come from the constructor, so tests plug in their own; {@link #runOnKafka}
 * wires the real Kafka ones.
 */
public final class StreamwatchJob {

    /** Makes the job's sources. */
    public interface Sources {
        /** The source of a pipeline: decoded events with their event time. */
        Source<Decoded, ?, ?> pipeline(PipelineConfig pipeline);

        /** The rule control topic. */
        Source<RuleRecord, ?, ?> ruleControl();
    }

    /** Makes the sink of an output topic; {@code name} is unique within the job. */
    @FunctionalInterface
    public interface Sinks {
        Sink<KafkaMessage> create(String topic, String name);
    }

    private final StreamwatchConfig config;
    private final List<RuleDefinition> rules;
    private final Sources sources;
    private final Sinks sinks;
    private boolean watermarkPerEvent;

    /**
     * @param rules the checked rules of the rule files
     */
    public StreamwatchJob(
            StreamwatchConfig config, List<RuleDefinition> rules, Sources sources, Sinks sinks) {
        this.config = config;
        this.rules = List.copyOf(rules);
        this.sources = sources;
        this.sinks = sinks;
    }

    /**
     * Emits a watermark after every event instead of periodically. For bounded replays (rule tests,
     * backtests), whose records arrive faster than the periodic watermark: without it, event time
     * would jump to the end at once and timers would see the data out of order.
     */
    public StreamwatchJob watermarkEveryEvent() {
        this.watermarkPerEvent = true;
        return this;
    }

    /** Adds the whole pipeline to {@code env}. */
    public void build(StreamExecutionEnvironment env) {
        if (config.parallelism() > 0) {
            env.setParallelism(config.parallelism());
        }
        List<DataStream<DeadLetter>> deadLetters = new ArrayList<>();
        List<DataStream<KafkaMessage>> lateEvents = new ArrayList<>();
        List<DataStream<Observation>> observations = new ArrayList<>();
        for (PipelineConfig p : config.pipelines()) {
            DataStream<Decoded> decoded =
                    env.fromSource(
                                    sources.pipeline(p),
                                    watermarkPerEvent
                                            ? watermarksPerEvent(p)
                                            : watermarks(p, KafkaSources.clientIdPrefix(config, p)),
                                    "Read " + p.topic() + " (" + p.name() + ")")
                            .uid("source-" + p.name());
            DataStream<KafkaMessage> aggregates =
                    p.kind() == PipelineKind.LOGS
                            ? logPipeline(p, decoded, deadLetters, lateEvents, observations)
                            : metricPipeline(p, decoded, deadLetters, lateEvents, observations);
            aggregates
                    .sinkTo(sinks.create(p.outputTopic(), p.name() + "-aggregates"))
                    .name("Write " + p.outputTopic())
                    .uid("sink-" + p.name());
        }
        union(deadLetters)
                .map(new DeadLetterEncoder())
                .name("Encode dead letters")
                .uid("encode-dead-letters")
                .sinkTo(sinks.create(config.deadLetterTopic(), "dead-letters"))
                .name("Write " + config.deadLetterTopic())
                .uid("sink-dead-letters");
        union(lateEvents)
                .sinkTo(sinks.create(config.lateEventsTopic(), "late-events"))
                .name("Write " + config.lateEventsTopic())
                .uid("sink-late-events");
        if (config.alerts().controlTopic() != null) {
            alerting(env, observations);
        } else if (!rules.isEmpty()) {
            throw new IllegalArgumentException("alert rules need alerts.control_topic");
        }
    }

    /**
     * Rule changes from the control topic are checked by one task and broadcast to the evaluators,
     * which are keyed by pipeline and group; alert transitions go to the alerts topic.
     */
    private void alerting(
            StreamExecutionEnvironment env, List<DataStream<Observation>> observations) {
        String control = config.alerts().controlTopic();
        String status = config.alerts().statusTopic();
        String alertsTopic = config.alerts().topic();
        SingleOutputStreamOperator<RuleUpdate> updates =
                env.fromSource(
                                sources.ruleControl(),
                                noEventTime(),
                                "Read " + control + " (rule changes)")
                        .setParallelism(1)
                        .uid("source-rules")
                        .process(new RuleControl(config))
                        .setParallelism(1)
                        .name("Check rule changes")
                        .uid("check-rules");
        updates.getSideOutput(RuleControl.STATUS)
                .map(new RuleStatusEncoder())
                .setParallelism(1)
                .name("Encode rule status")
                .uid("encode-rule-status")
                .sinkTo(sinks.create(status, "rule-status"))
                .setParallelism(1)
                .name("Write " + status)
                .uid("sink-rule-status");
        union(observations)
                .keyBy(Observation::evaluationKey, Types.STRING)
                .connect(updates.broadcast())
                .transform(
                        "Evaluate alert rules",
                        TypeInformation.of(Alert.class),
                        new InterruptibleBroadcastOperator<>(
                                new RuleEvaluator(config, rules),
                                List.of(RuleEvaluator.TOPIC_RULES)))
                .uid("evaluate-rules")
                .map(new AlertEncoder())
                .name("Encode alerts")
                .uid("encode-alerts")
                .sinkTo(sinks.create(alertsTopic, "alerts"))
                .name("Write " + alertsTopic)
                .uid("sink-alerts");
    }

    /**
     * Rule changes carry no event time, and no watermarks: the evaluator takes its event time from
     * the aggregates alone (its operator ignores the broadcast input's watermarks, see {@link
     * InterruptibleBroadcastOperator}).
     */
    static <T> WatermarkStrategy<T> noEventTime() {
        return WatermarkStrategy.noWatermarks();
    }

    private DataStream<KafkaMessage> logPipeline(
            PipelineConfig p,
            DataStream<Decoded> decoded,
            List<DataStream<DeadLetter>> deadLetters,
            List<DataStream<KafkaMessage>> lateEvents,
            List<DataStream<Observation>> observations) {
        SingleOutputStreamOperator<LogEvent> events =
                decoded.process(new DecodedRouter.Logs())
                        .name("Route " + p.name())
                        .uid("route-" + p.name());
        deadLetters.add(events.getSideOutput(DecodedRouter.DEAD_LETTERS));
        OutputTag<LogEvent> late =
                new OutputTag<>("late-" + p.name(), TypeInformation.of(LogEvent.class));
        SingleOutputStreamOperator<LogAggregate> windows =
                logWindows(p, withTemplates(p, preAggregated(p, events)), late);
        observations.add(
                windows.map(new Observations.Logs())
                        .name("Observe " + p.name())
                        .uid("observe-" + p.name()));
        DataStream<KafkaMessage> out =
                windows.map(new LogAggregateEncoder())
                        .name("Encode " + p.name() + " aggregates")
                        .uid("encode-" + p.name());
        lateEvents.add(
                windows.getSideOutput(late)
                        .map(
                                new LateEventEncoder.Logs(
                                        p.name(),
                                        p.groupBy(),
                                        config.limits().deadLetterRawBytes()))
                        .name("Encode " + p.name() + " late events")
                        .uid("encode-late-" + p.name()));
        return out;
    }

    private DataStream<KafkaMessage> metricPipeline(
            PipelineConfig p,
            DataStream<Decoded> decoded,
            List<DataStream<DeadLetter>> deadLetters,
            List<DataStream<KafkaMessage>> lateEvents,
            List<DataStream<Observation>> observations) {
        boolean otel = p.format().equals("otel");
        SingleOutputStreamOperator<MetricPoint> events =
                decoded.process(
                                otel
                                        ? new DecodedRouter.OtelMetrics()
                                        : new DecodedRouter.Metrics())
                        .name("Route " + p.name())
                        .uid("route-" + p.name());
        deadLetters.add(events.getSideOutput(DecodedRouter.DEAD_LETTERS));
        OutputTag<MetricPoint> late =
                new OutputTag<>("late-" + p.name(), TypeInformation.of(MetricPoint.class));
        DataStream<MetricPoint> points = preAggregated(p, events);
        if (otel) {
            points = points.union(deltas(p, events));
        }
        SingleOutputStreamOperator<MetricAggregate> windows = metricWindows(p, points, late);
        observations.add(
                windows.map(new Observations.Metrics())
                        .name("Observe " + p.name())
                        .uid("observe-" + p.name()));
        DataStream<KafkaMessage> out =
                windows.map(new MetricAggregateEncoder())
                        .name("Encode " + p.name() + " aggregates")
                        .uid("encode-" + p.name());
        lateEvents.add(
                windows.getSideOutput(late)
                        .map(
                                new LateEventEncoder.Metrics(
                                        p.name(),
                                        p.groupBy(),
                                        config.limits().deadLetterRawBytes()))
                        .name("Encode " + p.name() + " late events")
                        .uid("encode-late-" + p.name()));
        return out;
    }

    /**
     * The cumulative points of an otel pipeline as deltas per series ({@link CumulativeToDelta}),
     * keyed by series. Only otel pipelines have it; their other points do not pass through it.
     */
    @VisibleForTesting
    static DataStream<MetricPoint> deltas(
            PipelineConfig p, SingleOutputStreamOperator<MetricPoint> routed) {
        return routed.getSideOutput(DecodedRouter.OtelMetrics.CUMULATIVE)
                .keyBy(o -> o.series, Types.STRING)
                .process(new CumulativeToDelta(), TypeInformation.of(MetricPoint.class))
                .name("Cumulative to delta " + p.name())
                .uid("cumulative-to-delta-" + p.name());
    }

    /**
     * The pipeline's events, combined per key and tumbling window in the source task (see {@link
     * PreAggregator}) unless {@code pre_aggregation.enabled} is off or the windows slide. Chained
     * to the source, so the windows after the keyBy receive partials instead of single events.
     */
    @VisibleForTesting
    static <T> DataStream<T> preAggregated(PipelineConfig p, SingleOutputStreamOperator<T> events) {
        PreAggregationConfig pre = p.preAggregation();
        if (!pre.enabled() || p.window().type() != WindowConfig.Type.TUMBLING) {
            return events;
        }
        Duration size = p.window().size();
        @SuppressWarnings("unchecked")
        PreAggregator<T, ?> combiner =
                (PreAggregator<T, ?>)
                        (p.kind() == PipelineKind.LOGS
                                ? new PreAggregator.Logs(size, pre.maxEntries())
                                : new PreAggregator.Metrics(size, pre.maxEntries()));
        return events.transform("Pre-aggregate " + p.name(), events.getType(), combiner)
                .uid("pre-aggregate-" + p.name());
    }

    /**
     * The log events keyed by group, ERROR/FATAL ones with their group's learned template (unless
     * {@code patterns.mining} is off). The assigner keeps the partitioning, so the windows after it
     * need no second shuffle and chain to it.
     */
    @VisibleForTesting
    static KeyedStream<LogEvent, String> withTemplates(
            PipelineConfig p, DataStream<LogEvent> events) {
        KeyedStream<LogEvent, String> keyed = events.keyBy(e -> e.key, Types.STRING);
        if (!p.patterns().mining()) {
            return keyed;
        }
        SingleOutputStreamOperator<LogEvent> assigned =
                keyed.process(
                                new TemplateAssigner(p.name(), p.patterns()),
                                TypeInformation.of(LogEvent.class))
                        .name("Learn patterns " + p.name())
                        .uid("patterns-" + p.name());
        return DataStreamUtils.reinterpretAsKeyedStream(assigned, e -> e.key, Types.STRING);
    }

    /** The keyed event-time windows of a log pipeline; late events go to {@code late}. */
    @VisibleForTesting
    static SingleOutputStreamOperator<LogAggregate> logWindows(
            PipelineConfig p, KeyedStream<LogEvent, String> events, OutputTag<LogEvent> late) {
        return windowAggregate(
                        p,
                        events,
                        late,
                        new LogAggregateFunction(),
                        new LogWindowFunction(p.name(), p.groupBy(), p.topPatterns()),
                        TypeInformation.of(LogAccumulator.class),
                        acc -> WindowAggregateOperator.ENTRY_BYTES + acc.heapBytes(),
                        TypeInformation.of(LogAggregate.class))
                .uid("window-" + p.name());
    }

    /** The keyed event-time windows of a metric pipeline; late events go to {@code late}. */
    @VisibleForTesting
    static SingleOutputStreamOperator<MetricAggregate> metricWindows(
            PipelineConfig p, DataStream<MetricPoint> events, OutputTag<MetricPoint> late) {
        return windowAggregate(
                        p,
                        events.keyBy(e -> e.key, Types.STRING),
                        late,
                        new MetricAggregateFunction(),
                        new MetricWindowFunction(p.name(), p.groupBy()),
                        TypeInformation.of(MetricAccumulator.class),
                        acc -> WindowAggregateOperator.ENTRY_BYTES + acc.heapBytes(),
                        TypeInformation.of(MetricAggregate.class))
                .uid("window-" + p.name());
    }

    /**
     * The window operator of a pipeline: {@link WindowAggregateOperator} (accumulators on the heap,
     * in state only at checkpoints, no timers), or Flink's own window operator where records may be
     * allowed lateness, which that one does not keep windows for.
     */
    private static <IN, ACC, OUT> SingleOutputStreamOperator<OUT> windowAggregate(
            PipelineConfig p,
            KeyedStream<IN, String> events,
            OutputTag<IN> late,
            AggregateFunction<IN, ACC, ACC> aggregate,
            ProcessWindowFunction<ACC, OUT, String, TimeWindow> function,
            TypeInformation<ACC> accumulatorType,
            WindowAggregateOperator.Weigher<ACC> heapBytes,
            TypeInformation<OUT> outputType) {
        String name = "Aggregate " + p.name() + " " + describe(p.window());
        if (p.allowedLateness().isZero()) {
            return WindowAggregateOperator.aggregate(
                    events,
                    windows(p.window()),
                    late,
                    aggregate,
                    function,
                    accumulatorType,
                    heapBytes,
                    outputType,
                    name);
        }
        return InterruptibleWindowOperator.aggregate(
                events,
                windows(p.window()),
                p.allowedLateness(),
                late,
                aggregate,
                function,
                accumulatorType,
                outputType,
                name);
    }

    private static <T> DataStream<T> union(List<DataStream<T>> streams) {
        DataStream<T> first = streams.get(0);
        if (streams.size() == 1) {
            return first;
        }
        @SuppressWarnings("unchecked")
        DataStream<T>[] rest = streams.subList(1, streams.size()).toArray(new DataStream[0]);
        return first.union(rest);
    }

    /**
     * Event time from the record, bounded out-of-orderness, and idleness so that a partition
     * without traffic does not hold back the windows of the others, but never while the broker
     * holds data it cannot deliver ({@link FetchAwareIdleness}). Dead letters carry no event time:
     * they never move the watermark and do not keep a partition active.
     */
    static WatermarkStrategy<Decoded> watermarks(PipelineConfig p, String clientIdPrefix) {
        Duration outOfOrderness = p.outOfOrderness();
        Duration idleness = p.idleness();
        return WatermarkStrategy.<Decoded>forGenerator(
                        ctx -> {
                            WatermarkGenerator<Decoded> bounded =
                                    new BoundedOutOfOrdernessWatermarks<>(outOfOrderness);
                            if (idleness.isZero()) {
                                return bounded;
                            }
                            return new FetchAwareIdleness(
                                    bounded,
                                    idleness,
                                    ctx.getInputActivityClock(),
                                    FetchActivityReporter.fetchesAnswered(
                                            clientIdPrefix, ctx.getMetricGroup()));
                        })
                .withTimestampAssigner((d, kafkaTs) -> d.eventTime());
    }

    /** As {@link #watermarks}, but a watermark follows every event (bounded replays). */
    static WatermarkStrategy<Decoded> watermarksPerEvent(PipelineConfig p) {
        long delay = p.outOfOrderness().toMillis();
        return WatermarkStrategy.<Decoded>forGenerator(
                        ctx ->
                                new WatermarkGenerator<>() {
                                    private long newest = Long.MIN_VALUE + delay + 1;

                                    @Override
                                    public void onEvent(Decoded d, long ts, WatermarkOutput out) {
                                        if (ts > newest) {
                                            newest = ts;
                                            out.emitWatermark(new Watermark(newest - delay - 1));
                                        }
                                    }

                                    @Override
                                    public void onPeriodicEmit(WatermarkOutput out) {}
                                })
                .withTimestampAssigner((d, kafkaTs) -> d.eventTime());
    }

    static WindowAssigner<Object, TimeWindow> windows(WindowConfig w) {
        return w.type() == WindowConfig.Type.SLIDING
                ? SlidingEventTimeWindows.of(w.size(), w.slide())
                : TumblingEventTimeWindows.of(w.size());
    }

    private static String describe(WindowConfig w) {
        return w.type() == WindowConfig.Type.SLIDING
                ? "(sliding "
                        + Durations.format(w.size())
                        + " every "
                        + Durations.format(w.slide())
                        + ")"
                : "(tumbling " + Durations.format(w.size()) + ")";
    }

    /**
     * The Flink settings the job brings itself: checkpointing, state backend, restart strategy, and
     * no Kryo fallback (a type that would need it fails at build time instead of slowing the job
     * down).
     */
    public static Configuration flinkConfiguration(StreamwatchConfig config) {
        CheckpointConfig cp = config.checkpoint();
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.NAME, "Streamwatch");
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        // Chained operators hand records on without a defensive copy: a record may reach several
        // chained operators as one object (the windows' output goes to Observe, Encode and the
        // late side output), and its sender may reuse it after the call. The contract every
        // operator keeps, whatever its sender does: it never changes a record it receives (the
        // template assigner emits a copy with the template) and keeps no reference to one past
        // the call (the pre-aggregator copies the fields of a partial's first event; the windows
        // keep accumulators of their own). Strings and arrays inside records are never written
        // after they are made, so they may be shared. What each record's sender owns and hands
        // on is stated in PreAggregator and TemplateAssigner; ObjectReuseTest checks both with
        // a second consumer and a sender that reuses its object.
        conf.set(PipelineOptions.OBJECT_REUSE, true);
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, cp.interval());
        conf.set(CheckpointingOptions.CHECKPOINTING_TIMEOUT, cp.timeout());
        // A checkpoint that times out (say, while the broker is away and the sinks wait) need
        // not restart the job; the next one carries its data.
        conf.set(CheckpointingOptions.TOLERABLE_FAILURE_NUMBER, cp.tolerableFailures());
        if (cp.unaligned()) {
            // Barriers overtake in-flight records. (Window firing lets a checkpoint in either
            // way: see TimerSlicer.)
            conf.set(CheckpointingOptions.ENABLE_UNALIGNED, true);
        }
        conf.set(
                CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE,
                CheckpointingMode.EXACTLY_ONCE);
        conf.set(
                CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        conf.set(StateBackendOptions.STATE_BACKEND, cp.stateBackend());
        conf.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, "rocksdb".equals(cp.stateBackend()));
        // Timers in RocksDB (Flink's default), not the heap: heap timers are written whole and
        // synchronously in every checkpoint, which with a million keys (a window timer each,
        // and the absence rules' per group) took a fifth of the window's and the evaluator's
        // time and stalled checkpoints. Since pre-aggregation, a timer is registered per partial
        // rather than per record, so their RocksDB writes are few.
        conf.set(RocksDBOptions.TIMER_SERVICE_FACTORY, PriorityQueueStateType.ROCKSDB);
        // Bloom filters on the RocksDB tables: most reads of the rule evaluator (a group's alert
        // and absence state, per aggregate) and of a spilled window are of keys a table does not
        // hold, new groups above all; a filter answers those without reading a data block. With
        // a million groups, RocksDB's point reads were the largest single cost of the job.
        conf.set(RocksDBConfigurableOptions.USE_BLOOM_FILTER, true);
        if (cp.directory() != null) {
            conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, cp.directory());
        }
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "exponential-delay");
        conf.set(
                RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF,
                Duration.ofSeconds(1));
        conf.set(
                RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF,
                Duration.ofMinutes(1));
        return conf;
    }

    /**
     * Builds the pipeline on real Kafka sources and sinks and runs it: on the cluster the job is
     * submitted to, or with {@code localWebUi} in a local MiniCluster serving the web UI.
     */
    public static JobExecutionResult runOnKafka(
            StreamwatchConfig config, List<RuleDefinition> rules, boolean localWebUi, int webUiPort)
            throws Exception {
        Configuration conf = flinkConfiguration(config);
        StreamExecutionEnvironment env;
        if (localWebUi) {
            conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
            conf.set(RestOptions.PORT, webUiPort);
            env = StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(conf);
        } else {
            env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        }
        new StreamwatchJob(
                        config,
                        rules,
                        KafkaSources.of(config),
                        (topic, name) -> KafkaSinks.forTopic(config, topic, name))
                .build(env);
        return env.execute("Streamwatch");
    }
}
