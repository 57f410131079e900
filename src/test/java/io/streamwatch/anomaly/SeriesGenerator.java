package io.streamwatch.anomaly;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Generates labelled series of the shapes metric data has, seeded, for the anomaly evaluation:
 * daily and weekly seasonality, trends, Gaussian, heavy-tailed (Student t, 3 degrees of freedom),
 * skewed (log-normal) and autocorrelated noise, random walks, integer counts, flat stretches,
 * missing data, irregular and sparse sampling, at 1-minute, 5-minute and hourly intervals; with
 * anomalies injected and labelled: spikes, drops, steps up and down, drifts, a change in the daily
 * pattern. Magnitudes are in robust spreads of the noise (1.4826 MAD), measured on the noise
 * itself.
 *
 * <p>No public benchmark corpus is used or imitated point by point: these are shapes, with known
 * ground truth.
 */
final class SeriesGenerator {
    static final long MINUTE = 60_000L;
    static final long HOUR = 60 * MINUTE;
    static final long DAY = 24 * HOUR;

    /** Start of every series: a Monday 00:00 UTC, so weekly shapes line up. */
    static final long T0 = 1_764_547_200_000L; // 2025-12-01T00:00:00Z

    /** Sampling intervals and how long a series of each runs. */
    enum Sampling {
        MINUTE_1(MINUTE, 7 * DAY),
        MINUTE_5(5 * MINUTE, 14 * DAY),
        HOURLY(HOUR, 60 * DAY);

        final long interval;
        final long span;

        Sampling(long interval, long span) {
            this.interval = interval;
            this.span = span;
        }

        String label() {
            return this == MINUTE_1 ? "1m" : this == MINUTE_5 ? "5m" : "1h";
        }
    }

    enum Noise {
        GAUSSIAN,
        HEAVY,
        SKEWED,
        AUTOCORRELATED,
        COUNTS
    }

    /** What a series is made of, before the seed fills in the numbers. */
    record Shape(
            Sampling sampling,
            Noise noise,
            boolean daily,
            boolean weekly,
            boolean trend,
            boolean randomWalk,
            boolean flatStretch,
            boolean missing,
            boolean irregular,
            boolean sparse,
            String anomaly) {

        String family() {
            StringBuilder b = new StringBuilder(sampling.label()).append(' ');
            b.append(noise.name().toLowerCase());
            if (daily) {
                b.append(weekly ? " weekly" : " daily");
            }
            if (trend) {
                b.append(" trend");
            }
            if (randomWalk) {
                b.append(" walk");
            }
            if (flatStretch) {
                b.append(" flat");
            }
            if (missing) {
                b.append(" gaps");
            }
            if (irregular) {
                b.append(" irregular");
            }
            if (sparse) {
                b.append(" sparse");
            }
            return b.append(" / ").append(anomaly).toString();
        }
    }

    /** The anomaly kinds, and "none" for noise-only series. */
    static final String[] ANOMALIES = {
        "none", "spike", "drop", "step-up", "step-down", "drift", "pattern-change"
    };

    /** A corpus of {@code n} series with shapes drawn from {@code seed}. */
    static List<LabelledSeries> corpus(long seed, int n) {
        Random r = new Random(seed);
        List<LabelledSeries> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Sampling sampling = Sampling.values()[i % 3];
            Noise noise = Noise.values()[r.nextInt(Noise.values().length)];
            boolean daily = r.nextDouble() < 0.6;
            Shape shape =
                    new Shape(
                            sampling,
                            noise,
                            daily,
                            daily && r.nextDouble() < 0.4,
                            r.nextDouble() < 0.2,
                            noise != Noise.COUNTS && r.nextDouble() < 0.1,
                            r.nextDouble() < 0.1,
                            r.nextDouble() < 0.2,
                            r.nextDouble() < 0.15,
                            r.nextDouble() < 0.1,
                            ANOMALIES[(i / 3) % ANOMALIES.length]);
            if (shape.anomaly.equals("pattern-change") && !shape.daily) {
                shape =
                        new Shape(
                                sampling,
                                noise,
                                true,
                                false,
                                shape.trend,
                                false,
                                false,
                                shape.missing,
                                shape.irregular,
                                shape.sparse,
                                shape.anomaly);
            }
            out.add(generate(shape, r.nextLong(), "#" + i));
        }
        return out;
    }

    /** One series of {@code shape}. */
    static LabelledSeries generate(Shape shape, long seed, String id) {
        Random r = new Random(seed);
        long interval = shape.sampling.interval;
        int n = (int) (shape.sampling.span / interval);
        double level = Math.exp(Math.log(10) + r.nextDouble() * Math.log(1000));
        double sigma = level * (0.02 + 0.1 * r.nextDouble());
        if (shape.noise == Noise.COUNTS) {
            level = 5 + r.nextInt(200);
            sigma = Math.sqrt(level);
        }
        double dailyAmp = shape.daily ? sigma * (2 + 8 * r.nextDouble()) : 0;
        double phase = r.nextDouble() * 2 * Math.PI;
        double weekend = shape.weekly ? -(0.3 + 0.4 * r.nextDouble()) * dailyAmp : 0;
        // A trend never takes the series below a quarter of its level.
        double slope =
                shape.trend
                        ? (r.nextBoolean() ? 1 : -1)
                                * Math.min(2 * sigma / DAY, 0.75 * level / shape.sampling.span)
                        : 0;
        double phi = shape.noise == Noise.AUTOCORRELATED ? 0.5 + 0.45 * r.nextDouble() : 0;

        // Raw noise first, then its robust spread, so magnitudes are in that unit.
        double[] noise = new double[n];
        double ar = 0;
        for (int i = 0; i < n; i++) {
            double e;
            switch (shape.noise) {
                case HEAVY:
                    e = studentT3(r);
                    break;
                case SKEWED:
                    e = Math.exp(0.8 * r.nextGaussian()) - Math.exp(0.32);
                    break;
                case AUTOCORRELATED:
                    ar = phi * ar + Math.sqrt(1 - phi * phi) * r.nextGaussian();
                    e = ar;
                    break;
                default:
                    e = r.nextGaussian();
            }
            noise[i] = e * sigma;
        }
        double spread = robustSpread(noise);

        long[] times = new long[n];
        double[] values = new double[n];
        double walk = 0;
        for (int i = 0; i < n; i++) {
            long t = T0 + i * interval;
            if (shape.irregular) {
                t += (long) ((r.nextDouble() - 0.5) * 0.8 * interval);
            }
            times[i] = t;
            if (shape.randomWalk) {
                walk += 0.05 * spread * r.nextGaussian();
            }
            values[i] = level + seasonal(t, dailyAmp, phase, weekend, 1) + slope * (t - T0) + walk;
        }

        List<LabelledSeries.Anomaly> anomalies = new ArrayList<>();
        // Anomalies in the second half, after any warm-up; at most two per series.
        int first = n / 2 + r.nextInt(n / 8);
        int count = shape.anomaly.equals("none") ? 0 : 1 + (r.nextDouble() < 0.4 ? 1 : 0);
        int at = first;
        for (int a = 0; a < count && at < n - 20; a++) {
            LabelledSeries.Anomaly an =
                    inject(shape, r, times, values, noise, spread, at, n, dailyAmp, phase, weekend);
            anomalies.add(an);
            if (an.end() >= n) {
                break;
            }
            at = an.end() + (int) Math.max(n / 10, 2 * DAY / interval);
        }

        for (int i = 0; i < n; i++) {
            values[i] += noise[i];
            if (shape.noise == Noise.COUNTS) {
                values[i] = Math.max(0, Math.round(values[i]));
            }
        }
        if (shape.flatStretch) {
            // A stuck sensor in the first half: the same value for a while (not labelled).
            int s = n / 8 + r.nextInt(n / 4);
            int len = (int) Math.max(10, (2 + r.nextInt(6)) * HOUR / interval);
            for (int i = s + 1; i < Math.min(n / 2, s + len); i++) {
                values[i] = values[s];
            }
        }
        boolean[] keep = new boolean[n];
        for (int i = 0; i < n; i++) {
            keep[i] = !shape.sparse || r.nextDouble() < 0.3;
        }
        if (shape.missing) {
            for (int g = 0; g < 3; g++) {
                int s = r.nextInt(n);
                int len = (int) Math.max(3, (1 + r.nextInt(8)) * HOUR / interval);
                for (int i = s; i < Math.min(n, s + len); i++) {
                    keep[i] = false;
                }
            }
        }
        for (LabelledSeries.Anomaly a : anomalies) {
            for (int i = a.start(); i < Math.min(a.end(), a.start() + 3); i++) {
                keep[i] = true; // an anomaly is never entirely missing
            }
        }
        return compact(shape, id, interval, times, values, keep, anomalies, spread);
    }

    private static LabelledSeries.Anomaly inject(
            Shape shape,
            Random r,
            long[] times,
            double[] values,
            double[] noise,
            double spread,
            int at,
            int n,
            double dailyAmp,
            double phase,
            double weekend) {
        long interval = shape.sampling.interval;
        int tolerance = (int) Math.max(3, HOUR / interval);
        double sign = r.nextBoolean() ? 1 : -1;
        switch (shape.anomaly) {
            case "spike":
                {
                    double m = 8 + 8 * r.nextDouble();
                    int len = 1 + r.nextInt(2);
                    for (int i = at; i < at + len; i++) {
                        values[i] += sign * m * spread;
                    }
                    return new LabelledSeries.Anomaly("spike", at, at + len, at + len);
                }
            case "drop":
                {
                    // A machine failing or traffic collapsing: the value falls to a fraction.
                    int len = (int) Math.max(3, (1 + r.nextInt(3)) * HOUR / interval);
                    for (int i = at; i < Math.min(n, at + len); i++) {
                        values[i] *= 0.1 * r.nextDouble();
                        noise[i] *= 0.1;
                    }
                    return new LabelledSeries.Anomaly("drop", at, Math.min(n, at + len), at + 3);
                }
            case "step-up":
            case "step-down":
                {
                    double m =
                            (shape.anomaly.equals("step-up") ? 1 : -1) * (6 + 6 * r.nextDouble());
                    for (int i = at; i < n; i++) {
                        values[i] += m * spread;
                    }
                    return new LabelledSeries.Anomaly(shape.anomaly, at, n, at + tolerance);
                }
            case "drift":
                {
                    int len = (int) Math.max(12, 6 * HOUR / interval);
                    double m = 12 * spread;
                    for (int i = at; i < n; i++) {
                        values[i] += sign * m * Math.min(1, (i - at + 1) / (double) len);
                    }
                    return new LabelledSeries.Anomaly("drift", at, n, at + len + tolerance);
                }
            case "pattern-change":
                {
                    // The daily curve turns around for a day (a holiday, a moved batch job).
                    int len = (int) (DAY / interval);
                    for (int i = at; i < Math.min(n, at + len); i++) {
                        values[i] +=
                                seasonal(times[i], dailyAmp, phase + Math.PI, weekend, 0)
                                        - seasonal(times[i], dailyAmp, phase, weekend, 0);
                    }
                    return new LabelledSeries.Anomaly(
                            "pattern-change", at, Math.min(n, at + len), at + len / 2);
                }
            default:
                throw new IllegalArgumentException(shape.anomaly);
        }
    }

    private static double seasonal(
            long t, double amp, double phase, double weekend, double weekendShare) {
        if (amp == 0) {
            return 0;
        }
        double x = 2 * Math.PI * Math.floorMod(t, DAY) / DAY + phase;
        double v = amp * (Math.sin(x) + 0.3 * Math.sin(2 * x + 1));
        int dow = (int) Math.floorMod(Math.floorDiv(t, DAY) + 3, 7L);
        if (dow >= 5) {
            v = v * 0.5 + weekend * weekendShare;
        }
        return v;
    }

    private static LabelledSeries compact(
            Shape shape,
            String id,
            long interval,
            long[] times,
            double[] values,
            boolean[] keep,
            List<LabelledSeries.Anomaly> anomalies,
            double spread) {
        int[] newIndex = new int[times.length + 1];
        int m = 0;
        for (int i = 0; i < times.length; i++) {
            newIndex[i] = m;
            if (keep[i]) {
                m++;
            }
        }
        newIndex[times.length] = m;
        long[] t = new long[m];
        double[] v = new double[m];
        int j = 0;
        for (int i = 0; i < times.length; i++) {
            if (keep[i]) {
                t[j] = times[i];
                v[j] = values[i];
                j++;
            }
        }
        List<LabelledSeries.Anomaly> moved = new ArrayList<>();
        for (LabelledSeries.Anomaly a : anomalies) {
            int s = newIndex[a.start()];
            int e = newIndex[Math.min(a.end(), times.length)];
            int by = newIndex[Math.min(a.detectBy(), times.length)];
            moved.add(
                    new LabelledSeries.Anomaly(
                            a.kind(), s, Math.max(e, s + 1), Math.max(by, s + 1)));
        }
        String family = shape.family();
        return new LabelledSeries(family + " " + id, family, interval, t, v, moved, spread);
    }

    /** Student t with 3 degrees of freedom. */
    static double studentT3(Random r) {
        double chi = 0;
        for (int k = 0; k < 3; k++) {
            double g = r.nextGaussian();
            chi += g * g;
        }
        return r.nextGaussian() / Math.sqrt(chi / 3);
    }

    /** 1.4826 times the median absolute deviation from the median. */
    static double robustSpread(double[] x) {
        double[] s = x.clone();
        java.util.Arrays.sort(s);
        double med = s[s.length / 2];
        double[] d = new double[s.length];
        for (int i = 0; i < s.length; i++) {
            d[i] = Math.abs(x[i] - med);
        }
        java.util.Arrays.sort(d);
        return 1.4826 * d[d.length / 2];
    }
}
