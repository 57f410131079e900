package io.streamwatch.anomaly;

import io.streamwatch.rules.Direction;

/**
 * What an anomaly rule asks of its model: how fast it adapts, when it may fire, which directions
 * count and how surprising a deviation must be. One per rule; the model's state is per key.
 *
 * @param halfLifeMillis event time after which an observation weighs half in the level and spread
 *     (never less than {@link AnomalyModel#MIN_MEMORY_POINTS} points of memory, so sparse keys do
 *     not forget everything between two points)
 * @param warmup points the model learns before it may fire
 * @param seasonality whether daily and weekly profiles are learned and, once they explain the
 *     series better than a plain level, used
 * @param direction which deviations count: above, below or both
 * @param fireLevel the score at which a quiet key turns anomalous; the score is {@code -log10} of
 *     the deviation's tail probability against the key's own history (less {@code log10 3} for
 *     taking the best of three statistics), so 4 means about one point in 10,000 per direction for
 *     noise the calibration fits, and fewer for light-tailed noise
 * @param resolveLevel the score below which an anomalous key is calm again (hysteresis)
 * @param minSpread absolute floor of the spread, in the field's unit (0: none)
 * @param relativeSpreadFloor floor of the spread relative to the level's magnitude
 * @param minDeviation the least deviation, in spreads, of the point that turns a quiet key
 *     anomalous (the score decides; this only keeps a small deviation from firing on a run)
 */
public record AnomalySettings(
        long halfLifeMillis,
        int warmup,
        boolean seasonality,
        Direction direction,
        double fireLevel,
        double resolveLevel,
        double minSpread,
        double relativeSpreadFloor,
        double minDeviation) {

    /** Default {@link #halfLifeMillis}: two hours. */
    public static final long DEFAULT_HALF_LIFE = 2 * 3_600_000L;

    /** Default {@link #warmup}, in points. */
    public static final int DEFAULT_WARMUP = 30;

    /** Default {@link #fireLevel}. */
    public static final double DEFAULT_FIRE_LEVEL = 4.0;

    /** Default {@link #resolveLevel}. */
    public static final double DEFAULT_RESOLVE_LEVEL = 2.0;

    /** Default {@link #relativeSpreadFloor}: 1% of the level. */
    public static final double DEFAULT_RELATIVE_SPREAD_FLOOR = 0.01;

    /** Default {@link #minDeviation}, in spreads. */
    public static final double DEFAULT_MIN_DEVIATION = 3.0;

    /** Every parameter at its default. */
    public static final AnomalySettings DEFAULTS =
            new AnomalySettings(
                    DEFAULT_HALF_LIFE,
                    DEFAULT_WARMUP,
                    true,
                    Direction.BOTH,
                    DEFAULT_FIRE_LEVEL,
                    DEFAULT_RESOLVE_LEVEL,
                    0,
                    DEFAULT_RELATIVE_SPREAD_FLOOR,
                    DEFAULT_MIN_DEVIATION);

    public AnomalySettings {
        if (halfLifeMillis <= 0) {
            throw new IllegalArgumentException("half-life must be positive");
        }
        if (resolveLevel > fireLevel) {
            throw new IllegalArgumentException("the resolve level must not exceed the fire level");
        }
    }

    /** A copy with another fire level (and the resolve level kept below it). */
    public AnomalySettings withFireLevel(double level) {
        return new AnomalySettings(
                halfLifeMillis,
                warmup,
                seasonality,
                direction,
                level,
                Math.min(resolveLevel, level),
                minSpread,
                relativeSpreadFloor,
                minDeviation);
    }

    /** A copy with another half-life. */
    public AnomalySettings withHalfLife(long millis) {
        return new AnomalySettings(
                millis,
                warmup,
                seasonality,
                direction,
                fireLevel,
                resolveLevel,
                minSpread,
                relativeSpreadFloor,
                minDeviation);
    }

    /** A copy with seasonality on or off. */
    public AnomalySettings withSeasonality(boolean on) {
        return new AnomalySettings(
                halfLifeMillis,
                warmup,
                on,
                direction,
                fireLevel,
                resolveLevel,
                minSpread,
                relativeSpreadFloor,
                minDeviation);
    }

    /** A copy with another direction. */
    public AnomalySettings withDirection(Direction d) {
        return new AnomalySettings(
                halfLifeMillis,
                warmup,
                seasonality,
                d,
                fireLevel,
                resolveLevel,
                minSpread,
                relativeSpreadFloor,
                minDeviation);
    }

    /** A copy with another warm-up. */
    public AnomalySettings withWarmup(int points) {
        return new AnomalySettings(
                halfLifeMillis,
                points,
                seasonality,
                direction,
                fireLevel,
                resolveLevel,
                minSpread,
                relativeSpreadFloor,
                minDeviation);
    }
}
