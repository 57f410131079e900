package io.streamwatch.aggregation;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamwatch.records.MetricPoint;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;

/** {@link MetricAggregateFunction} alone, and in a real window over RocksDB with Kryo disabled. */
class MetricAggregateFunctionTest {

    static MetricPoint point(String key, long timestamp, double value) {
        return new MetricPoint(key, "latency_ms", timestamp, value);
    }

    @Test
    void foldsPointsAndMergesAccumulators() {
        MetricAggregateFunction function = new MetricAggregateFunction();
        MetricAccumulator a = function.createAccumulator();
        MetricAccumulator b = function.createAccumulator();

        assertThat(function.add(point("k", 0, 10), a)).isSameAs(a);
        function.add(point("k", 1, -4), a);
        function.add(point("k", 2, 30), b);
        MetricAccumulator merged = function.merge(a, b);

        assertThat(function.getResult(merged)).isSameAs(merged);
        assertThat(merged.getCount()).isEqualTo(3);
        assertThat(merged.getSum()).isEqualTo(36);
        assertThat(merged.getMin()).isEqualTo(-4);
        assertThat(merged.getMax()).isEqualTo(30);
        assertThat(merged.getMean()).isEqualTo(12);
        assertThat(merged.quantile(0.5)).isCloseTo(10, org.assertj.core.api.Assertions.within(0.1));
    }

    /**
     * The window state goes through {@link MetricAccumulatorSerializer} on every record with
     * RocksDB; with generic types disabled, any Kryo fallback would fail the job at build time.
     */
    @Test
    void aPointCarryingSeveralValuesFoldsLikeThePointsThemselves() {
        MetricAggregateFunction function = new MetricAggregateFunction();
        MetricAccumulator one = function.createAccumulator();
        for (double v : new double[] {3, 0.5, 120, 7}) {
            function.add(point("k", 0, v), one);
        }
        MetricPoint combined = point("k", 59_999, 3);
        combined.values = new double[] {3, 0.5, 120, 7};

        MetricAccumulator other = function.add(combined, function.createAccumulator());

        assertThat(other.getCount()).isEqualTo(4);
        assertThat(other.getSum()).isEqualTo(one.getSum());
        assertThat(other.getMin()).isEqualTo(0.5);
        assertThat(other.getMax()).isEqualTo(120);
        assertThat(other.quantile(0.5)).isEqualTo(one.quantile(0.5));
    }

    @Test
    void windowAggregatesOnRocksDbWithoutKryo() throws Exception {
        Random random = new Random(11);
        List<MetricPoint> points = new ArrayList<>();
        Map<String, MetricAccumulator> expected = new TreeMap<>();
        for (int i = 0; i < 3_000; i++) {
            String key = "latency_ms|svc-" + (i % 2);
            long timestamp = i * 60L; // three one-minute windows
            double value = Math.exp(3 + random.nextGaussian());
            points.add(point(key, timestamp, value));
            expected.computeIfAbsent(
                            key + "@" + (timestamp / 60_000 * 60_000), k -> new MetricAccumulator())
                    .add(value);
        }

        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        conf.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, conf);

        List<String> results =
                env.fromData(points)
                        .assignTimestampsAndWatermarks(
                                WatermarkStrategy.<MetricPoint>forMonotonousTimestamps()
                                        .withTimestampAssigner((p, ts) -> p.timestamp))
                        .keyBy(p -> p.key)
                        .window(TumblingEventTimeWindows.of(Duration.ofMinutes(1)))
                        .aggregate(new MetricAggregateFunction(), new Describe())
                        .executeAndCollect(100);

        assertThat(results)
                .containsExactlyInAnyOrderElementsOf(
                        expected.entrySet().stream()
                                .map(e -> Describe.describe(e.getKey(), e.getValue()))
                                .toList());
    }

    /** Reads the figures, as the real window function will. */
    static final class Describe
            extends ProcessWindowFunction<MetricAccumulator, String, String, TimeWindow> {
        @Override
        public void process(
                String key,
                Context context,
                Iterable<MetricAccumulator> accumulators,
                Collector<String> out) {
            for (MetricAccumulator acc : accumulators) {
                out.collect(describe(key + "@" + context.window().getStart(), acc));
            }
        }

        static String describe(String window, MetricAccumulator acc) {
            return window
                    + " count="
                    + acc.getCount()
                    + " min="
                    + acc.getMin()
                    + " max="
                    + acc.getMax()
                    + " p50="
                    + acc.quantile(0.5)
                    + " p99="
                    + acc.quantile(0.99);
        }
    }
}
