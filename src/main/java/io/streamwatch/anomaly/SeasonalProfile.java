package io.streamwatch.anomaly;

/**
 * Daily and weekly profiles of one series: 24 hour-of-day offsets (UTC, interpolated linearly
 * between the middles of the hours, so a smooth daily curve is followed within the hour), and per
 * day of the week (Monday first) a scale of that daily curve and an offset on top: weekends often
 * have the same curve, flatter and lower. 38 floats per key whatever the sampling; a profile at
 * minute resolution would be 10,080 per key.
 *
 * <p>The offsets and scales learn the clipped residual of their own hour or day at a pace that
 * averages over the last {@link #DAILY_DAYS} days (the day-of-week terms: {@link #WEEKLY_WEEKS}
 * weeks) whatever the sampling interval: a point stands for the part of its hour (day) since the
 * previous one. The hour-of-day and day-of-week offsets are kept summing to zero, so the level
 * keeps the mean.
 */
final class SeasonalProfile {
    static final long HOUR = 3_600_000L;
    static final long DAY = 24 * HOUR;

    /** Days the hour-of-day offsets average over, once there are that many. */
    static final double DAILY_DAYS = 5;

    /** Weeks the day-of-week terms average over, once there are that many. */
    static final double WEEKLY_WEEKS = 3;

    /** At the start the terms average over no fewer than this many days (weeks): less noise. */
    static final double MIN_AVERAGED = 2;

    /** The day-of-week scales stay within this range. */
    static final double MAX_SCALE = 3;

    final float[] daily = new float[24];
    final float[] weekly = new float[7];
    final float[] scale = {1, 1, 1, 1, 1, 1, 1};

    /** The offset at event time {@code t} (ms since the epoch). */
    double at(long t) {
        int d = dayOfWeek(t);
        return scale[d] * curve(t) + weekly[d];
    }

    /** The daily curve at {@code t}, interpolated between the hours' middles. */
    private double curve(long t) {
        double h = Math.floorMod(t, DAY) / (double) HOUR - 0.5;
        int i0 = (int) Math.floor(h);
        double w1 = h - i0;
        int a = Math.floorMod(i0, 24);
        return (1 - w1) * daily[a] + w1 * daily[(a + 1) % 24];
    }

    /**
     * Learns the clipped residual {@code r} of the point at {@code t}, which stands for {@code dt}
     * ms of the series, after {@code history} ms of it; {@code spread} is the residuals' spread,
     * which tempers how far a small daily curve can move the scales.
     */
    void learn(long t, long dt, long history, double r, double spread) {
        int d = dayOfWeek(t);
        double c = curve(t);
        double days = Math.max(MIN_AVERAGED, Math.min(DAILY_DAYS, history / (double) DAY));
        double g = Math.min(dt, HOUR) / (double) HOUR / days;
        double h = Math.floorMod(t, DAY) / (double) HOUR - 0.5;
        int i0 = (int) Math.floor(h);
        double w1 = h - i0;
        int a = Math.floorMod(i0, 24);
        int b = (a + 1) % 24;
        // The curve's change moves the prediction by the day's scale: learn it as if the scale were
        // 1, so that flatter days (smaller scales) do not learn the curve more slowly.
        double s = Math.max(0.25, scale[d]);
        double step = g * r / s;
        double mean = step / 24;
        for (int i = 0; i < 24; i++) {
            daily[i] -= (float) mean;
        }
        daily[a] += (float) (step * (1 - w1));
        daily[b] += (float) (step * w1);

        double weeks = Math.max(MIN_AVERAGED, Math.min(WEEKLY_WEEKS, history / (double) (7 * DAY)));
        double gw = Math.min(dt, DAY) / (double) DAY / weeks;
        double energy = 0;
        for (float v : daily) {
            energy += v * v;
        }
        energy /= 24;
        // Least squares of the residual on the curve: the scale moves where the curve is large,
        // and hardly at all while the curve is small against the noise.
        double ds = gw * r * c / (energy + spread * spread + Double.MIN_NORMAL);
        scale[d] = (float) Math.max(0, Math.min(MAX_SCALE, scale[d] + ds));
        double wmean = gw * r / 7;
        for (int i = 0; i < 7; i++) {
            weekly[i] -= (float) wmean;
        }
        weekly[d] += (float) (gw * r);
    }

    /** 0 for Monday .. 6 for Sunday (1970-01-01 was a Thursday). */
    static int dayOfWeek(long t) {
        return (int) Math.floorMod(Math.floorDiv(t, DAY) + 3, 7L);
    }
}
