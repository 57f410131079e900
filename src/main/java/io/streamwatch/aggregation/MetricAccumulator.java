package io.streamwatch.aggregation;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.mapping.IndexMapping;
import com.datadoghq.sketch.ddsketch.mapping.LogarithmicMapping;
import com.datadoghq.sketch.ddsketch.store.Bin;
import com.datadoghq.sketch.ddsketch.store.BinAcceptor;
import com.datadoghq.sketch.ddsketch.store.CollapsingLowestDenseStore;
import com.datadoghq.sketch.ddsketch.store.Store;
import java.util.Arrays;
import java.util.Iterator;
import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * The running figures of one metric key in one window: exact count, sum, min and max, and a
 * DDSketch for quantiles with at most 1% relative error (SPEC section 3). It exists because the
 * window keeps one of these per key in Flink state (up to 1M keys), so it must be small, mergeable
 * (sliding and session windows, pre-aggregation) and serialized by {@link
 * MetricAccumulatorSerializer}, never by Kryo; the {@link TypeInfo} annotation is what tells Flink.
 *
 * <p>Sketch configuration, and why:
 *
 * <ul>
 *   <li><b>Logarithmic mapping, relative accuracy 0.01.</b> Of the DDSketch mappings it needs the
 *       fewest bins for a given accuracy (the interpolated ones trade a few percent more bins for a
 *       cheaper index computation); bins are what state size is made of. Every returned quantile is
 *       within 1% of the exact lower quantile (see {@link #quantile}). The mapping is immutable and
 *       shared by all accumulators, so a key pays only for its bins.
 *   <li><b>Collapsing-lowest dense stores, at most {@value #MAX_BINS_PER_SIGN} bins per sign.</b> A
 *       dense store costs one counter per bin between the lowest and highest occupied bin, which is
 *       what a unimodal latency or gauge distribution fills anyway, and it bounds a key's memory (2
 *       x 16 KiB at worst) whatever the input. With bins of ratio (1.01/0.99), 2048 bins cover a
 *       dynamic range of about 6e17 per sign, so the cap is only reached by a key whose values of
 *       one sign span more than 17 decades. When it is reached, the bins of smallest magnitude
 *       (closest to zero) are merged: p50..p99 of positive metrics, which live in the upper part of
 *       the range, keep their guarantee, and what loses relative accuracy are values so close to
 *       zero that their absolute error is negligible. (The library's sparse store would avoid
 *       paying for empty bins but costs a tree node per bin; the unbounded dense store has no
 *       memory bound.)
 * </ul>
 *
 * <p><b>Exact samples first.</b> Up to {@value #EXACT_SAMPLES} samples are kept as they are, and
 * the sketch is made only when more arrive (or a distribution or a sketch is merged in). Why: with
 * many keys most keys have a few samples per window (a million keys at two million points a minute:
 * two each), and an empty sketch alone costs about 0.9 KB of heap (a dense store's first array),
 * which made a million keys' open windows outgrow the window operator's heap budget and spill to
 * RocksDB. A few exact samples take a tenth of that, and their quantiles are exact.
 *
 * <p>Not thread-safe, like all Flink state values.
 */
@TypeInfo(MetricAccumulatorTypeInfoFactory.class)
public final class MetricAccumulator {

    /** The sketch's relative accuracy guarantee: 1%. */
    public static final double RELATIVE_ACCURACY = 0.01;

    /** The memory bound of each of the two stores (negative and positive values). */
    public static final int MAX_BINS_PER_SIGN = 2048;

    /** Samples kept exactly before the sketch is made: at most as much heap as an empty sketch. */
    public static final int EXACT_SAMPLES = 32;

    /**
     * Heap bytes of an accumulator with a sketch, as the window operator's budget counts it: 0.9 KB
     * measured with one sample, 2.2 KB with a hundred (a dense store grows as its range does).
     */
    static final int SKETCH_BYTES = 2048;

    /** Object header, count, sum, min, max and two references. */
    private static final int OWN_BYTES = 56;

    private static final double[] NO_SAMPLES = {};

    /**
     * Shared: immutable, and every accumulator must use it to be mergeable. Stored bins are indexes
     * of this mapping, so the serializer's snapshot records its kind and accuracy: a checkpoint
     * written with another accuracy is migrated on restore (see {@link
     * MetricAccumulatorSerializer.Snapshot}), never read with the wrong mapping.
     */
    static final IndexMapping MAPPING = new LogarithmicMapping(RELATIVE_ACCURACY);

    /**
     * Finite values beyond this (about 1.7e308) cannot be indexed; they are clamped for the sketch
     * only, so that an absurd sample cannot fail the job. Count, sum, min and max stay exact.
     */
    private static final double MAX_TRACKABLE = MAPPING.maxIndexableValue();

    private long count;
    private double sum;
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;

    /** The samples while there is no sketch: the first {@link #count} of them are used. */
    private double[] samples;

    /** The sketch, once made: then it holds every sample and {@link #samples} is null. */
    private DDSketch sketch;

    /** An empty accumulator. */
    public MetricAccumulator() {
        this.samples = NO_SAMPLES;
    }

    private MetricAccumulator(DDSketch sketch) {
        this.sketch = sketch;
    }

    private MetricAccumulator(double[] samples) {
        this.samples = samples;
    }

    static DDSketch newSketch() {
        return newSketch(MAPPING);
    }

    /** A sketch with this class's stores and another mapping (for the serializer's migration). */
    static DDSketch newSketch(IndexMapping mapping) {
        return new DDSketch(mapping, MetricAccumulator::newStore);
    }

    /**
     * An empty accumulator whose sketch uses another mapping, for tests of state written with
     * another accuracy. It cannot merge with ordinary accumulators.
     */
    @VisibleForTesting
    static MetricAccumulator withMapping(IndexMapping mapping) {
        return new MetricAccumulator(newSketch(mapping));
    }

    private static Store newStore() {
        return new CollapsingLowestDenseStore(MAX_BINS_PER_SIGN);
    }

    /** Adds one sample; values are finite (the parser rejects NaN and infinities). */
    public void add(double value) {
        if (sketch == null && count < EXACT_SAMPLES) {
            int n = (int) count;
            if (n == samples.length) {
                samples = Arrays.copyOf(samples, n == 0 ? 4 : 2 * n);
            }
            samples[n] = value;
        } else {
            sketch().accept(clamp(value));
        }
        count++;
        sum += value;
        if (value < min) {
            min = value;
        }
        if (value > max) {
            max = value;
        }
    }

    private static double clamp(double value) {
        return Math.max(-MAX_TRACKABLE, Math.min(MAX_TRACKABLE, value));
    }

    /**
     * Adds {@code count} observations known only as a distribution (an OpenTelemetry histogram or
     * summary point, see {@link DistributionFold}): their exact sum, min and max, and {@code
     * counts[i]} of them at {@code values[i]} in the sketch. The counts must add up to {@code
     * count}, so that the sketch always holds as many samples as the count says (the serializer
     * relies on it).
     */
    public void addDistribution(
            long count, double sum, double min, double max, double[] values, long[] counts) {
        if (count <= 0) {
            return;
        }
        // The samples so far go into the sketch before the count says more.
        sketch();
        this.count += count;
        this.sum += sum;
        if (min < this.min) {
            this.min = min;
        }
        if (max > this.max) {
            this.max = max;
        }
        DDSketch s = sketch();
        for (int i = 0; i < values.length; i++) {
            if (counts[i] > 0) {
                s.accept(clamp(values[i]), counts[i]);
            }
        }
    }

    /** Adds the samples of {@code other} (left unchanged) to this one, and returns this one. */
    public MetricAccumulator merge(MetricAccumulator other) {
        if (other.count == 0) {
            return this;
        }
        if (sketch == null && other.sketch == null && count + other.count <= EXACT_SAMPLES) {
            int n = (int) count;
            int m = (int) other.count;
            if (n + m > samples.length) {
                samples = Arrays.copyOf(samples, Math.min(EXACT_SAMPLES, Math.max(n + m, 2 * n)));
            }
            System.arraycopy(other.samples, 0, samples, n, m);
        } else if (other.sketch != null) {
            sketch().mergeWith(other.sketch);
        } else {
            DDSketch s = sketch();
            for (int i = 0; i < other.count; i++) {
                s.accept(clamp(other.samples[i]));
            }
        }
        count += other.count;
        sum += other.sum;
        min = Math.min(min, other.min);
        max = Math.max(max, other.max);
        return this;
    }

    /**
     * The lower quantile {@code q} in [0, 1]: the sample at 0-based rank {@code floor(q * (count -
     * 1))} of the sorted samples, exactly while they are exact, else an estimate within 1% of it
     * relatively. {@code q = 0} and {@code q = 1} are the exact min and max. Other estimates are
     * clamped to [min, max], which can only bring them closer (a bin's representative value may lie
     * outside the samples). NaN when empty.
     */
    public double quantile(double q) {
        return quantiles(q)[0];
    }

    /**
     * Several {@linkplain #quantile quantiles} at once, {@code qs} in ascending order, read in one
     * walk over the bins. Why: the sketch's own read counted all bins and walked them again for
     * each quantile (with an object per bin visited), and each window's aggregates read four. The
     * walk is the sketch's own ({@code DDSketch.getValueAtQuantile}): the same running count over
     * the same bins in the same order, so each result is the same double.
     */
    public double[] quantiles(double... qs) {
        double[] out = new double[qs.length];
        for (int i = 0; i < qs.length; i++) {
            if (!(qs[i] >= 0 && qs[i] <= 1)) {
                throw new IllegalArgumentException("quantile must be in [0, 1]: " + qs[i]);
            }
            if (i > 0 && qs[i] < qs[i - 1]) {
                throw new IllegalArgumentException("quantiles must ascend: " + qs[i]);
            }
        }
        if (count == 0) {
            Arrays.fill(out, Double.NaN);
            return out;
        }
        if (sketch == null) {
            // Exact: the sample at that rank. Sorting in place changes nothing the accumulator
            // means (the order of samples is not kept anywhere else).
            Arrays.sort(samples, 0, (int) count);
            for (int i = 0; i < qs.length; i++) {
                out[i] = samples[(int) Math.floor(qs[i] * (count - 1))];
            }
            return out;
        }
        new QuantileWalk(sketch, count, qs, out).run();
        for (int i = 0; i < qs.length; i++) {
            out[i] = qs[i] == 0 ? min : qs[i] == 1 ? max : Math.max(min, Math.min(max, out[i]));
        }
        return out;
    }

    /** One ascending walk over a sketch's bins that reads the values at several ranks. */
    private static final class QuantileWalk implements BinAcceptor {
        private final DDSketch sketch;
        private final double[] ranks;
        private final double[] out;
        private final IndexMapping mapping;

        /**
         * The sketch's count of samples: the accumulator's count, which it always equals (see
         * {@link MetricAccumulator#addDistribution}), taken from there rather than summed over
         * every bin once more.
         */
        private final double total;

        /** Samples at or below the bins visited so far. */
        private double seen;

        /** The first rank not yet read. */
        private int next;

        QuantileWalk(DDSketch sketch, long count, double[] qs, double[] out) {
            this.sketch = sketch;
            this.out = out;
            this.mapping = sketch.getIndexMapping();
            this.total = count;
            this.ranks = new double[qs.length];
            for (int i = 0; i < qs.length; i++) {
                ranks[i] = qs[i] * (total - 1);
            }
        }

        void run() {
            Store negative = sketch.getNegativeValueStore();
            Store positive = sketch.getPositiveValueStore();
            // The sketch keeps its zero count to itself; its counts are whole numbers (below
            // 2^53), so this difference is exact.
            double zeros = total - negative.getTotalCount() - positive.getTotalCount();
            Iterator<Bin> below = negative.getDescendingIterator();
            while (next < ranks.length && below.hasNext()) {
                Bin b = below.next();
                visit(b.getCount(), -mapping.value(b.getIndex()));
            }
            if (next < ranks.length) {
                visit(zeros, 0);
            }
            if (next < ranks.length) {
                positive.forEach(this);
            }
            if (next < ranks.length) {
                throw new IllegalStateException("the sketch holds fewer samples than it counts");
            }
        }

        @Override
        public void accept(int index, double count) {
            if (next < ranks.length) {
                seen += count;
                if (seen > ranks[next]) {
                    double value = mapping.value(index);
                    do {
                        out[next++] = value;
                    } while (next < ranks.length && seen > ranks[next]);
                }
            }
        }

        private void visit(double count, double value) {
            seen += count;
            while (next < ranks.length && seen > ranks[next]) {
                out[next++] = value;
            }
        }
    }

    /** A deep copy: the state backend relies on copies being independent. */
    public MetricAccumulator copy() {
        MetricAccumulator copy =
                sketch == null
                        ? new MetricAccumulator(Arrays.copyOf(samples, (int) count))
                        : new MetricAccumulator(sketch.copy());
        copy.count = count;
        copy.sum = sum;
        copy.min = min;
        copy.max = max;
        return copy;
    }

    public long getCount() {
        return count;
    }

    public double getSum() {
        return sum;
    }

    /** The smallest sample; NaN when empty. */
    public double getMin() {
        return count == 0 ? Double.NaN : min;
    }

    /** The largest sample; NaN when empty. */
    public double getMax() {
        return count == 0 ? Double.NaN : max;
    }

    /** NaN when empty. */
    public double getMean() {
        return count == 0 ? Double.NaN : sum / count;
    }

    public boolean isEmpty() {
        return count == 0;
    }

    /**
     * About how many bytes of heap this accumulator takes, for the window operator's budget: exact
     * samples as they are, a sketch as {@link #SKETCH_BYTES}.
     */
    public int heapBytes() {
        return OWN_BYTES + (sketch == null ? 16 + 8 * samples.length : SKETCH_BYTES);
    }

    // Package-private access for the serializer, which writes the samples or bins itself.

    /** Whether the samples are still exact: then {@link #exactSamples} has them, no sketch. */
    boolean isExact() {
        return sketch == null;
    }

    /** The exact samples, the first {@link #getCount} of the array; only while {@link #isExact}. */
    double[] exactSamples() {
        return samples;
    }

    /** The sketch, made from the exact samples first if there was none (for good). */
    DDSketch sketch() {
        if (sketch == null) {
            DDSketch s = newSketch();
            for (int i = 0; i < count; i++) {
                s.accept(clamp(samples[i]));
            }
            sketch = s;
            samples = null;
        }
        return sketch;
    }

    /**
     * Restores exact samples and figures: {@code samples} (taken over, the first {@code count}
     * used) go into a sketch if there are more than this build keeps exactly.
     */
    void setExact(long count, double sum, double min, double max, double[] samples) {
        this.sketch = null;
        this.samples = samples;
        this.count = count;
        if (count > EXACT_SAMPLES) {
            sketch();
        }
        this.sum = sum;
        this.min = min;
        this.max = max;
    }

    /** Restores the exact figures; the caller fills {@link #sketch()} with the same samples. */
    void setFigures(long count, double sum, double min, double max) {
        this.count = count;
        this.sum = sum;
        this.min = min;
        this.max = max;
    }

    /** Empties this accumulator: exact again, with no sketch. */
    void clear() {
        count = 0;
        sum = 0;
        min = Double.POSITIVE_INFINITY;
        max = Double.NEGATIVE_INFINITY;
        sketch = null;
        samples = NO_SAMPLES;
    }

    @Override
    public String toString() {
        if (count == 0) {
            return "MetricAccumulator{empty}";
        }
        return "MetricAccumulator{count="
                + count
                + ", sum="
                + sum
                + ", min="
                + min
                + ", max="
                + max
                + ", p50="
                + quantile(0.5)
                + ", p99="
                + quantile(0.99)
                + "}";
    }
}
