package io.streamwatch.aggregation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;
import static org.assertj.core.api.Assertions.withinPercentage;

import io.streamwatch.records.MetricPoint;
import io.streamwatch.records.OtelPoint;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Histogram and summary points folded into a window's accumulator: counts weigh, min and max come
 * from the points, buckets reach the quantiles. Expected figures are worked out here from the
 * observations each point stands for, and from the documented representative of a bucket (the
 * geometric midpoint of the bucket clamped to [min, max]); the sketch adds its 1%.
 */
class DistributionFoldTest {
    /** The OTel SDKs' default explicit bounds. */
    private static final double[] DEFAULT_BOUNDS = {
        0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000
    };

    /**
     * A histogram point of these observations, bucketed with {@code bounds} the OTLP way (bucket i
     * is (bounds[i-1], bounds[i]]), with sum, min and max as an SDK records them.
     */
    private static OtelPoint histogramOf(double[] bounds, double... observations) {
        long[] bucketCounts = new long[bounds.length + 1];
        double sum = 0;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double x : observations) {
            int i = 0;
            while (i < bounds.length && x > bounds[i]) {
                i++;
            }
            bucketCounts[i]++;
            sum += x;
            min = Math.min(min, x);
            max = Math.max(max, x);
        }
        OtelPoint o = buckets(bounds, bucketCounts);
        o.sum = sum;
        o.min = min;
        o.max = max;
        return o;
    }

    /** A histogram point with these bucket counts and nothing else. */
    private static OtelPoint buckets(double[] bounds, long... bucketCounts) {
        OtelPoint o = new OtelPoint();
        o.kind = OtelPoint.HISTOGRAM;
        List<double[]> used = new ArrayList<>();
        for (int i = 0; i < bucketCounts.length; i++) {
            o.count += bucketCounts[i];
            if (bucketCounts[i] > 0) {
                used.add(
                        new double[] {
                            i == 0 ? Double.NEGATIVE_INFINITY : bounds[i - 1],
                            i == bounds.length ? Double.POSITIVE_INFINITY : bounds[i],
                            bucketCounts[i]
                        });
            }
        }
        o.lower = used.stream().mapToDouble(b -> b[0]).toArray();
        o.upper = used.stream().mapToDouble(b -> b[1]).toArray();
        o.counts = used.stream().mapToLong(b -> (long) b[2]).toArray();
        return o;
    }

    private static MetricAccumulator fold(MetricPoint... points) {
        MetricAggregateFunction f = new MetricAggregateFunction();
        MetricAccumulator acc = f.createAccumulator();
        for (MetricPoint p : points) {
            f.add(p, acc);
        }
        return acc;
    }

    private static double[] repeat(double value, int times) {
        double[] values = new double[times];
        java.util.Arrays.fill(values, value);
        return values;
    }

    private static double[] concat(double[] a, double[] b) {
        double[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    @Test
    void theIssuesTwoPointsGiveTheMeanOfTheirObservationsAndTheRealMax() {
        // (count 4, sum 400) and (count 2, sum 1000): the mean is 1400 / 6, not (100 + 500) / 2.
        OtelPoint a = histogramOf(DEFAULT_BOUNDS, 50, 75, 125, 150);
        OtelPoint b = histogramOf(DEFAULT_BOUNDS, 300, 700);
        MetricAccumulator acc = fold(a, b);
        assertThat(acc.getCount()).isEqualTo(6);
        assertThat(acc.getSum()).isEqualTo(1400);
        assertThat(acc.getMean()).isCloseTo(1400.0 / 6, offset(1e-9));
        assertThat(acc.getMin()).isEqualTo(50);
        assertThat(acc.getMax()).isEqualTo(700);
        // Lower quantile rank floor(0.99 * 5) = 4: the observation 300, in bucket (250, 500],
        // which b's min and max clamp to [300, 500].
        assertThat(acc.quantile(0.99)).isCloseTo(Math.sqrt(300 * 500.0), withinPercentage(1));
    }

    @Test
    void aP99RuleSeesTheTailOfTheBuckets() {
        // 97 fast requests and 3 slow ones: p99 (rank 98 of 0..99) is a slow one.
        double[] observations = concat(repeat(3, 97), new double[] {520, 610, 690});
        MetricAccumulator acc = fold(histogramOf(DEFAULT_BOUNDS, observations));
        assertThat(acc.quantile(0.99)).isGreaterThan(500);
        // Bucket (500, 750] clamped to the max, 690.
        assertThat(acc.quantile(0.99)).isCloseTo(Math.sqrt(500 * 690.0), withinPercentage(1));
        // p50 is in (0, 5], whose observations are all 3: min pins the bucket's lower end.
        assertThat(acc.quantile(0.5)).isCloseTo(Math.sqrt(3 * 5.0), withinPercentage(1));
        assertThat(acc.getMax()).isEqualTo(690);
    }

    @Test
    void aBucketPinnedByMinAndMaxIsExact() {
        MetricAccumulator acc = fold(histogramOf(DEFAULT_BOUNDS, repeat(42, 10)));
        for (double q : new double[] {0.5, 0.9, 0.99}) {
            assertThat(acc.quantile(q)).isCloseTo(42, withinPercentage(1));
        }
    }

    @Test
    void withoutMinAndMaxTheOpenBucketsEndAtTheirFiniteBound() {
        // 1 in (-inf, 5], 2 in (5, 10], 1 in (10, +inf); no min, max or sum.
        OtelPoint p = buckets(new double[] {5, 10}, 1, 2, 1);
        MetricAccumulator acc = fold(p);
        assertThat(acc.getCount()).isEqualTo(4);
        assertThat(acc.getMin()).isEqualTo(5);
        assertThat(acc.getMax()).isEqualTo(10);
        // No sum: estimated from the representatives 5, sqrt(50) twice, 10.
        assertThat(acc.getSum()).isCloseTo(5 + 2 * Math.sqrt(50) + 10, offset(1e-9));
    }

    @Test
    void bucketsAroundAndBelowZeroUseTheirMidpoints() {
        // (-4, -2] (an exponential histogram's negative bucket) and [-1, 1] (its zero bucket).
        OtelPoint p = new OtelPoint();
        p.kind = OtelPoint.HISTOGRAM;
        p.count = 3;
        p.lower = new double[] {-4, -1};
        p.upper = new double[] {-2, 1};
        p.counts = new long[] {1, 2};
        MetricAccumulator acc = fold(p);
        assertThat(acc.quantile(0.0)).isEqualTo(-4); // min: the lowest bound
        // Rank floor(0.5 * 2) = 1: the zero bucket, at 0.
        assertThat(acc.quantile(0.5)).isCloseTo(0, offset(0.01));
        assertThat(DistributionFold.representative(-4, -2)).isCloseTo(-Math.sqrt(8), offset(1e-12));
    }

    @Test
    void aHistogramWithoutBucketsCountsAtItsMean() {
        OtelPoint p = buckets(new double[0]);
        p.count = 4;
        p.sum = 100;
        MetricAccumulator acc = fold(p);
        assertThat(acc.getCount()).isEqualTo(4);
        assertThat(acc.quantile(0.5)).isCloseTo(25, withinPercentage(1));
    }

    @Test
    void plainValuesAndDistributionsWeighAlike() {
        // One plain value of 10 and a histogram of nine 1000s: the mean is (10 + 9000) / 10.
        MetricPoint plain = new MetricPoint("k", "m", 0, 10);
        MetricAccumulator acc = fold(plain, histogramOf(DEFAULT_BOUNDS, repeat(1000, 9)));
        assertThat(acc.getCount()).isEqualTo(10);
        assertThat(acc.getMean()).isCloseTo(901, offset(1e-9));
        assertThat(acc.getMin()).isEqualTo(10);
    }

    @Test
    void aSummaryReproducesItsReportedQuantilesAndWeighsItsMeanByCount() {
        OtelPoint s = new OtelPoint();
        s.kind = OtelPoint.SUMMARY;
        s.count = 100;
        s.sum = 4000;
        s.quantiles = new double[] {0.5, 0.9, 0.99};
        s.quantileValues = new double[] {10, 50, 200};
        OtelPoint small = new OtelPoint();
        small.kind = OtelPoint.SUMMARY;
        small.count = 1;
        small.sum = 1000;
        small.quantiles = new double[0];
        small.quantileValues = new double[0];
        MetricAccumulator acc = fold(s);
        // Steps: 50 at 10, 40 at 50, 10 at 200 (9 up to 0.99 and 1 above).
        assertThat(acc.quantile(0.5)).isCloseTo(10, withinPercentage(1)); // rank 49
        assertThat(acc.quantile(0.9)).isCloseTo(50, withinPercentage(1)); // rank 89
        assertThat(acc.quantile(0.95)).isCloseTo(200, withinPercentage(1)); // rank 94
        assertThat(acc.getMin()).isEqualTo(10);
        assertThat(acc.getMax()).isEqualTo(200);
        MetricAccumulator both = fold(s, small);
        assertThat(both.getMean()).isCloseTo(5000.0 / 101, offset(1e-9));
    }
}
