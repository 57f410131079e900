package io.streamwatch.operators;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamwatch.records.GroupKey;
import io.streamwatch.records.MetricPoint;
import io.streamwatch.records.OtelPoint;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link CumulativeToDelta} in Flink's keyed operator harness, with generic types disabled (no
 * Kryo): running totals in order and out of order, resets with and without a new start time, late
 * points, duplicates, histograms whose layout merges, and a snapshot restored into a new operator
 * (heap and RocksDB) that goes on as if it had never stopped. Expected deltas are worked out here
 * from the totals the test sends.
 */
class CumulativeToDeltaTest {
    private static final long SECOND = 1000;
    private static final long NANOS = 1_000_000;

    /** A start time well inside the data: series begin before the first watermark. */
    private static final long T0 = 1_800_000_000_000L;

    private final List<KeyedOneInputStreamOperatorTestHarness<String, OtelPoint, MetricPoint>>
            harnesses = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (var h : harnesses) {
            h.close();
        }
    }

    private KeyedOneInputStreamOperatorTestHarness<String, OtelPoint, MetricPoint> harness(
            OperatorSubtaskState restore, boolean rocksdb) throws Exception {
        var h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new CumulativeToDelta()),
                        (OtelPoint o) -> o.series,
                        Types.STRING);
        ((SerializerConfigImpl) h.getExecutionConfig().getSerializerConfig())
                .setGenericTypes(false);
        if (rocksdb) {
            h.setStateBackend(new EmbeddedRocksDBStateBackend());
        }
        harnesses.add(h);
        if (restore != null) {
            h.initializeState(restore);
        }
        h.open();
        return h;
    }

    private KeyedOneInputStreamOperatorTestHarness<String, OtelPoint, MetricPoint> fresh()
            throws Exception {
        return harness(null, false);
    }

    /** A running total of series {@code series} (metric "requests" of service "checkout"). */
    private static OtelPoint total(String series, long startMs, long timeMs, double value) {
        OtelPoint o = point(series, startMs, timeMs);
        o.kind = OtelPoint.SUM;
        o.value = value;
        return o;
    }

    private static OtelPoint point(String series, long startMs, long timeMs) {
        OtelPoint o = new OtelPoint();
        o.name = "requests";
        o.key = GroupKey.join(List.of("requests", "checkout"));
        o.series = series;
        o.startTimeNanos = startMs * NANOS;
        o.timeNanos = timeMs * NANOS;
        o.timestamp = timeMs;
        o.topic = "metrics";
        return o;
    }

    /**
     * A cumulative explicit-bounds histogram, buckets kept sparse as the decoder keeps them: the
     * test's own reading of the OTLP layout (bucket i is (bounds[i-1], bounds[i]]).
     */
    private static OtelPoint histogram(
            long startMs,
            long timeMs,
            double sum,
            double min,
            double max,
            double[] bounds,
            long... bucketCounts) {
        OtelPoint o = point("h", startMs, timeMs);
        o.kind = OtelPoint.HISTOGRAM;
        o.sum = sum;
        o.min = min;
        o.max = max;
        List<double[]> buckets = new ArrayList<>();
        for (int i = 0; i < bucketCounts.length; i++) {
            o.count += bucketCounts[i];
            if (bucketCounts[i] > 0) {
                buckets.add(
                        new double[] {
                            i == 0 ? Double.NEGATIVE_INFINITY : bounds[i - 1],
                            i == bounds.length ? Double.POSITIVE_INFINITY : bounds[i],
                            bucketCounts[i]
                        });
            }
        }
        setBuckets(o, buckets);
        return o;
    }

    private static void setBuckets(OtelPoint o, List<double[]> buckets) {
        o.lower = buckets.stream().mapToDouble(b -> b[0]).toArray();
        o.upper = buckets.stream().mapToDouble(b -> b[1]).toArray();
        o.counts = buckets.stream().mapToLong(b -> (long) b[2]).toArray();
    }

    private static void send(
            KeyedOneInputStreamOperatorTestHarness<String, OtelPoint, MetricPoint> h, OtelPoint o)
            throws Exception {
        h.processElement(new StreamRecord<>(o, o.timestamp));
    }

    /** What came out, as "name@seconds-since-T0=value" for sums. */
    private static List<String> sums(
            KeyedOneInputStreamOperatorTestHarness<String, OtelPoint, MetricPoint> h) {
        return h.extractOutputValues().stream()
                .map(m -> m.name + "@" + (m.timestamp - T0) / SECOND + "=" + m.value)
                .toList();
    }

    @Test
    void theIssuesCounterGivesItsIncreaseNotTheSumOfItsTotals() throws Exception {
        var h = fresh();
        // Started before the job watched: the first total holds what the job never saw.
        send(h, total("a", T0, T0 + 60 * SECOND, 1000));
        send(h, total("a", T0, T0 + 120 * SECOND, 1060));
        h.processWatermark(new Watermark(T0 + 120 * SECOND));
        assertThat(sums(h)).containsExactly("requests@120=60.0");
        // Each delta keeps the group key the window aggregates by.
        assertThat(h.extractOutputValues().get(0).key)
                .isEqualTo(GroupKey.join(List.of("requests", "checkout")));
    }

    @Test
    void aSeriesThatStartsWhileTheJobWatchesCountsFromItsStart() throws Exception {
        var h = fresh();
        send(h, total("a", T0, T0 + 60 * SECOND, 500));
        h.processWatermark(new Watermark(T0 + 60 * SECOND)); // the epoch: T0 + 60 s
        // A new pod: started after the epoch, its first total is all new.
        send(h, total("b", T0 + 70 * SECOND, T0 + 90 * SECOND, 7));
        send(h, total("b", T0 + 70 * SECOND, T0 + 110 * SECOND, 12));
        // Started before the epoch: its first total is not counted.
        send(h, total("c", T0 + 30 * SECOND, T0 + 95 * SECOND, 40));
        h.processWatermark(new Watermark(T0 + 120 * SECOND));
        assertThat(sums(h)).containsExactly("requests@90=7.0", "requests@110=5.0");
    }

    @Test
    void aTotalThatFallsWithTheSameStartCountsNothingAndTheNextIsMeasuredFromIt() throws Exception {
        var h = fresh();
        long[] values = {100, 150, 20, 50};
        for (int i = 0; i < values.length; i++) {
            send(h, total("a", T0, T0 + (i + 1) * 10 * SECOND, values[i]));
        }
        h.processWatermark(new Watermark(T0 + 60 * SECOND));
        assertThat(sums(h)).containsExactly("requests@20=50.0", "requests@40=30.0");
    }

    @Test
    void aNewStartTimeAfterThePreviousPointCountsTheWholeTotal() throws Exception {
        var h = fresh();
        send(h, total("a", T0, T0 + 10 * SECOND, 100));
        send(h, total("a", T0, T0 + 20 * SECOND, 150));
        // The process restarted at 25 s: 7 since then.
        send(h, total("a", T0 + 25 * SECOND, T0 + 30 * SECOND, 7));
        send(h, total("a", T0 + 25 * SECOND, T0 + 40 * SECOND, 10));
        h.processWatermark(new Watermark(T0 + 60 * SECOND));
        assertThat(sums(h))
                .containsExactly("requests@20=50.0", "requests@30=7.0", "requests@40=3.0");
    }

    @Test
    void aNewStartTimeBeforeThePreviousPointCountsNothing() throws Exception {
        var h = fresh();
        send(h, total("a", T0, T0 + 10 * SECOND, 100));
        send(h, total("a", T0, T0 + 20 * SECOND, 150));
        // Its start lies before the previous point: part of it may have been counted already.
        send(h, total("a", T0 + 15 * SECOND, T0 + 30 * SECOND, 170));
        send(h, total("a", T0 + 15 * SECOND, T0 + 40 * SECOND, 171));
        h.processWatermark(new Watermark(T0 + 60 * SECOND));
        assertThat(sums(h)).containsExactly("requests@20=50.0", "requests@40=1.0");
    }

    @Test
    void pointsOutOfOrderBeforeTheWatermarkArePutInOrder() throws Exception {
        var h = fresh();
        send(h, total("a", T0, T0 + 30 * SECOND, 130));
        send(h, total("a", T0, T0 + 10 * SECOND, 100));
        send(h, total("a", T0, T0 + 20 * SECOND, 110));
        assertThat(h.extractOutputValues()).isEmpty(); // all wait for the watermark
        h.processWatermark(new Watermark(T0 + 30 * SECOND));
        assertThat(sums(h)).containsExactly("requests@20=10.0", "requests@30=20.0");
    }

    @Test
    void aLatePointOlderThanTheLastIsDroppedANewerOneCountsAtOnce() throws Exception {
        var h = fresh();
        send(h, total("a", T0, T0 + 10 * SECOND, 100));
        send(h, total("a", T0, T0 + 30 * SECOND, 130));
        h.processWatermark(new Watermark(T0 + 50 * SECOND));
        // Older than the last point: its increment is in the 30 s delta already.
        send(h, total("a", T0, T0 + 20 * SECOND, 110));
        // Behind the watermark but newer than the last: counted now.
        send(h, total("a", T0, T0 + 40 * SECOND, 145));
        // The same point again (a retried export): once.
        send(h, total("a", T0, T0 + 40 * SECOND, 145));
        assertThat(sums(h)).containsExactly("requests@30=30.0", "requests@40=15.0");
    }

    @ParameterizedTest(name = "rocksdb={0}")
    @ValueSource(booleans = {false, true})
    void aRestoredOperatorGoesOnAsIfItHadNotStopped(boolean rocksdb) throws Exception {
        var before = harness(null, rocksdb);
        send(before, total("a", T0, T0 + 10 * SECOND, 100));
        send(before, total("a", T0, T0 + 20 * SECOND, 120));
        before.processWatermark(new Watermark(T0 + 20 * SECOND)); // epoch: T0 + 20 s
        // Waiting for the watermark at the checkpoint.
        send(before, total("a", T0, T0 + 30 * SECOND, 125));
        OperatorSubtaskState snapshot = before.snapshot(1, T0);
        assertThat(sums(before)).containsExactly("requests@20=20.0");

        var after = harness(snapshot, rocksdb);
        send(after, total("a", T0, T0 + 40 * SECOND, 140));
        // Started after the restored epoch: whole; before it: not.
        send(after, total("new", T0 + 25 * SECOND, T0 + 35 * SECOND, 3));
        send(after, total("old", T0 + 15 * SECOND, T0 + 35 * SECOND, 9));
        after.processWatermark(new Watermark(T0 + 40 * SECOND));
        assertThat(sums(after))
                .containsExactly("requests@30=5.0", "requests@35=3.0", "requests@40=15.0");
    }

    @Test
    void histogramDeltasSubtractBucketsAndKeepAMaxThatMoved() throws Exception {
        var h = fresh();
        double[] bounds = {10, 100, 1000};
        send(h, histogram(T0, T0 + 10 * SECOND, 150, 5, 80, bounds, 1, 2, 0, 0));
        send(h, histogram(T0, T0 + 20 * SECOND, 1450, 5, 700, bounds, 1, 4, 2, 0));
        h.processWatermark(new Watermark(T0 + 20 * SECOND));
        List<MetricPoint> out = h.extractOutputValues();
        assertThat(out).hasSize(3);
        OtelPoint d = (OtelPoint) out.get(0);
        assertThat(d.series).isNull();
        assertThat(d.count).isEqualTo(4);
        assertThat(d.sum).isEqualTo(1300);
        assertThat(d.max).isEqualTo(700); // a new max: observed in between
        assertThat(d.min).isNaN(); // the series' min did not move: the interval's is unknown
        assertThat(d.lower).containsExactly(10, 100);
        // The last bucket ends at the series' max.
        assertThat(d.upper).containsExactly(100, 700);
        assertThat(d.counts).containsExactly(2, 2);
        assertThat(sums(h).subList(1, 3))
                .containsExactly("requests.count@20=4.0", "requests.sum@20=1300.0");
        assertThat(out.get(1).key).isEqualTo(GroupKey.join(List.of("requests.count", "checkout")));
    }

    @Test
    void aCoarserExponentialLayoutTakesTheOldBucketsIntoItsOwn() throws Exception {
        var h = fresh();
        // Scale 1: buckets (2^(i/2), 2^((i+1)/2)]; scale 0: (2^i, 2^(i+1)].
        OtelPoint fine = point("e", T0, T0 + 10 * SECOND);
        fine.kind = OtelPoint.HISTOGRAM;
        fine.count = 2;
        fine.sum = 5;
        setBuckets(
                fine,
                List.of(
                        new double[] {Math.pow(2, 1), Math.pow(2, 1.5), 1},
                        new double[] {Math.pow(2, 1.5), Math.pow(2, 2), 1}));
        OtelPoint coarse = point("e", T0, T0 + 20 * SECOND);
        coarse.kind = OtelPoint.HISTOGRAM;
        coarse.count = 5;
        coarse.sum = 30;
        setBuckets(coarse, List.of(new double[] {2, 4, 3}, new double[] {8, 16, 2}));
        send(h, fine);
        send(h, coarse);
        h.processWatermark(new Watermark(T0 + 20 * SECOND));
        OtelPoint d = (OtelPoint) h.extractOutputValues().get(0);
        assertThat(d.count).isEqualTo(3);
        assertThat(d.lower).containsExactly(2, 8);
        assertThat(d.upper).containsExactly(4, 16);
        assertThat(d.counts).containsExactly(1, 2);
    }

    @Test
    void aHistogramWhoseBucketsCannotHoldTheOldOnesIsAReset() throws Exception {
        var h = fresh();
        send(h, histogram(T0, T0 + 10 * SECOND, 50, 1, 40, new double[] {10, 100}, 1, 1, 0));
        // Bounds changed: (-inf, 5] cannot hold (-inf, 10].
        send(h, histogram(T0, T0 + 20 * SECOND, 90, 1, 40, new double[] {5, 100}, 1, 2, 0));
        send(h, histogram(T0, T0 + 30 * SECOND, 120, 1, 40, new double[] {5, 100}, 1, 3, 0));
        h.processWatermark(new Watermark(T0 + 30 * SECOND));
        // Nothing at 20 s; at 30 s one observation in (5, 100].
        assertThat(sums(h))
                .containsExactly(
                        "requests@30=30.0", "requests.count@30=1.0", "requests.sum@30=30.0");
    }
}
