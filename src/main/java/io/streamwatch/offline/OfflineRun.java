package io.streamwatch.offline;

import io.streamwatch.alerts.RuleRecord;
import io.streamwatch.config.PipelineConfig;
import io.streamwatch.config.StreamwatchConfig;
import io.streamwatch.job.StreamwatchJob;
import io.streamwatch.records.Decoded;
import io.streamwatch.records.KafkaMessage;
import io.streamwatch.rules.RuleDefinition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Runs the real pipeline (the same {@link StreamwatchJob}, windows and rule evaluator) in a local
 * MiniCluster over a bounded input, collecting what it would write. Rule tests and backtests use
 * it, so what they report is what the job would do.
 */
public final class OfflineRun {
    private final StreamwatchConfig config;
    private final List<RuleDefinition> rules;
    private final String id = UUID.randomUUID().toString();

    public OfflineRun(StreamwatchConfig config, List<RuleDefinition> rules) {
        this.config = config;
        this.rules = rules;
    }

    /**
     * What an offline run wrote: the kept records, the count of all, and the count of distinct
     * record keys, by topic; and its dead letters by reason.
     */
    public record Output(
            Map<String, List<KafkaMessage>> records,
            Map<String, Long> counts,
            Map<String, Long> keys,
            Map<String, DeadLetterReasons.Reason> deadLetters) {}

    /** Runs the job to the end of {@code sources}' input and returns what it wrote, by topic. */
    public Map<String, List<KafkaMessage>> run(StreamwatchJob.Sources sources) throws Exception {
        return run(sources, t -> true).records();
    }

    /** As {@link #run(StreamwatchJob.Sources)}, keeping only the records of some topics. */
    public Output run(StreamwatchJob.Sources sources, Predicate<String> keep) throws Exception {
        Configuration conf = StreamwatchJob.flinkConfiguration(config);
        conf.set(CoreOptions.DEFAULT_PARALLELISM, 1);
        // Over a bounded input a failure is an answer, not something to wait out.
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        // A replay restarts from the beginning anyway: no checkpoints, state on the heap.
        conf.removeConfig(CheckpointingOptions.CHECKPOINTING_INTERVAL);
        conf.set(StateBackendOptions.STATE_BACKEND, "hashmap");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(conf);
        env.setParallelism(1);
        List<String> topics = new ArrayList<>();
        new StreamwatchJob(
                        config,
                        rules,
                        sources,
                        (topic, name) -> {
                            topics.add(topic);
                            return new CollectingSink(
                                    id,
                                    topic,
                                    keep.test(topic),
                                    topic.equals(config.deadLetterTopic()));
                        })
                .watermarkEveryEvent()
                .build(env);
        env.execute("Streamwatch offline run");
        Map<String, List<KafkaMessage>> out = new HashMap<>();
        Map<String, Long> counts = new HashMap<>();
        Map<String, Long> keys = new HashMap<>();
        for (String t : topics) {
            out.computeIfAbsent(t, k -> new ArrayList<>()).addAll(CollectingSink.take(id, t));
            counts.merge(t, CollectingSink.count(id, t), Long::sum);
            // (Two sinks of one topic: their key sets are counted apart; aggregates have one.)
            keys.merge(t, CollectingSink.keys(id, t), Long::sum);
        }
        return new Output(out, counts, keys, DeadLetterReasons.take(id));
    }

    /** Sources that replay already decoded events, per pipeline, and no rule changes. */
    public static StreamwatchJob.Sources inMemory(Map<String, List<Decoded>> events) {
        return new StreamwatchJob.Sources() {
            @Override
            public Source<Decoded, ?, ?> pipeline(PipelineConfig p) {
                ArrayList<Decoded> list = new ArrayList<>(events.getOrDefault(p.name(), List.of()));
                if (list.isEmpty()) {
                    // The generator source cannot be empty; an empty Decoded is routed nowhere.
                    list.add(new Decoded());
                }
                return new DataGeneratorSource<>(
                        i -> list.get(i.intValue()),
                        list.size(),
                        TypeInformation.of(Decoded.class));
            }

            @Override
            public Source<RuleRecord, ?, ?> ruleControl() {
                // The generator source cannot be empty: one record that RuleControl skips.
                return new DataGeneratorSource<>(
                        i -> new RuleRecord(null, null, RuleRecord.NONE),
                        1,
                        TypeInformation.of(RuleRecord.class));
            }
        };
    }
}
