package io.streamwatch.anomaly;

/**
 * A robust level and spread of one series, updated one point at a time with a weight the caller
 * derives from event time: the residual is clipped to {@link #CLIP} spreads before it is learned (a
 * Huber-type M-estimate), so a spike moves neither, and a lasting shift is learned at a bounded
 * pace. The spread is the exponentially weighted mean absolute residual, scaled to a standard
 * deviation for Gaussian noise; a second, {@link #LONG_MEMORY} times slower spread remembers how
 * the series varied before a flat stretch, and floors the fast one.
 */
final class RobustBaseline {
    /** Residuals are clipped to this many spreads before they are learned. */
    static final double CLIP = 3.0;

    /**
     * While the key is young its spread is uncertain: residuals are clipped only this far, so that
     * a series that starts flat and then moves is learned in a few points.
     */
    static final double YOUNG_CLIP = 3 * CLIP;

    /**
     * E|X| of a Gaussian is sigma times sqrt(2/pi): this turns a mean absolute residual into a
     * sigma.
     */
    static final double MAD_TO_SIGMA = Math.sqrt(Math.PI / 2);

    /** How much slower the long spread learns than the spread. */
    static final double LONG_MEMORY = 8;

    /** The share of the long spread below which the spread is not taken to fall. */
    static final double LONG_SPREAD_FLOOR = 0.5;

    double level;
    double spread;
    double longSpread;

    /** Starts at the first point: no spread yet. */
    void start(double y) {
        level = y;
        spread = 0;
        longSpread = 0;
    }

    /**
     * The spread deviations are measured in: the learned one, but never below half the long spread,
     * {@code relativeFloor} of the level's magnitude, or {@code minSpread}.
     */
    double effectiveSpread(double relativeFloor, double minSpread) {
        double s = Math.max(spread, LONG_SPREAD_FLOOR * longSpread);
        s = Math.max(s, relativeFloor * Math.abs(level));
        s = Math.max(s, minSpread);
        return Math.max(s, Double.MIN_NORMAL);
    }

    /**
     * Learns {@code residual} (the point minus what this baseline expected) with weight {@code a}
     * in (0, 1] into the level and {@code aSpread} into the spread, clipped to {@link #CLIP} times
     * {@code effectiveSpread} ({@link #YOUNG_CLIP} while the key is {@code young}; not at all while
     * the spread is 0: a baseline that clipped everything to 0 would never learn again); returns
     * the residual learned.
     */
    double learn(double residual, double a, double aSpread, double effectiveSpread, boolean young) {
        double r = residual;
        if (effectiveSpread > Double.MIN_NORMAL) {
            double limit = (young ? YOUNG_CLIP : CLIP) * effectiveSpread;
            r = Math.max(-limit, Math.min(limit, residual));
        }
        level += a * r;
        double dev = MAD_TO_SIGMA * Math.abs(r);
        spread += aSpread * (dev - spread);
        longSpread += aSpread / LONG_MEMORY * (dev - longSpread);
        return r;
    }
}
