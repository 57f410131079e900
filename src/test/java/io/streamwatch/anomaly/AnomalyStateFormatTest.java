package io.streamwatch.anomaly;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The stored form: compact, exact enough to continue, and versioned. */
class AnomalyStateFormatTest {
    static final AnomalySettings S = AnomalySettings.DEFAULTS;

    @Test
    void aRestoredModelContinuesAsTheOriginalDoes() {
        Random r = new Random(1);
        AnomalyModel kept = new AnomalyModel(S);
        AnomalyModel stored = new AnomalyModel(S);
        long t = AnomalyModelTest.T0;
        for (int i = 0; i < 5000; i++) {
            double x = 100 + 20 * Math.sin(i / 50.0) + 5 * r.nextGaussian() + (i == 4000 ? 80 : 0);
            Verdict a = kept.observe(t, x, S);
            stored = AnomalyStateFormat.decode(AnomalyStateFormat.encode(stored), S);
            Verdict b = stored.observe(t, x, S);
            assertThat(b.anomalous()).as("point %d", i).isEqualTo(a.anomalous());
            // Floats in storage: the figures agree closely, not bit for bit.
            assertThat(b.score()).as("point %d", i).isCloseTo(a.score(), withinRelative(a));
            t += 60_000;
        }
    }

    private static org.assertj.core.data.Offset<Double> withinRelative(Verdict a) {
        return org.assertj.core.data.Offset.offset(0.05 + 0.01 * a.score());
    }

    @Test
    void sizesAreBoundedWhateverTheHistory() {
        AnomalyModel m = new AnomalyModel(S);
        for (int i = 0; i < 10_000; i++) {
            m.observe(AnomalyModelTest.T0 + i * 60_000L, i % 7, S);
        }
        assertThat(AnomalyStateFormat.encode(m)).hasSize(AnomalyStateFormat.SEASONAL_BYTES);
        AnomalySettings plain = S.withSeasonality(false);
        AnomalyModel p = new AnomalyModel(plain);
        p.observe(AnomalyModelTest.T0, 1, plain);
        assertThat(AnomalyStateFormat.encode(p)).hasSize(AnomalyStateFormat.PLAIN_BYTES);
    }

    @Test
    void theLayoutIsTheDocumentedOne() {
        AnomalyModel m = new AnomalyModel(S);
        for (int i = 0; i < 3; i++) {
            m.observe(AnomalyModelTest.T0 + i * 60_000L, 7 + i, S);
        }
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(AnomalyStateFormat.encode(m));
        assertThat(b.get(0)).isEqualTo((byte) 1);
        // Flags: seasonal profiles kept (1), every value a whole number (8).
        assertThat(b.get(1)).isEqualTo((byte) (1 | 8));
        assertThat(b.getLong(2)).isEqualTo(AnomalyModelTest.T0);
        assertThat(b.getLong(10)).isEqualTo(AnomalyModelTest.T0 + 120_000L);
        assertThat(b.getInt(18)).isEqualTo(3);
        // The plain level after 7, 8, 9 learned as a running mean.
        assertThat(b.getDouble(30)).isEqualTo(8.0);
    }

    @Test
    void unknownVersionsAndOtherSeasonalityAreNotContinued() {
        AnomalyModel m = new AnomalyModel(S);
        m.observe(AnomalyModelTest.T0, 1, S);
        byte[] bytes = AnomalyStateFormat.encode(m);
        assertThat(bytes[0]).isEqualTo((byte) AnomalyStateFormat.VERSION);
        assertThat(AnomalyStateFormat.decode(bytes, S)).isNotNull();
        assertThat(AnomalyStateFormat.decode(bytes, S.withSeasonality(false))).isNull();
        bytes[0] = 99;
        assertThat(AnomalyStateFormat.decode(bytes, S)).isNull();
        assertThat(AnomalyStateFormat.decode(new byte[] {1, 1, 0}, S)).isNull();
        assertThat(AnomalyStateFormat.decode(null, S)).isNull();
    }
}
