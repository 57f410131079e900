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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
        return streamGraph(List.of(pipeline));
    }

    private static StreamGraph streamGraph(List<PipelineConfig> pipelines) {
        StreamwatchConfig config =
                TestPipelines.withAlerts(
                        TestPipelines.job("localhost:9092", "graph", pipelines, "dead", "late"),
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

    /**
     * docs/operations.md's table of operators and uids lists every uid the job sets, with {@code
     * <pipeline>} for the pipeline's name: a savepoint's state is matched by uid, and the table is
     * what a user checks before renaming anything (it lacked {@code pre-aggregate-<pipeline>}).
     */
    @Test
    void theOperatorTableListsEveryUid() throws Exception {
        PipelineConfig logs = TestPipelines.logs("streamwatch");
        PipelineConfig metrics = TestPipelines.metrics("streamwatch");
        Set<String> uids = new TreeSet<>();
        for (StreamNode n : streamGraph(List.of(logs, metrics)).getStreamNodes()) {
            String uid = n.getTransformationUID();
            // "Sink Committer: sink-alerts" and the like: Flink derives them from the sink's.
            if (uid != null && !uid.startsWith("Sink ")) {
                uids.add(
                        uid.replace(logs.name(), "<pipeline>")
                                .replace(metrics.name(), "<pipeline>"));
            }
        }
        Set<String> documented = new TreeSet<>();
        boolean inTable = false;
        for (String line : Files.readAllLines(Path.of("docs/operations.md"))) {
            if (line.startsWith("## ")) {
                inTable = line.equals("## Operators and uids");
            } else if (inTable && line.startsWith("| ")) {
                String[] cells = line.split("\\|");
                Matcher m = Pattern.compile("`([^`]+)`").matcher(cells[cells.length - 1]);
                while (m.find()) {
                    documented.add(m.group(1));
                }
            }
        }

        assertThat(uids).contains("pre-aggregate-<pipeline>", "evaluate-rules");
        assertThat(documented).containsAll(uids);
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
