package io.streamwatch.testing;

import io.streamwatch.config.StreamwatchConfig;
import io.streamwatch.job.StreamwatchJob;
import io.streamwatch.rules.RuleDefinition;
import io.streamwatch.sinks.KafkaSinks;
import io.streamwatch.sources.KafkaSources;
import java.util.List;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** Starts the real job, with real Kafka sources and sinks, on the test's (Mini)cluster. */
public final class TestJobs {
    private TestJobs() {}

    public static JobClient startOnKafka(
            StreamwatchConfig config, List<RuleDefinition> rules, String name) throws Exception {
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(
                        StreamwatchJob.flinkConfiguration(config));
        new StreamwatchJob(
                        config,
                        rules,
                        KafkaSources.of(config),
                        (topic, sink) -> KafkaSinks.forTopic(config, topic, sink))
                .build(env);
        return env.executeAsync(name);
    }
}
