package io.streamwatch.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamwatch.aggregation.PreAggregator;
import io.streamwatch.aggregation.TemplateAssigner;
import io.streamwatch.config.ConfigLoader;
import io.streamwatch.config.PatternsConfig;
import io.streamwatch.records.Level;
import io.streamwatch.records.LogEvent;
import io.streamwatch.records.MetricPoint;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

/**
 * The job runs with object reuse ({@code pipeline.object-reuse}): chained operators receive the
 * very object their sender emitted, one object may go to several of them, and a sender may reuse it
 * after the call. These jobs run the operators that keep or change records in exactly those
 * conditions on a MiniCluster, and check that no other operator can tell.
 */
class ObjectReuseTest {
    private static final long T0 = 1_700_000_040_000L; // a minute boundary

    private static StreamExecutionEnvironment env() {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.OBJECT_REUSE, true);
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        return StreamExecutionEnvironment.createLocalEnvironment(1, conf);
    }

    @Test
    void theJobRunsWithObjectReuse() throws Exception {
        Configuration conf =
                StreamwatchJob.flinkConfiguration(
                        ConfigLoader.load(Path.of("jobs-config/streamwatch.yaml"), Map.of()));
        assertThat(conf.get(PipelineOptions.OBJECT_REUSE)).isTrue();
    }

    /**
     * The log events feed the template assigner and, chained to the same sender, two other
     * operators (one made before the assigner, one after, so that one of them runs after it
     * whatever order Flink calls them in). Those see every event as it was sent: no template.
     */
    @Test
    void theTemplateAssignerLeavesTheEventItReceivedToTheOtherConsumers() throws Exception {
        List<LogEvent> lines = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            lines.add(
                    new LogEvent(
                            "svc-" + (i % 2),
                            T0 + i,
                            i % 4 == 3 ? Level.INFO : Level.ERROR,
                            "Disk /dev/sda" + i + " is full"));
        }
        StreamExecutionEnvironment env = env();
        DataStream<LogEvent> events = env.fromData(lines, TypeInformation.of(LogEvent.class));
        DataStream<String> before = events.map(ObjectReuseTest::seen).name("before");
        DataStream<String> assigned =
                DataStreamUtils.reinterpretAsKeyedStream(events, e -> e.key, Types.STRING)
                        .process(
                                new TemplateAssigner("app-logs", PatternsConfig.defaults()),
                                TypeInformation.of(LogEvent.class))
                        .map(e -> "assigned " + e.key + " " + e.pattern);
        DataStream<String> after = events.map(ObjectReuseTest::seen).name("after");

        List<String> out = before.union(assigned, after).executeAndCollect(100);

        assertThat(out).hasSize(60);
        assertThat(out).filteredOn(s -> s.startsWith("seen")).allMatch(s -> s.endsWith("null"));
        assertThat(out)
                .filteredOn(s -> s.startsWith("assigned"))
                .containsOnly(
                        "assigned svc-0 Disk <PATH> is full",
                        "assigned svc-1 Disk <PATH> is full",
                        "assigned svc-1 null");
    }

    private static String seen(LogEvent e) {
        return "seen " + e.key + " " + e.patternId + " " + e.pattern;
    }

    /**
     * A sender that refills one object for every point, as object reuse allows: the partials the
     * pre-aggregator sends carry the key, name and origin of their own first point.
     */
    @Test
    void thePreAggregatorKeepsNothingOfAPointAfterItReturns() throws Exception {
        List<MetricPoint> points = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            String name = i % 3 == 0 ? "cpu" : i % 3 == 1 ? "mem" : "disk";
            MetricPoint p = new MetricPoint(name + "|host", name, T0 + i, i);
            p.topic = "metrics";
            p.offset = i;
            points.add(p);
        }
        StreamExecutionEnvironment env = env();
        DataStream<MetricPoint> refilled =
                env.fromData(points, TypeInformation.of(MetricPoint.class))
                        .assignTimestampsAndWatermarks(
                                WatermarkStrategy.<MetricPoint>forMonotonousTimestamps()
                                        .withTimestampAssigner((p, ts) -> p.timestamp))
                        .map(new Refill());
        List<String> out =
                refilled.transform(
                                "pre-aggregate",
                                TypeInformation.of(MetricPoint.class),
                                new PreAggregator.Metrics(Duration.ofMinutes(1), 1000))
                        .map(p -> p.key + " " + p.name + " first offset " + p.offset)
                        .executeAndCollect(100);

        assertThat(out)
                .containsExactlyInAnyOrder(
                        "cpu|host cpu first offset 0",
                        "mem|host mem first offset 1",
                        "disk|host disk first offset 2");
    }

    /** Emits one and the same object, refilled from each point. */
    private static final class Refill implements MapFunction<MetricPoint, MetricPoint> {
        private static final long serialVersionUID = 1L;
        private final MetricPoint reused = new MetricPoint();

        @Override
        public MetricPoint map(MetricPoint p) {
            reused.key = p.key;
            reused.name = p.name;
            reused.timestamp = p.timestamp;
            reused.value = p.value;
            reused.values = p.values;
            reused.topic = p.topic;
            reused.partition = p.partition;
            reused.offset = p.offset;
            reused.record = p.record;
            return reused;
        }
    }
}
