package io.streamwatch.aggregation;

import io.streamwatch.records.OtelPoint;

/**
 * Folds an OpenTelemetry histogram or summary point into a window's {@link MetricAccumulator} as
 * the {@code count} observations it stands for, so that a window's count, mean and quantiles weigh
 * each observation once, whichever way it arrived. It exists because such a point is not a value:
 * averaging the points' means, or ignoring their buckets, gives figures no rule can trust.
 *
 * <ul>
 *   <li>count and sum are the point's (a histogram without {@code sum}: the sum of its buckets'
 *       representative values, an estimate); min and max are the point's, else the outermost bounds
 *       of its buckets with a count.
 *   <li>Histogram buckets go into the sketch: each bucket's count at one representative value
 *       inside it, after clamping the bucket to [min, max]: the geometric midpoint of a positive
 *       (or negative) bucket, which keeps the relative error to a bucket's half-width in log scale,
 *       and the arithmetic midpoint of a bucket around zero. An open-ended bucket ends at min or
 *       max (or is its one finite bound when they are unknown). Quantiles are then only as fine as
 *       the buckets: a quantile that falls into bucket (250, 500] is reported as a value of that
 *       bucket (about 354 without min and max), exact only where min and max pin it down (a bucket
 *       whose observations are all equal, or p0 and p100). The sketch's own 1% applies on top.
 *   <li>Summary points carry quantiles over some recent period, which cannot be merged exactly. The
 *       count is spread over the reported quantiles as steps: the share between two reported
 *       quantiles goes to the value of the higher one, what lies above the highest to its value.
 *       One summary point per window therefore reproduces its own reported quantiles (p95 reads the
 *       next reported quantile up); several points give the quantiles of the mixture of those
 *       steps, weighted by their counts. Min and max are the values of the lowest and highest
 *       reported quantile (the true min and max when quantiles 0 and 1 are reported, else bounds
 *       inside the data). A summary without quantiles puts its count at its mean.
 * </ul>
 */
public final class DistributionFold {
    private DistributionFold() {}

    /** Adds the observations of a histogram or summary point to {@code acc}. */
    public static void fold(OtelPoint p, MetricAccumulator acc) {
        if (p.kind == OtelPoint.SUMMARY) {
            foldSummary(p, acc);
        } else {
            foldHistogram(p, acc);
        }
    }

    private static void foldHistogram(OtelPoint p, MetricAccumulator acc) {
        boolean knownMin = !Double.isNaN(p.min);
        boolean knownMax = !Double.isNaN(p.max);
        double[] lowerBounds = p.lower;
        double[] upperBounds = p.upper;
        long[] counts = p.counts;
        if (counts == null || counts.length == 0) {
            // No buckets: one bucket over everything, pinned down by min, max or the mean.
            if (p.count <= 0) {
                return;
            }
            double mean = p.sum / p.count;
            double lo = knownMin ? p.min : Double.NEGATIVE_INFINITY;
            double hi = knownMax ? p.max : Double.POSITIVE_INFINITY;
            if (Double.isInfinite(lo) && Double.isInfinite(hi)) {
                if (Double.isNaN(mean)) {
                    return; // nothing to measure: no sum, no bounds
                }
                lo = mean;
                hi = mean;
            }
            lowerBounds = new double[] {lo};
            upperBounds = new double[] {hi};
            counts = new long[] {p.count};
        }
        int n = counts.length;
        double[] values = new double[n];
        long total = 0;
        double lowest = Double.POSITIVE_INFINITY;
        double highest = Double.NEGATIVE_INFINITY;
        double estimatedSum = 0;
        for (int i = 0; i < n; i++) {
            double lo = lowerBounds[i];
            double hi = upperBounds[i];
            if (knownMin) {
                lo = Math.max(lo, p.min);
                hi = Math.max(hi, p.min);
            }
            if (knownMax) {
                hi = Math.min(hi, p.max);
                lo = Math.min(lo, p.max);
            }
            if (lo == Double.NEGATIVE_INFINITY) {
                lo = hi;
            }
            if (hi == Double.POSITIVE_INFINITY) {
                hi = lo;
            }
            values[i] = representative(lo, hi);
            lowest = Math.min(lowest, lo);
            highest = Math.max(highest, hi);
            total += counts[i];
            estimatedSum += values[i] * counts[i];
        }
        if (total <= 0) {
            return;
        }
        acc.addDistribution(
                total,
                Double.isNaN(p.sum) ? estimatedSum : p.sum,
                knownMin ? p.min : lowest,
                knownMax ? p.max : highest,
                values,
                counts);
    }

    /** The value a bucket's observations are counted at; see the class doc. */
    static double representative(double lo, double hi) {
        if (lo >= hi) {
            return hi;
        }
        if (lo > 0) {
            return lo * Math.sqrt(hi / lo); // the geometric midpoint, without overflow
        }
        if (hi < 0) {
            return -representative(-hi, -lo);
        }
        return lo / 2 + hi / 2;
    }

    private static void foldSummary(OtelPoint p, MetricAccumulator acc) {
        long count = p.count;
        if (count <= 0) {
            return;
        }
        double[] q = p.quantiles;
        if (q == null || q.length == 0) {
            double mean = p.sum / count;
            if (Double.isNaN(mean)) {
                return;
            }
            acc.addDistribution(count, p.sum, mean, mean, new double[] {mean}, new long[] {count});
            return;
        }
        int n = q.length;
        double[] values = new double[n];
        long[] counts = new long[n];
        long below = 0;
        double previous = Double.NEGATIVE_INFINITY;
        double estimatedSum = 0;
        for (int i = 0; i < n; i++) {
            // Quantile values cannot fall as the quantile rises; a summary that says so is
            // read as flat there.
            values[i] = Math.max(previous, p.quantileValues[i]);
            previous = values[i];
            long upTo = i == n - 1 ? count : Math.min(count, Math.round(count * q[i]));
            counts[i] = Math.max(0, upTo - below);
            below += counts[i];
            estimatedSum += values[i] * counts[i];
        }
        acc.addDistribution(
                count,
                Double.isNaN(p.sum) ? estimatedSum : p.sum,
                values[0],
                values[n - 1],
                values,
                counts);
    }
}
