package io.streamwatch.anomaly;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The calibration: probabilities read off its counts, against samples of known tails. */
class ScoreTailTest {

    static ScoreTail learned(double[] z) {
        ScoreTail t = new ScoreTail();
        t.startFromPrior();
        for (double v : z) {
            t.learn(new double[] {v, 0, 0});
        }
        return t;
    }

    @Test
    void gaussianTailsAreReadOffTheCountsAndOverstatedBeyondThem() {
        Random r = new Random(1);
        double[] z = new double[20_000];
        for (int i = 0; i < z.length; i++) {
            z[i] = r.nextGaussian();
        }
        ScoreTail t = learned(z);
        // P(Z > 2.25) = 0.0122 for a standard Gaussian.
        assertThat(t.tail(0, 0, 2.25)).isBetween(0.008, 0.017);
        // Beyond the counts a power law: far more than the Gaussian's 2.9e-7 at 5 (conservative),
        // but still rare.
        assertThat(t.tail(0, 0, 5)).isBetween(2.9e-7, 1e-3);
        assertThat(t.tail(0, 0, 1.0)).isEqualTo(1);
    }

    @Test
    void heavyTailsAreNotTakenForLightOnes() {
        Random r = new Random(2);
        double[] z = new double[20_000];
        for (int i = 0; i < z.length; i++) {
            z[i] = studentT3(r);
        }
        ScoreTail t = learned(z);
        // Student t(3): P(T > 5) = 0.0077, P(T > 10) = 0.0011.
        assertThat(t.tail(0, 0, 5)).isBetween(0.003, 0.02);
        assertThat(t.tail(0, 0, 10)).isGreaterThan(2e-4);
    }

    @Test
    void theTailFallsAndTheQuantileInvertsIt() {
        ScoreTail t = learned(new Random(3).doubles(5000).map(u -> 3 * u - 1.5).toArray());
        double previous = 1;
        for (double x = 1.5; x < 50; x *= 1.1) {
            double p = t.tail(0, 0, x);
            assertThat(p).isLessThanOrEqualTo(previous);
            previous = p;
        }
        double q = t.quantile(0, 0, 1e-5);
        assertThat(t.tail(0, 0, q)).isLessThanOrEqualTo(1e-5);
        assertThat(t.tail(0, 0, q * 0.99)).isGreaterThan(1e-5);
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
}
