package io.streamwatch.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamwatch.config.PipelineConfig;
import io.streamwatch.config.StreamwatchConfig;
import io.streamwatch.sinks.KafkaSinks;
import io.streamwatch.sources.KafkaSources;
import io.streamwatch.testing.TestPipelines;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.JobVertex;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

/**
 * Where the template assigner sits in the job graph: with mining on, in the same task as the window
 * after it (chained, no second shuffle of the log events); with mining off, not at all.
 */
class PatternsOperatorTest {

    private static List<String> vertexNames(PipelineConfig logs) {
        StreamwatchConfig config =
                TestPipelines.job("localhost:9092", "graph", List.of(logs), "dead", "late");
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(
                        StreamwatchJob.flinkConfiguration(config));
        new StreamwatchJob(
                        config,
                        List.of(),
                        KafkaSources.of(config),
                        (topic, name) -> KafkaSinks.forTopic(config, topic, name))
                .build(env);
        JobGraph graph = env.getStreamGraph().getJobGraph();
        List<String> names = new ArrayList<>();
        for (JobVertex v : graph.getVertices()) {
            names.add(v.getName());
        }
        return names;
    }

    @Test
    void theAssignerIsChainedToTheWindow() {
        List<String> names = vertexNames(TestPipelines.logs("streamwatch"));

        assertThat(names)
                .anySatisfy(
                        n ->
                                assertThat(n)
                                        .contains("Learn patterns app-logs")
                                        .contains("Aggregate app-logs"));
    }

    @Test
    void withoutMiningThereIsNoAssigner() {
        PipelineConfig logs = TestPipelines.logs("streamwatch");
        List<String> names = vertexNames(logs.withPatterns(logs.patterns().withMining(false)));

        assertThat(String.join("|", names))
                .doesNotContain("Learn patterns")
                .contains("Aggregate app-logs");
    }
}
