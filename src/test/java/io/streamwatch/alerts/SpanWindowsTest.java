package io.streamwatch.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamwatch.alerts.SpanWindows.Merge;
import org.junit.jupiter.api.Test;

/** The span's windows of one key: kept, replaced, dropped, merged and stored. */
class SpanWindowsTest {
    private static final long W = 60_000;

    private static SpanWindows span(long over) {
        return new SpanWindows(over, (int) (over / W), Merge.SUM, Merge.MIN, Merge.MAX);
    }

    @Test
    void mergesTheWindowsOfTheSpanOnly() {
        SpanWindows s = span(3 * W);
        for (int w = 0; w < 6; w++) {
            assertThat(s.add(w * W, (w + 1) * W, new double[] {w, w, w})).isTrue();
        }
        assertThat(s.size()).as("older windows dropped").isEqualTo(3);
        double[] out = new double[3];
        assertThat(s.merge(3 * W, 6 * W, out)).isEqualTo(3);
        assertThat(out).containsExactly(3 + 4 + 5, 3, 5);
        assertThat(s.firstStart()).isZero();
    }

    @Test
    void aLaterAggregateOfAWindowReplacesItAndOneThatLeftTheSpanIsNotKept() {
        SpanWindows s = span(3 * W);
        s.add(0, W, new double[] {1, 1, 1});
        s.add(2 * W, 3 * W, new double[] {2, 2, 2});
        assertThat(s.add(W, 2 * W, new double[] {5, 5, 5})).as("late, in order").isTrue();
        assertThat(s.add(W, 2 * W, new double[] {7, 7, 7})).as("its update").isTrue();
        double[] out = new double[3];
        s.merge(0, 3 * W, out);
        assertThat(out).containsExactly(1 + 7 + 2, 1, 7);
        s.add(5 * W, 6 * W, new double[] {1, 1, 1});
        assertThat(s.add(W, 2 * W, new double[] {9, 9, 9})).as("left the span").isFalse();
        assertThat(s.size()).isEqualTo(1);
    }

    @Test
    void aSparseKeyKeepsOnlyTheWindowsWithDataAndRestoresFromItsBytes() {
        SpanWindows s = span(60 * W);
        for (int w = 0; w < 120; w += 7) {
            s.add(w * W, (w + 1) * W, new double[] {1, w, w});
        }
        byte[] stored = s.write();
        assertThat(stored).hasSize(SpanWindows.HEADER + s.size() * (8 + 3 * 8));
        SpanWindows back = span(60 * W);
        back.read(stored);
        double[] a = new double[3];
        double[] b = new double[3];
        assertThat(back.merge(60 * W, 120 * W, b)).isEqualTo(s.merge(60 * W, 120 * W, a));
        assertThat(b).containsExactly(a);
        assertThat(back.firstStart()).isZero();
    }

    @Test
    void aShorterSpanOfAChangedRuleKeepsItsNewestWindowsAndWatchesFromTheOldest() {
        SpanWindows longer = span(10 * W);
        for (int w = 0; w < 20; w++) {
            longer.add(w * W, (w + 1) * W, new double[] {1, 1, 1});
        }
        SpanWindows shorter = span(4 * W);
        shorter.read(longer.write());
        assertThat(shorter.size()).isEqualTo(4);
        assertThat(shorter.firstStart()).isEqualTo(16 * W);
        double[] out = new double[3];
        assertThat(shorter.merge(16 * W, 20 * W, out)).isEqualTo(4);
        shorter.read(null);
        assertThat(shorter.size()).isZero();
    }
}
