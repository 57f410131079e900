package io.streamwatch.anomaly;

import io.streamwatch.rules.Direction;

/**
 * The anomaly model of one key: feed it the key's points in event-time order with {@link #observe},
 * and it says for each whether the key is anomalous, with the figures an alert shows.
 *
 * <p>Per point: the expected value comes from a robust level (plus, once they help, the daily and
 * weekly profiles); the deviation is measured in robust spreads (with floors); the strongest
 * evidence of the last one, two or three points is turned into a tail probability against the key's
 * own history of deviations ({@link ScoreTail}), whose {@code -log10} is the score. A quiet key
 * turns anomalous at {@link AnomalySettings#fireLevel()} and is calm again below {@link
 * AnomalySettings#resolveLevel()} (hysteresis: one alert per episode). Then the point is learned,
 * its residual clipped to a few spreads, so an anomaly hardly moves the baseline it is measured
 * against and a lasting change is learned at a bounded pace. The spread learns more slowly than the
 * level ({@link #SPREAD_MEMORY} times); the seasonal baseline's level more slowly still (at least
 * {@link #SEASONAL_LEVEL_HALF_LIFE}), so that the profiles, not the level, follow the day.
 *
 * <p>Two baselines learn side by side when seasonality is on: a plain level, and a level of the
 * series less its profiles. The seasonal one is used once the key has {@link #SEASONAL_AFTER} of
 * history and its spread is clearly smaller ({@link #SEASONAL_GAIN}); it stays in use while it is
 * no worse than the plain one.
 *
 * <p>The level and spread adapt by event-time half-life: a point {@code dt} after the previous one
 * is learned with weight {@code 1 - 2^(-dt / half-life)}, but at most {@code 1 /} {@link
 * #MIN_MEMORY_POINTS} (a sparse key keeps that many points of memory) and, while the key is young,
 * at least {@code 1 / points} (a running mean to start from).
 */
public final class AnomalyModel {
    /** The fewest points the level and spread remember, however sparse the key. */
    public static final int MIN_MEMORY_POINTS = 20;

    /** Event time of history before the seasonal profiles may be used. */
    public static final long SEASONAL_AFTER = 2 * SeasonalProfile.DAY;

    /** How many times longer the spread's half-life (and least memory) is than the level's. */
    static final int SPREAD_MEMORY = 2;

    /** The shortest half-life of the seasonal baseline's level. */
    static final long SEASONAL_LEVEL_HALF_LIFE = 12 * SeasonalProfile.HOUR;

    /**
     * The seasonal baseline is taken into use when its spread is below this share of the plain one.
     */
    static final double SEASONAL_GAIN = 0.8;

    /**
     * The last two or three points count as evidence together only when each is at least this many
     * spreads off: runs of moderate deviations are as often a baseline that is a little off (a
     * first weekend, a slow trend) as an anomaly.
     */
    static final double RUN_MIN_Z = 2.75;

    /** log10 of the number of statistics the score takes the best of (their Bonferroni share). */
    static final double STATS_PENALTY = Math.log10(ScoreTail.STATS);

    /**
     * The spread floor of a key whose values have all been whole numbers (counts): half a unit, so
     * that a count moving by one after a flat stretch is no anomaly.
     */
    static final double WHOLE_NUMBER_SPREAD = 0.5;

    long firstTime;
    boolean wholeNumbers = true;
    long lastTime;
    int points;
    boolean anomalous;
    boolean seasonalInUse;
    float previousZ = 0;
    float previousZ2 = 0;
    final RobustBaseline plain = new RobustBaseline();

    /** Null when seasonality is off. */
    RobustBaseline seasonalBaseline;

    SeasonalProfile profile;
    final ScoreTail tail = new ScoreTail();

    /** A fresh model for a key not seen before. */
    public AnomalyModel(AnomalySettings settings) {
        this(settings.seasonality());
        tail.startFromPrior();
    }

    AnomalyModel(boolean seasonality) {
        if (seasonality) {
            seasonalBaseline = new RobustBaseline();
            profile = new SeasonalProfile();
        }
    }

    /** Points learned. */
    public int points() {
        return points;
    }

    /** Whether the key was anomalous after its last point. */
    public boolean anomalous() {
        return anomalous;
    }

    /** Whether the model keeps seasonal profiles. */
    public boolean seasonal() {
        return profile != null;
    }

    /**
     * Scores the point {@code x} at event time {@code t} (ms) and learns it. Points should come in
     * event-time order; one at or before the previous point's time is scored but not learned (a
     * late update of a window seen already).
     */
    public Verdict observe(long t, double x, AnomalySettings s) {
        if (Double.isNaN(x) || Double.isInfinite(x)) {
            return new Verdict(x, Double.NaN, Double.NaN, 0, 0, 0, anomalous, false, false, NaN);
        }
        if (points == 0) {
            wholeNumbers = x == Math.rint(x);
            firstTime = t;
            lastTime = t;
            points = 1;
            plain.start(x);
            if (seasonalBaseline != null) {
                seasonalBaseline.start(x);
            }
            return new Verdict(x, x, 0, 0, 0, 0, false, false, false, NaN);
        }
        long dt = t - lastTime;
        long history = t - firstTime;
        RobustBaseline seasonalB = seasonalBaseline;
        double offset = seasonalB == null ? 0 : profile.at(t);
        wholeNumbers &= x == Math.rint(x);
        double minSpread = Math.max(s.minSpread(), wholeNumbers ? WHOLE_NUMBER_SPREAD : 0);
        double plainSpread = plain.effectiveSpread(s.relativeSpreadFloor(), minSpread);
        double seasonalSpread =
                seasonalB == null
                        ? Double.NaN
                        : seasonalB.effectiveSpread(s.relativeSpreadFloor(), minSpread);
        if (seasonalB != null && history >= SEASONAL_AFTER) {
            seasonalInUse =
                    seasonalInUse
                            ? seasonalB.longSpread <= plain.longSpread
                            : seasonalB.longSpread < SEASONAL_GAIN * plain.longSpread;
        }
        boolean useSeasonal = seasonalInUse && seasonalB != null;
        double expected = useSeasonal ? seasonalB.level + offset : plain.level;
        double spread = useSeasonal ? seasonalSpread : plainSpread;
        double z = (x - expected) / spread;
        if (Double.isInfinite(z) || Double.isNaN(z)) {
            z = Math.copySign(1e300, x - expected);
        }
        double[] stats = {z, runOf(z, previousZ), runOf(runOf(z, previousZ), previousZ2)};
        double best = 0;
        int dir = 0;
        for (int k = 0; k < ScoreTail.STATS; k++) {
            double v = stats[k];
            if (v == 0 || !counts(s.direction(), v) || (k > 0 && Math.abs(v) < RUN_MIN_Z)) {
                continue;
            }
            double p = tail.tail(k, v > 0 ? 0 : 1, Math.abs(v));
            double score = p <= 0 ? 300 : -Math.log10(p);
            if (score > best) {
                best = score;
                dir = v > 0 ? 1 : -1;
            }
        }
        double score = Math.max(0, best - STATS_PENALTY);
        boolean ready = points >= s.warmup();
        anomalous =
                ready
                        && (anomalous
                                ? score >= s.resolveLevel()
                                : score >= s.fireLevel() && Math.abs(z) >= s.minDeviation());
        int side = dir < 0 || (dir == 0 && z < 0) ? 1 : 0;
        double bound = Double.NaN;
        if (anomalous) {
            // Only for an alert's figures: a search over the calibration.
            double q = tail.quantile(0, side, Math.pow(10, -(s.fireLevel() + STATS_PENALTY)));
            bound = expected + (side == 0 ? q : -q) * spread;
        }
        Verdict v =
                new Verdict(
                        x, expected, spread, z, score, dir, anomalous, ready, useSeasonal, bound);
        if (dt > 0) {
            learn(t, dt, history, x, offset, plainSpread, seasonalSpread, s);
            if (points > MIN_MEMORY_POINTS) {
                // Before, the spread is still being found and deviations say little.
                tail.learn(stats);
            }
            previousZ2 = previousZ;
            previousZ = (float) Math.max(-1e30, Math.min(1e30, z));
            lastTime = t;
        }
        return v;
    }

    private void learn(
            long t,
            long dt,
            long history,
            double x,
            double offset,
            double plainSpread,
            double seasonalSpread,
            AnomalySettings s) {
        double a = weight(dt, s.halfLifeMillis(), MIN_MEMORY_POINTS);
        // The spread changes more slowly than the level, and its estimate needs more points.
        double aSpread =
                weight(dt, SPREAD_MEMORY * s.halfLifeMillis(), SPREAD_MEMORY * MIN_MEMORY_POINTS);
        plain.learn(x - plain.level, a, aSpread, plainSpread, points <= MIN_MEMORY_POINTS);
        if (seasonalBaseline != null) {
            // The seasonal level is the day's mean: slow enough that the profile, not the level,
            // follows the day's curve.
            double as =
                    weight(
                            dt,
                            Math.max(s.halfLifeMillis(), SEASONAL_LEVEL_HALF_LIFE),
                            MIN_MEMORY_POINTS);
            double r =
                    seasonalBaseline.learn(
                            x - seasonalBaseline.level - offset,
                            as,
                            Math.min(as, aSpread),
                            seasonalSpread,
                            points <= MIN_MEMORY_POINTS);
            profile.learn(t, dt, history, r, seasonalSpread);
        }
        if (points < Integer.MAX_VALUE) {
            points++;
        }
    }

    /**
     * The weight of a point {@code dt} after the previous one: by half-life, but keeping at least
     * {@link #MIN_MEMORY_POINTS} points of memory, and a running mean while the key is young.
     */
    private double weight(long dt, long halfLife, int minMemory) {
        double a = -Math.expm1(-Math.log(2) * dt / (double) halfLife);
        a = Math.min(a, 1.0 / minMemory);
        return Math.max(a, 1.0 / (points + 1));
    }

    /** The smaller in magnitude of two deviations on the same side; 0 if they differ in side. */
    private static double runOf(double z, double previous) {
        if (z > 0 && previous > 0) {
            return Math.min(z, previous);
        }
        if (z < 0 && previous < 0) {
            return Math.max(z, previous);
        }
        return 0;
    }

    private static boolean counts(Direction d, double v) {
        return d == Direction.BOTH || (d == Direction.ABOVE ? v > 0 : v < 0);
    }

    private static final double NaN = Double.NaN;
}
