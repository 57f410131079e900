package io.streamwatch.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamwatch.config.AlertsConfig;
import io.streamwatch.config.PipelineConfig;
import io.streamwatch.config.PreAggregationConfig;
import io.streamwatch.config.StreamwatchConfig;
import io.streamwatch.config.WindowConfig;
import io.streamwatch.operators.InterruptibleBroadcastOperator;
import io.streamwatch.operators.WindowAggregateOperator;
import io.streamwatch.sinks.KafkaSinks;
import io.streamwatch.sources.KafkaSources;
import io.streamwatch.testing.TestPipelines;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.JobVertex;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.apache.flink.streaming.api.operators.SimpleOperatorFactory;
import org.apache.flink.streaming.api.operators.StreamOperator;
import org.junit.jupiter.api.Test;

/**
 * Where operators sit in the job graph. The template assigner: with mining on, in the same task as
 * the window after it (chained, no second shuffle of the log events); with mining off, not at all.
 * The pre-aggregator: chained to the source, before the shuffle; absent when switched off or when
 * the windows slide.
 */
class JobGraphTest {

    private static StreamGraph streamGraph(PipelineConfig pipeline) {
        StreamwatchConfig config =
                TestPipelines.withAlerts(
                        TestPipelines.job(
                                "localhost:9092", "graph", List.of(pipeline), "dead", "late"),
                        new AlertsConfig("alerts", List.of(), "rules", "rule-status"));
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(
                        StreamwatchJob.flinkConfiguration(config));
        new StreamwatchJob(
                        config,
                        List.of(),
                        KafkaSources.of(config),
                        (topic, name) -> KafkaSinks.forTopic(config, topic, name))
                .build(env);
        return env.getStreamGraph();
    }

    private static List<String> vertexNames(PipelineConfig logs) {
        JobGraph graph = streamGraph(logs).getJobGraph();
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

    @Test
    void windowsMayBeInterruptedByACheckpoint() {
        for (PipelineConfig p :
                List.of(TestPipelines.logs("streamwatch"), TestPipelines.metrics("streamwatch"))) {
            StreamNode window =
                    streamGraph(p).getStreamNodes().stream()
                            .filter(n -> n.getOperatorName().startsWith("Aggregate " + p.name()))
                            .findFirst()
                            .orElseThrow();
            StreamOperator<?> op =
                    ((SimpleOperatorFactory<?>) window.getOperatorFactory()).getOperator();
            assertThat(op).isInstanceOf(WindowAggregateOperator.class);
        }
    }

    @Test
    void theRuleEvaluatorMayBeInterruptedByACheckpoint() {
        StreamNode evaluator =
                streamGraph(TestPipelines.metrics("streamwatch")).getStreamNodes().stream()
                        .filter(n -> n.getOperatorName().equals("Evaluate alert rules"))
                        .findFirst()
                        .orElseThrow();
        assertThat(((SimpleOperatorFactory<?>) evaluator.getOperatorFactory()).getOperator())
                .isInstanceOf(InterruptibleBroadcastOperator.class);
    }

    @Test
    void thePreAggregatorIsChainedToTheSource() {
        List<String> names = vertexNames(TestPipelines.logs("streamwatch"));

        assertThat(names)
                .anySatisfy(
                        n ->
                                assertThat(n)
                                        .startsWith("Source: Read")
                                        .contains("Route app-logs")
                                        .contains("Pre-aggregate app-logs")
                                        .doesNotContain("Aggregate app-logs ("));
    }

    @Test
    void withoutPreAggregationOrWithSlidingWindowsThereIsNoPreAggregator() {
        PipelineConfig logs = TestPipelines.logs("streamwatch");
        PipelineConfig off = logs.withPreAggregation(new PreAggregationConfig(false, 10));
        PipelineConfig sliding =
                TestPipelines.withWindow(
                        logs,
                        new WindowConfig(
                                WindowConfig.Type.SLIDING,
                                Duration.ofMinutes(2),
                                Duration.ofMinutes(1)),
                        Duration.ZERO);

        assertThat(String.join("|", vertexNames(off))).doesNotContain("Pre-aggregate");
        assertThat(String.join("|", vertexNames(sliding))).doesNotContain("Pre-aggregate");
    }

    /**
     * Cumulative otel points take a detour through the keyed delta operator, which only otel
     * pipelines have; the pre-aggregator stays chained to the source for the other points.
     */
    @Test
    void onlyOtelMetricsPipelinesHaveTheDeltaOperator() {
        List<String> otel = vertexNames(TestPipelines.metrics("otel"));
        assertThat(otel)
                .anySatisfy(n -> assertThat(n).startsWith("Cumulative to delta app-metrics"));
        assertThat(otel)
                .anySatisfy(
                        n ->
                                assertThat(n)
                                        .startsWith("Source: Read")
                                        .contains("Pre-aggregate app-metrics"));
        for (String format : List.of("streamwatch", "telegraf", "ecs")) {
            assertThat(String.join("|", vertexNames(TestPipelines.metrics(format))))
                    .doesNotContain("Cumulative to delta");
        }
        assertThat(String.join("|", vertexNames(TestPipelines.logs("otel"))))
                .doesNotContain("Cumulative to delta");
        assertThat(streamGraph(TestPipelines.metrics("otel")).getStreamNodes())
                .anySatisfy(
                        n ->
                                assertThat(n.getTransformationUID())
                                        .isEqualTo("cumulative-to-delta-app-metrics"));
    }
}
