package io.streamwatch.aggregation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.util.Arrays;
import java.util.Random;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;

/**
 * Accuracy of {@link MetricAccumulator} against exact quantiles, and its exact figures.
 *
 * <p>The exact quantile is defined as DDSketch defines it: the lower quantile, the sample at
 * 0-based rank {@code floor(q * (n - 1))} of the sorted samples. The sketch's guarantee is relative
 * to that sample, so any other definition (interpolation, nearest rank) would test the definition
 * rather than the sketch.
 */
class MetricAccumulatorTest {
    /** SPEC section 3: quantiles "with at most 1% relative error"; not the production constant. */
    private static final double SPEC_RELATIVE_ERROR = 0.01;

    static final double[] QUANTILES = {0.5, 0.9, 0.95, 0.99};
    static final int N = 200_000;

    /** Latencies in ms: median 50, long right tail. */
    static double[] lognormal(Random random, int n) {
        return generate(n, () -> Math.exp(Math.log(50) + 0.8 * random.nextGaussian()));
    }

    /** Heavy tail (alpha 1.1: finite mean, infinite variance), minimum 1. */
    static double[] pareto(Random random, int n) {
        return generate(n, () -> 1.0 / Math.pow(1.0 - random.nextDouble(), 1.0 / 1.1));
    }

    /** Cache hits around 2 ms and misses around 300 ms, 70/30. */
    static double[] bimodal(Random random, int n) {
        return generate(
                n,
                () ->
                        random.nextDouble() < 0.7
                                ? Math.abs(2 + 0.3 * random.nextGaussian())
                                : Math.abs(300 + 40 * random.nextGaussian()));
    }

    /** A gauge that crosses zero: 15% exact zeros, the rest normal around 0.5 with sd 20. */
    static double[] signedWithZeros(Random random, int n) {
        return generate(
                n, () -> random.nextDouble() < 0.15 ? 0.0 : 0.5 + 20 * random.nextGaussian());
    }

    /** Mostly negative values spanning decades (e.g. a balance or a temperature delta). */
    static double[] mostlyNegative(Random random, int n) {
        return generate(
                n,
                () -> {
                    double magnitude = Math.exp(3 * random.nextGaussian());
                    double u = random.nextDouble();
                    return u < 0.05 ? 0.0 : u < 0.85 ? -magnitude : magnitude;
                });
    }

    static double[] generate(int n, DoubleSupplier supplier) {
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = supplier.getAsDouble();
        }
        return values;
    }

    static double exactQuantile(double[] sorted, double q) {
        return sorted[(int) Math.floor(q * (sorted.length - 1))];
    }

    static MetricAccumulator accumulate(double[] values) {
        MetricAccumulator acc = new MetricAccumulator();
        for (double v : values) {
            acc.add(v);
        }
        return acc;
    }

    /** Asserts p50..p99 within 1% of the exact lower quantile, and returns the worst error. */
    static double assertAccurate(String name, double[] values, MetricAccumulator acc) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        double worst = 0;
        for (double q : QUANTILES) {
            double exact = exactQuantile(sorted, q);
            double estimate = acc.quantile(q);
            if (exact == 0) {
                assertThat(estimate).as("%s q=%s of zero", name, q).isZero();
                continue;
            }
            double error = Math.abs(estimate - exact) / Math.abs(exact);
            worst = Math.max(worst, error);
            assertThat(error)
                    .as("%s q=%s exact=%s estimate=%s", name, q, exact, estimate)
                    .isLessThanOrEqualTo(SPEC_RELATIVE_ERROR);
        }
        return worst;
    }

    static void assertAccurate(String name, double[] values) {
        MetricAccumulator acc = accumulate(values);
        double worst = assertAccurate(name, values, acc);
        System.out.printf("%s: worst relative error %.5f%n", name, worst);
        assertThat(acc.getCount()).isEqualTo(values.length);
        assertThat(acc.getMin()).isEqualTo(Arrays.stream(values).min().getAsDouble());
        assertThat(acc.getMax()).isEqualTo(Arrays.stream(values).max().getAsDouble());
    }

    @Test
    void lognormalWithinOnePercent() {
        assertAccurate("lognormal", lognormal(new Random(1), N));
    }

    @Test
    void paretoWithinOnePercent() {
        assertAccurate("pareto", pareto(new Random(2), N));
    }

    @Test
    void bimodalWithinOnePercent() {
        assertAccurate("bimodal", bimodal(new Random(3), N));
    }

    @Test
    void signedWithZerosWithinOnePercent() {
        assertAccurate("signed with zeros", signedWithZeros(new Random(4), N));
    }

    @Test
    void mostlyNegativeWithinOnePercent() {
        assertAccurate("mostly negative", mostlyNegative(new Random(5), N));
    }

    /** Many seeds and small windows: the guarantee must hold for every window, not on average. */
    @Test
    void smallWindowsWithinOnePercent() {
        for (int seed = 0; seed < 200; seed++) {
            Random random = new Random(seed);
            int n = 1 + random.nextInt(2_000);
            double[] values =
                    switch (seed % 4) {
                        case 0 -> lognormal(random, n);
                        case 1 -> pareto(random, n);
                        case 2 -> bimodal(random, n);
                        default -> signedWithZeros(random, n);
                    };
            assertAccurate("window " + seed, values, accumulate(values));
        }
    }

    /**
     * 30 decades of positive values overflow 2048 bins: the lowest bins collapse, and p50..p99 (the
     * upper part) keep their guarantee.
     */
    @Test
    void collapsingKeepsUpperQuantiles() {
        Random random = new Random(6);
        double[] values = generate(N, () -> Math.pow(10, -15 + 30 * random.nextDouble()));
        assertAccurate("30 decades", values);
    }

    @Test
    void mergeEqualsOneAccumulatorOverAllValues() {
        Random random = new Random(7);
        double[] values = signedWithZeros(random, N);
        MetricAccumulator all = accumulate(values);
        MetricAccumulator left = new MetricAccumulator();
        MetricAccumulator right = new MetricAccumulator();
        for (double v : values) {
            (random.nextBoolean() ? left : right).add(v);
        }

        MetricAccumulator merged = left.merge(right);

        assertThat(merged).isSameAs(left);
        assertThat(merged.getCount()).isEqualTo(all.getCount());
        assertThat(merged.getMin()).isEqualTo(all.getMin());
        assertThat(merged.getMax()).isEqualTo(all.getMax());
        // Floating-point addition is not associative: equal up to rounding. See the test below.
        assertThat(merged.getSum()).isCloseTo(all.getSum(), within(1e-9 * Math.abs(all.getSum())));
        // Same mapping, same bins: the merged sketch is the same sketch, not just as accurate.
        for (double q : QUANTILES) {
            assertThat(merged.quantile(q)).as("q=%s", q).isEqualTo(all.quantile(q));
        }
        assertAccurate("merged", values, merged);
    }

    /** Whole-microsecond latencies: every partial sum is exact, so the merged sum is too. */
    @Test
    void mergeKeepsExactSumOfWholeValues() {
        Random random = new Random(8);
        double[] values = generate(N, () -> Math.rint(1000 * Math.exp(3 + random.nextGaussian())));
        MetricAccumulator all = accumulate(values);
        MetricAccumulator left = accumulate(Arrays.copyOfRange(values, 0, N / 3));
        MetricAccumulator right = accumulate(Arrays.copyOfRange(values, N / 3, N));

        left.merge(right);

        assertThat(left.getSum()).isEqualTo(all.getSum());
        assertThat(left.getCount()).isEqualTo(N);
        assertThat(left.getMean()).isEqualTo(all.getMean());
    }

    @Test
    void mergeWithEmptySides() {
        MetricAccumulator some = accumulate(new double[] {3, -1, 7});
        MetricAccumulator empty = new MetricAccumulator();

        assertThat(some.merge(new MetricAccumulator()).getCount()).isEqualTo(3);
        empty.merge(some);
        assertThat(empty.getCount()).isEqualTo(3);
        assertThat(empty.getMin()).isEqualTo(-1);
        assertThat(empty.getMax()).isEqualTo(7);
        assertThat(empty.getSum()).isEqualTo(9);
        assertThat(empty.quantile(0.5)).isCloseTo(3, within(0.03));
        // The source of a merge is left alone.
        assertThat(some.getCount()).isEqualTo(3);
    }

    @Test
    void emptyAccumulatorHasNoFigures() {
        MetricAccumulator empty = new MetricAccumulator();
        assertThat(empty.isEmpty()).isTrue();
        assertThat(empty.getCount()).isZero();
        assertThat(empty.getSum()).isZero();
        assertThat(empty.getMin()).isNaN();
        assertThat(empty.getMax()).isNaN();
        assertThat(empty.getMean()).isNaN();
        assertThat(empty.quantile(0.5)).isNaN();
    }

    @Test
    void quantilesAreClampedToMinAndMax() {
        MetricAccumulator one = accumulate(new double[] {123.456});
        for (double q : new double[] {0, 0.5, 0.99, 1}) {
            assertThat(one.quantile(q)).isEqualTo(123.456);
        }
        MetricAccumulator acc = accumulate(lognormal(new Random(9), 10_000));
        assertThat(acc.quantile(0)).isEqualTo(acc.getMin());
        assertThat(acc.quantile(1)).isEqualTo(acc.getMax());
    }

    @Test
    void zerosAndNegativeZeroAreExact() {
        MetricAccumulator acc = accumulate(new double[] {0.0, -0.0, 0.0});
        assertThat(acc.quantile(0.5)).isZero();
        assertThat(acc.getSum()).isZero();
    }

    /** Finite but beyond the sketch's range: must not fail the job; exact figures stay exact. */
    @Test
    void extremeFiniteValuesAreAccepted() {
        MetricAccumulator acc =
                accumulate(new double[] {Double.MAX_VALUE, -Double.MAX_VALUE, 0, 1e300, -1e300});
        assertThat(acc.getMax()).isEqualTo(Double.MAX_VALUE);
        assertThat(acc.getMin()).isEqualTo(-Double.MAX_VALUE);
        assertThat(acc.quantile(0.5)).isZero();
        assertThat(acc.quantile(0.75)).isCloseTo(1e300, within(1e298));
        assertThat(acc.quantile(1)).isEqualTo(Double.MAX_VALUE);
    }

    /**
     * The documented price of the memory bound: one sign spanning more than ~17 decades collapses
     * the bins closest to zero, so a small value next to a huge one is reported too large. The
     * upper part stays accurate.
     */
    @Test
    void hugeDynamicRangeCollapsesValuesNearZero() {
        MetricAccumulator acc = accumulate(new double[] {1, 1e30, 2e30});
        acc.sketch(); // three samples are exact until the sketch is made
        assertThat(acc.quantile(0.25)).as("rank 0: the sample 1").isGreaterThan(1e10);
        assertThat(acc.quantile(0.5)).isCloseTo(1e30, within(1e28));
        assertThat(acc.quantile(0)).as("min stays exact").isEqualTo(1);
    }

    /**
     * The one-walk read of several quantiles gives exactly what the sketch's own read gives for
     * each (clamped to [min, max]): on every shape of this class, the collapsed one, small counts
     * and quantile lists with repeats and the ends.
     */
    @Test
    void quantilesReadInOneWalkEqualTheSketchsOwnReads() {
        Random random = new Random(11);
        double[][] qLists = {
            QUANTILES, {0, 0.5, 1}, {0.001, 0.25, 0.25, 0.75, 0.999}, {0.5}, {0.99, 0.99, 1}
        };
        for (int round = 0; round < 200; round++) {
            int n = 1 + random.nextInt(round < 100 ? 20 : 5000);
            double[] values;
            switch (round % 6) {
                case 0:
                    values = lognormal(random, n);
                    break;
                case 1:
                    values = signedWithZeros(random, n);
                    break;
                case 2:
                    values = mostlyNegative(random, n);
                    break;
                case 3:
                    values = bimodal(random, n);
                    break;
                case 4:
                    values = generate(n, () -> Math.pow(10, 35 * random.nextDouble() - 5));
                    break;
                default:
                    values = generate(n, () -> random.nextInt(3) - 1.0);
            }
            MetricAccumulator acc = accumulate(values);
            if (round % 7 == 0) {
                acc.merge(accumulate(pareto(random, 1 + random.nextInt(100))));
            }
            acc.sketch(); // up to 32 samples would still be exact
            for (double[] qs : qLists) {
                double[] got = acc.quantiles(qs);
                for (int i = 0; i < qs.length; i++) {
                    double q = qs[i];
                    double own =
                            q == 0
                                    ? acc.getMin()
                                    : q == 1
                                            ? acc.getMax()
                                            : Math.max(
                                                    acc.getMin(),
                                                    Math.min(
                                                            acc.getMax(),
                                                            acc.sketch().getValueAtQuantile(q)));
                    assertThat(got[i]).as("round %d, n %d, q %s", round, n, q).isEqualTo(own);
                }
            }
        }
        assertThat(new MetricAccumulator().quantiles(QUANTILES)).containsOnly(Double.NaN);
    }

    /**
     * Up to {@value MetricAccumulator#EXACT_SAMPLES} samples, added one by one or merged, stay
     * exact and their quantiles are the samples themselves; the next sample makes the sketch, which
     * then holds them all. The expected quantiles are the test's own: the sample at the lower rank.
     */
    @Test
    void fewSamplesAreExactAndTheirQuantilesTheSamplesThemselves() throws IOException {
        Random random = new Random(12);
        int limit = MetricAccumulator.EXACT_SAMPLES;
        double[] qs = {0, 0.25, 0.5, 0.9, 0.95, 0.99, 1};
        for (int round = 0; round < 300; round++) {
            int n = 1 + random.nextInt(limit);
            double[] values = round % 2 == 0 ? signedWithZeros(random, n) : pareto(random, n);
            MetricAccumulator acc;
            if (round % 3 == 0) {
                int cut = random.nextInt(n + 1);
                // Through the serializer: a restored accumulator's array is just long enough.
                acc =
                        MetricAccumulatorSerializerTest.deserialize(
                                MetricAccumulatorSerializerTest.serialize(
                                        accumulate(Arrays.copyOfRange(values, 0, cut))));
                acc.merge(accumulate(Arrays.copyOfRange(values, cut, n)));
            } else {
                acc = accumulate(values);
            }
            assertThat(acc.isExact()).as("round %d, n %d", round, n).isTrue();
            assertThat(acc.exactSamples().length)
                    .as("never more room than the limit")
                    .isLessThanOrEqualTo(limit);
            double[] sorted = values.clone();
            Arrays.sort(sorted);
            double[] got = acc.quantiles(qs);
            for (int i = 0; i < qs.length; i++) {
                assertThat(got[i])
                        .as("round %d, n %d, q %s", round, n, qs[i])
                        .isEqualTo(sorted[(int) Math.floor(qs[i] * (n - 1))]);
            }
            assertThat(acc.getCount()).isEqualTo(n);
            assertThat(acc.getMin()).isEqualTo(sorted[0]);
            assertThat(acc.getMax()).isEqualTo(sorted[n - 1]);
        }

        double[] more = lognormal(random, limit + 1);
        MetricAccumulator acc = accumulate(Arrays.copyOf(more, limit));
        assertThat(acc.isExact()).isTrue();
        int exactBytes = acc.heapBytes();
        acc.add(more[limit]);
        assertThat(acc.isExact()).as("one sample more makes the sketch").isFalse();
        assertThat(acc.sketch().getCount()).isEqualTo(limit + 1.0);
        assertThat(exactBytes).isLessThan(acc.heapBytes());
        assertAccurate("exact then sketch", more, acc);
        assertThat(new MetricAccumulator().heapBytes())
                .as("an empty accumulator is small")
                .isLessThan(100);
    }

    /**
     * Merging exact samples into more than the limit, or a sketch into exact samples (and the other
     * way), makes a sketch that holds every sample of both sides.
     */
    @Test
    void mergesBeyondTheLimitMakeASketchOfAllSamples() {
        Random random = new Random(13);
        int limit = MetricAccumulator.EXACT_SAMPLES;
        double[] values = lognormal(random, 3 * limit);
        double[][] splits = {
            {limit - 1, limit - 1}, {limit, 1}, {1, 2 * limit}, {2 * limit, 3}, {limit, limit}
        };
        for (double[] split : splits) {
            int a = (int) split[0];
            int b = (int) split[1];
            MetricAccumulator left = accumulate(Arrays.copyOfRange(values, 0, a));
            MetricAccumulator right = accumulate(Arrays.copyOfRange(values, a, a + b));
            MetricAccumulator merged = left.merge(right);
            double[] both = Arrays.copyOfRange(values, 0, a + b);
            assertThat(merged.isExact()).as("%d + %d", a, b).isEqualTo(a + b <= limit);
            assertThat(merged.getCount()).isEqualTo(a + b);
            assertThat(right.getCount()).as("the other side is left as it was").isEqualTo(b);
            assertAccurate(a + " + " + b, both, merged);
            assertThat(merged.sketch().getCount()).isEqualTo((double) (a + b));
        }
    }

    @Test
    void rejectsQuantilesOutOfOrder() {
        MetricAccumulator acc = accumulate(new double[] {1});
        assertThatIllegalArgumentException().isThrownBy(() -> acc.quantiles(0.9, 0.5));
    }

    @Test
    void rejectsQuantilesOutsideZeroToOne() {
        MetricAccumulator acc = accumulate(new double[] {1});
        assertThatIllegalArgumentException().isThrownBy(() -> acc.quantile(1.5));
    }
}
