package io.streamwatch.anomaly;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Runs the anomaly model over labelled series and scores its firings (a firing: the key turns
 * anomalous; it stays one alert until the model is calm again): recall (an anomaly counts as found
 * when a firing starts between its first point and its {@code detectBy} point), the delay to that
 * firing in points, precision, false alarms per series and day, and a NAB-like window score.
 *
 * <p>False alarms are firings outside every anomaly's zone (its first point to a day after, or to
 * its {@code detectBy} if later) and after a probation of the first 15% of the series (the model is
 * still learning there; detectors are not judged on it). The window score centres a window of 10%
 * of the series' points divided by its anomalies on each anomaly's start; a window's first firing
 * scores {@code 2 / (1 + e^(5y)) - 1} (y: -1 at the window's start, 0 at its end), a missed window
 * -1, each false alarm outside the windows {@code -a_fp} (0.11 standard, 0.22 low-false-positive);
 * normalized to 100 for a perfect detector and 0 for one that never fires.
 */
final class DetectionScorer {
    static final double PROBATION = 0.15;

    /** The figures of a set of series. */
    static final class Figures {
        int series;
        double days;
        int anomalies;
        int found;
        List<Integer> delays = new ArrayList<>();
        int firings;
        int falseAlarms;

        /** Firings inside anomaly zones beyond the first per anomaly: the same episode again. */
        int refirings;

        double windowRaw;
        double windowRawLowFp;
        int windows;

        void add(Figures o) {
            series += o.series;
            days += o.days;
            anomalies += o.anomalies;
            found += o.found;
            delays.addAll(o.delays);
            firings += o.firings;
            falseAlarms += o.falseAlarms;
            refirings += o.refirings;
            windowRaw += o.windowRaw;
            windowRawLowFp += o.windowRawLowFp;
            windows += o.windows;
        }

        double recall() {
            return anomalies == 0 ? Double.NaN : found / (double) anomalies;
        }

        double precision() {
            int good = firings - falseAlarms;
            return firings == 0 ? Double.NaN : good / (double) firings;
        }

        double falseAlarmsPerDay() {
            return falseAlarms / days;
        }

        double medianDelay() {
            if (delays.isEmpty()) {
                return Double.NaN;
            }
            List<Integer> s = new ArrayList<>(delays);
            s.sort(null);
            return s.get(s.size() / 2);
        }

        /** The NAB-like score, standard profile: 100 perfect, 0 never firing. */
        double windowScore() {
            return normalize(windowRaw);
        }

        /** The NAB-like score, low-false-positive profile. */
        double windowScoreLowFp() {
            return normalize(windowRawLowFp);
        }

        private double normalize(double raw) {
            double none = -windows;
            double perfect = windows * sigmoid(-1);
            return windows == 0 ? Double.NaN : 100 * (raw - none) / (perfect - none);
        }
    }

    /** Firing indices of one series: where the model turns anomalous. */
    static List<Integer> firings(LabelledSeries s, AnomalySettings settings) {
        AnomalyModel m = new AnomalyModel(settings);
        List<Integer> out = new ArrayList<>();
        boolean was = false;
        for (int i = 0; i < s.size(); i++) {
            Verdict v = m.observe(s.times()[i], s.values()[i], settings);
            if (v.anomalous() && !was) {
                out.add(i);
            }
            was = v.anomalous();
        }
        return out;
    }

    static Figures score(List<LabelledSeries> corpus, AnomalySettings settings) {
        return score(corpus, s -> firings(s, settings));
    }

    static Figures score(List<LabelledSeries> corpus, Function<LabelledSeries, List<Integer>> d) {
        Figures all = new Figures();
        for (LabelledSeries s : corpus) {
            all.add(score(s, d.apply(s)));
        }
        return all;
    }

    static Figures score(LabelledSeries s, List<Integer> firings) {
        Figures f = new Figures();
        int n = s.size();
        int probation = (int) (PROBATION * n);
        long pointsPerDay = Math.max(1, 86_400_000L / s.intervalMillis());
        f.series = 1;
        f.days = s.days() * (1 - PROBATION);
        f.anomalies = s.anomalies().size();
        boolean[] seen = new boolean[s.anomalies().size()];
        for (int i : firings) {
            if (i < probation) {
                continue;
            }
            f.firings++;
            boolean inZone = false;
            for (int a = 0; a < s.anomalies().size(); a++) {
                LabelledSeries.Anomaly an = s.anomalies().get(a);
                int zoneEnd =
                        (int)
                                Math.max(
                                        an.detectBy(),
                                        Math.min(an.end(), an.start() + pointsPerDay));
                if (i >= an.start() && i < zoneEnd) {
                    inZone = true;
                    if (!seen[a] && i < an.detectBy()) {
                        seen[a] = true;
                        f.found++;
                        f.delays.add(i - an.start());
                    } else {
                        f.refirings++;
                    }
                }
            }
            if (!inZone) {
                f.falseAlarms++;
            }
        }
        windowScore(s, firings, probation, f);
        return f;
    }

    private static void windowScore(
            LabelledSeries s, List<Integer> firings, int probation, Figures f) {
        int n = s.size();
        int k = s.anomalies().size();
        f.windows = k;
        int len = k == 0 ? 0 : Math.max(2, (int) (0.1 * n / k));
        int[][] windows = new int[k][];
        for (int a = 0; a < k; a++) {
            int c = s.anomalies().get(a).start();
            windows[a] = new int[] {Math.max(0, c - len / 2), Math.min(n, c + len / 2)};
        }
        boolean[] hit = new boolean[k];
        double standard = 0;
        double lowFp = 0;
        for (int i : firings) {
            if (i < probation) {
                continue;
            }
            int in = -1;
            int before = -1;
            for (int a = 0; a < k; a++) {
                if (i >= windows[a][0] && i < windows[a][1]) {
                    in = a;
                }
                if (windows[a][1] <= i) {
                    before = a;
                }
            }
            if (in >= 0) {
                if (!hit[in]) {
                    hit[in] = true;
                    double y = -(windows[in][1] - i) / (double) (windows[in][1] - windows[in][0]);
                    standard += sigmoid(y);
                    lowFp += sigmoid(y);
                }
            } else {
                // After a window the cost grows with the distance; elsewhere it is full.
                double w = 1;
                if (before >= 0) {
                    double y = (i - windows[before][1] + 1) / (double) len;
                    w = -sigmoid(y);
                }
                standard -= 0.11 * w;
                lowFp -= 0.22 * w;
            }
        }
        for (boolean h : hit) {
            if (!h) {
                standard -= 1;
                lowFp -= 1;
            }
        }
        f.windowRaw = standard;
        f.windowRawLowFp = lowFp;
    }

    static double sigmoid(double y) {
        return y > 3 ? -1 : 2 / (1 + Math.exp(5 * y)) - 1;
    }
}
