package io.streamwatch.anomaly;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.streamwatch.rules.Direction;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The per-key model on series whose truth the test makes itself. */
class AnomalyModelTest {
    /** A Monday, 00:00 UTC. */
    static final long T0 = 1_764_547_200_000L;

    static final long MIN = 60_000L;
    static final AnomalySettings DEFAULTS = AnomalySettings.DEFAULTS;

    /** Feeds values at a fixed interval; returns the verdicts. */
    static List<Verdict> feed(AnomalyModel m, long start, long interval, double[] values) {
        List<Verdict> out = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            out.add(m.observe(start + i * interval, values[i], DEFAULTS));
        }
        return out;
    }

    static double[] gaussian(long seed, int n, double mean, double sigma) {
        Random r = new Random(seed);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = mean + sigma * r.nextGaussian();
        }
        return x;
    }

    static int firings(List<Verdict> vs, int from, int to) {
        int n = 0;
        for (int i = Math.max(1, from); i < to; i++) {
            if (vs.get(i).anomalous() && !vs.get(i - 1).anomalous()) {
                n++;
            }
        }
        return n;
    }

    @Test
    void learnsARobustLevelAndSpreadOfGaussianNoise() {
        AnomalyModel m = new AnomalyModel(DEFAULTS);
        List<Verdict> vs = feed(m, T0, 5 * MIN, gaussian(1, 3000, 200, 10));
        Verdict last = vs.get(vs.size() - 1);
        assertThat(last.expected()).isCloseTo(200, within(5.0));
        assertThat(last.spread()).isCloseTo(10, within(2.0));
        assertThat(firings(vs, 0, vs.size())).isZero();
    }

    @Test
    void aSpikeFiresOnceAndHardlyMovesTheBaseline() {
        AnomalyModel m = new AnomalyModel(DEFAULTS);
        double[] x = gaussian(2, 2000, 100, 5);
        x[1500] = 300; // 40 spreads
        List<Verdict> vs = feed(m, T0, MIN, x);
        assertThat(vs.get(1500).anomalous()).isTrue();
        assertThat(vs.get(1500).direction()).isEqualTo(1);
        assertThat(firings(vs, 0, vs.size())).isEqualTo(1);
        // Clipped to 3 spreads before it is learned, at the level's weight of one point.
        assertThat(vs.get(1501).expected() - vs.get(1500).expected())
                .isLessThan(3 * vs.get(1500).spread() * 0.05);
    }

    @Test
    void dropsCountByDefaultAndNotWhenOnlyAboveIsWatched() {
        double[] x = gaussian(3, 2000, 100, 5);
        for (int i = 1500; i < 1510; i++) {
            x[i] = 5; // traffic collapses
        }
        List<Verdict> both = feed(new AnomalyModel(DEFAULTS), T0, MIN, x);
        assertThat(firings(both, 1500, 1510)).isEqualTo(1);
        assertThat(both.get(1500).directionName()).isEqualTo("below");
        AnomalySettings above = DEFAULTS.withDirection(Direction.ABOVE);
        AnomalyModel m = new AnomalyModel(above);
        boolean any = false;
        for (int i = 0; i < x.length; i++) {
            any |= m.observe(T0 + i * MIN, x[i], above).anomalous();
        }
        assertThat(any).isFalse();
    }

    @Test
    void aLastingStepIsOneEpisodeThatEndsOnceLearned() {
        double[] x = gaussian(4, 4000, 100, 5);
        for (int i = 2000; i < x.length; i++) {
            x[i] += 50; // 10 spreads, for good
        }
        List<Verdict> vs = feed(new AnomalyModel(DEFAULTS), T0, 5 * MIN, x);
        assertThat(firings(vs, 2000, 2003)).isEqualTo(1);
        assertThat(firings(vs, 0, vs.size())).isEqualTo(1);
        assertThat(vs.get(vs.size() - 1).anomalous()).isFalse();
        assertThat(vs.get(vs.size() - 1).expected()).isCloseTo(150, within(5.0));
    }

    @Test
    void neverFiresDuringTheWarmUp() {
        AnomalySettings s = DEFAULTS.withWarmup(50);
        AnomalyModel m = new AnomalyModel(s);
        double[] x = gaussian(5, 100, 100, 5);
        x[40] = 1000;
        x[60] = 1000;
        List<Verdict> vs = new ArrayList<>();
        for (int i = 0; i < x.length; i++) {
            vs.add(m.observe(T0 + i * MIN, x[i], s));
        }
        assertThat(vs.subList(0, 50)).noneMatch(Verdict::anomalous);
        assertThat(vs.get(40).ready()).isFalse();
        assertThat(vs.get(60).anomalous()).isTrue();
    }

    @Test
    void aCountMovingByOneAfterAFlatStretchIsNoAnomaly() {
        // 20 requests a minute for hours, then 21: the "value 80, baseline 20 +- 0" in
        // small; whole numbers have a spread floor of half a unit.
        double[] x = new double[600];
        java.util.Arrays.fill(x, 20);
        x[500] = 21;
        x[550] = 80;
        List<Verdict> vs = feed(new AnomalyModel(DEFAULTS), T0, MIN, x);
        assertThat(vs.get(500).anomalous()).isFalse();
        assertThat(vs.get(550).anomalous()).isTrue();
        assertThat(vs.get(550).spread()).isGreaterThanOrEqualTo(0.5);
    }

    @Test
    void aFlatStretchKeepsTheSpreadItHadBefore() {
        // Noise, then a stuck sensor for two hours, then noise again: the long spread floors the
        // spread, so the first noisy point after the flat stretch is no anomaly.
        double[] x = gaussian(6, 1500, 100.3, 5);
        for (int i = 1200; i < 1320; i++) {
            x[i] = 100.3;
        }
        List<Verdict> vs = feed(new AnomalyModel(DEFAULTS), T0, MIN, x);
        assertThat(firings(vs, 1200, 1500)).isZero();
        assertThat(vs.get(1320).spread()).isGreaterThan(2.0);
    }

    @Test
    void frequentSpikesOfOneSizeStopPaging() {
        // A spike of 20 spreads every 40 points: the first ones are news, the later ones are the
        // series' habit.
        double[] x = gaussian(7, 6000, 100, 5);
        for (int i = 1000; i < x.length; i += 40) {
            x[i] += 100;
        }
        List<Verdict> vs = feed(new AnomalyModel(DEFAULTS), T0, MIN, x);
        assertThat(firings(vs, 1000, 1400)).isGreaterThanOrEqualTo(1);
        assertThat(firings(vs, 4000, 6000)).isZero();
    }

    @Test
    void learnsADailyCurveSoTheMorningRiseDoesNotFire() {
        // Hourly... no: 5-minute data over 20 days, a daily curve of 10 spreads.
        int n = 20 * 288;
        double[] x = new double[n];
        Random r = new Random(8);
        for (int i = 0; i < n; i++) {
            double phase = 2 * Math.PI * (i % 288) / 288.0;
            x[i] = 500 + 50 * Math.sin(phase) + 5 * r.nextGaussian();
        }
        AnomalyModel m = new AnomalyModel(DEFAULTS);
        List<Verdict> vs = feed(m, T0, 5 * MIN, x);
        assertThat(firings(vs, 0, n)).isZero();
        Verdict last = vs.get(n - 1);
        assertThat(last.seasonal()).isTrue();
        assertThat(last.spread()).isLessThan(8.0);
        // Without seasonality the spread is the curve's.
        AnomalySettings none = DEFAULTS.withSeasonality(false);
        AnomalyModel plain = new AnomalyModel(none);
        Verdict p = null;
        for (int i = 0; i < n; i++) {
            p = plain.observe(T0 + i * 5 * MIN, x[i], none);
        }
        assertThat(p.spread()).isGreaterThan(last.spread());
    }

    @Test
    void aHolidaySizedChangeOfTheDailyCurveFiresOnceSeasonalityIsLearned() {
        int n = 21 * 288;
        double[] x = new double[n];
        Random r = new Random(9);
        int holiday = 20 * 288;
        for (int i = 0; i < n; i++) {
            double phase = 2 * Math.PI * (i % 288) / 288.0;
            double amp = i >= holiday ? 0 : 50; // the day's traffic stays flat at night's level
            x[i] = 500 + amp * Math.sin(phase) + 5 * r.nextGaussian();
        }
        List<Verdict> vs = feed(new AnomalyModel(DEFAULTS), T0, 5 * MIN, x);
        assertThat(firings(vs, 0, holiday)).isZero();
        assertThat(firings(vs, holiday, n)).isGreaterThanOrEqualTo(1);
    }

    @Test
    void aSparseKeyKeepsItsMemory() {
        // One point every 6 hours against a 2 h half-life: every point would otherwise forget
        // nearly all before it.
        AnomalyModel m = new AnomalyModel(DEFAULTS);
        double[] x = gaussian(10, 200, 100, 5);
        List<Verdict> vs = feed(m, T0, 360 * MIN, x);
        assertThat(vs.get(199).spread()).isCloseTo(5, within(2.0));
        assertThat(firings(vs, 0, 200)).isZero();
    }

    @Test
    void aLateUpdateOfAWindowSeenIsScoredButNotLearned() {
        AnomalyModel m = new AnomalyModel(DEFAULTS);
        feed(m, T0, MIN, gaussian(11, 500, 100, 5));
        int points = m.points();
        Verdict late = m.observe(T0 + 400 * MIN, 500, DEFAULTS);
        assertThat(late.anomalous()).isTrue();
        assertThat(m.points()).isEqualTo(points);
    }
}
