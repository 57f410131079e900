package io.streamwatch.anomaly;

/**
 * How often a key's deviations were how large: the calibration that turns a deviation into a tail
 * probability against the key's own history, so a series with frequent spikes of some size does not
 * page for the next one of that size.
 *
 * <p>Three statistics are kept, each above and below: the deviation of the point ({@code z}), and
 * the smaller of the last two (three) deviations when they are on the same side, which is how a
 * step shows before a single point is extreme. For each, exponentially weighted counts of the
 * points beyond {@link #THRESHOLDS} (1.5 to 7.6 spreads, each 1.5 times the last): the tail
 * probability of a deviation is read off these counts, interpolated as a power law between two
 * thresholds, and beyond the last threshold with {@link #MIN_COUNT} points extrapolated with the
 * power of the last two. A power law overstates the probabilities of light (Gaussian) tails, never
 * understates them, and fits heavy ones; where two or three points are combined and their own
 * counts run out, the power of the single points' tail times what such a run is worth: two (three)
 * for independent points, less as far as runs beyond the lowest threshold were more frequent than
 * independence makes them. A deviation is never taken as rarer than the share of points beyond a
 * higher threshold: one spike of 10 makes the next 8 unremarkable, and frequent ones keep it so.
 *
 * <p>The history starts from a prior of {@link #PRIOR_POINTS} pseudo-points a little heavier-tailed
 * than Gaussian noise, and fades with a memory of {@link #MEMORY_POINTS} points.
 */
final class ScoreTail {
    /** Statistics: the last point, the last two, the last three. */
    static final int STATS = 3;

    /** The thresholds counted, in spreads. */
    static final double[] THRESHOLDS = {1.5, 2.25, 3.375, 5.0625, 7.59375};

    static final int T = THRESHOLDS.length;

    /** Weighted points beyond a threshold for its count to be read as a probability. */
    static final double MIN_COUNT = 3;

    /** Pseudo-points of the prior. */
    static final double PRIOR_POINTS = 200;

    /** Points the history remembers (an exponential memory of this mean age). */
    static final double MEMORY_POINTS = 2000;

    /**
     * The prior's share of points beyond each threshold on one side, for one point: between a
     * Gaussian's (0.067, 0.012, 0.0004, 0, 0) and a Student t's with 3 degrees of freedom. Nothing
     * at the two highest: there, only real points count as evidence.
     */
    static final double[] PRIOR_SHARE = {0.09, 0.03, 0.006, 0, 0};

    /** The power assumed for a single point's tail before there are counts to measure it. */
    static final double DEFAULT_POWER = 4;

    /** Powers are held in this range (per point; times two or three for the combined ones). */
    static final double MIN_POWER = 2;

    static final double MAX_POWER = 12;

    private static final double[] LOG_T = new double[T];

    static {
        for (int j = 0; j < T; j++) {
            LOG_T[j] = Math.log(THRESHOLDS[j]);
        }
    }

    double n;

    /** Index: (stat * 2 + side) * T + threshold; side 0: above, 1: below. */
    final double[] counts = new double[STATS * 2 * T];

    /** The prior: what a fresh key's calibration starts from. */
    void startFromPrior() {
        n = PRIOR_POINTS;
        for (int k = 0; k < STATS; k++) {
            for (int side = 0; side < 2; side++) {
                for (int j = 0; j < T; j++) {
                    counts[(k * 2 + side) * T + j] = PRIOR_POINTS * Math.pow(PRIOR_SHARE[j], k + 1);
                }
            }
        }
    }

    /** P(statistic {@code k} on {@code side} is at least {@code x}), x in spreads (positive). */
    double tail(int k, int side, double x) {
        if (!(x > THRESHOLDS[0])) {
            // No evidence either way below the lowest threshold: as likely as it gets.
            return 1;
        }
        int base = (k * 2 + side) * T;
        int reliable = -1;
        for (int j = 0; j < T; j++) {
            if (counts[base + j] >= MIN_COUNT) {
                reliable = j;
            }
        }
        double logX = Math.log(x);
        double p;
        if (reliable < 0) {
            // Too few points even beyond the lowest threshold: from its count, however small,
            // with the single points' power.
            double c0 = Math.max(counts[base], 1e-3);
            p = c0 / n * Math.exp(-power(k, side, -1) * (logX - LOG_T[0]));
        } else {
            int j = 0;
            while (j + 1 <= reliable && THRESHOLDS[j + 1] <= x) {
                j++;
            }
            double slope;
            if (j < reliable) {
                slope = slope(base, j, j + 1);
            } else {
                slope = power(k, side, reliable);
            }
            p = counts[base + j] / n * Math.exp(-slope * (logX - LOG_T[j]));
        }
        // Never rarer than the share of real points beyond a higher threshold.
        for (int j = 0; j < T; j++) {
            double c = counts[base + j];
            if (THRESHOLDS[j] >= x && c >= 1) {
                p = Math.max(p, c / n);
                break;
            }
        }
        return Math.min(1, p);
    }

    /** The value of statistic {@code k} on {@code side} whose tail probability is {@code p}. */
    double quantile(int k, int side, double p) {
        double lo = THRESHOLDS[0];
        double hi = lo;
        while (tail(k, side, hi) > p && hi < 1e9) {
            lo = hi;
            hi *= 2;
        }
        for (int i = 0; i < 40; i++) {
            double mid = Math.sqrt(lo * hi);
            if (tail(k, side, mid) > p) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return hi;
    }

    /** The power-law slope of the counts between thresholds {@code a} and {@code b}. */
    private double slope(int base, int a, int b) {
        double s = Math.log(counts[base + a] / counts[base + b]) / (LOG_T[b] - LOG_T[a]);
        return Math.max(MIN_POWER, Math.min(MAX_POWER * STATS, s));
    }

    /**
     * The power to extrapolate statistic {@code k} with beyond its threshold {@code last} (the last
     * with enough points; -1: none): its own slope up to there when it has two such thresholds,
     * else that of single points times what a run of {@code k + 1} is worth (up to {@code k + 1}
     * for independent points).
     */
    private double power(int k, int side, int last) {
        int base = (k * 2 + side) * T;
        if (last >= 1) {
            double s = slope(base, last - 1, last);
            // Measured: dependent points (a slow wander) show here as a flatter tail.
            return Math.max(MIN_POWER, Math.min(MAX_POWER * (k + 1), s));
        }
        double single = DEFAULT_POWER;
        int b1 = side * T;
        int r = -1;
        for (int j = 0; j < T; j++) {
            if (counts[b1 + j] >= MIN_COUNT) {
                r = j;
            }
        }
        if (r >= 1) {
            single = slope(b1, r - 1, r);
        }
        single = Math.max(MIN_POWER, Math.min(MAX_POWER, single));
        // How many independent points a run of k + 1 is worth, from how often runs passed the
        // lowest threshold: k + 1 for independent noise, fewer for a slow wander.
        double worth = k + 1;
        double own = counts[base] / n;
        double one = counts[b1] / n;
        if (k > 0 && counts[b1] >= MIN_COUNT && own > 0 && one < 1) {
            worth = Math.max(1, Math.min(k + 1, Math.log(own) / Math.log(one)));
        }
        return single * worth;
    }

    /** Learns the statistics of one point (signed, in spreads; 0 where a statistic has none). */
    void learn(double[] stats) {
        double keep = 1 - 1 / MEMORY_POINTS;
        n = n * keep + 1;
        for (int i = 0; i < counts.length; i++) {
            counts[i] *= keep;
        }
        for (int k = 0; k < STATS; k++) {
            double s = stats[k];
            double m = Math.abs(s);
            int base = (k * 2 + (s > 0 ? 0 : 1)) * T;
            for (int j = 0; j < T && m > THRESHOLDS[j]; j++) {
                counts[base + j] += 1;
            }
        }
    }
}
