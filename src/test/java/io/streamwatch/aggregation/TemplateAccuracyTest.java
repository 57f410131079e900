package io.streamwatch.aggregation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Grouping accuracy of plain masking and of the miner (default parameters) on the labeled corpora
 * of {@link SystemLogCorpora} and {@link LogCorpora}; the tables in docs/PATTERNS.md come from this
 * test's output ({@link MinerEvaluation}).
 */
class TemplateAccuracyTest {
    /** Online average on the system corpora with the defaults was 0.929: allow no regression. */
    private static final double SYSTEMS_BAR = 0.92;

    /** Online average on the application corpora with the defaults was 0.930. */
    private static final double APPLICATIONS_BAR = 0.92;

    @Test
    void theMinerGroupsTheCorporaFarBetterThanMasking() throws Exception {
        List<MinerEvaluation.Row> rows = MinerEvaluation.all();
        System.out.print(MinerEvaluation.table(rows));
        int systems = SystemLogCorpora.NAMES.size();
        List<MinerEvaluation.Row> sys = rows.subList(0, systems);
        List<MinerEvaluation.Row> app = rows.subList(systems, rows.size());

        assertThat(MinerEvaluation.mean(sys, MinerEvaluation.Row::online))
                .isGreaterThanOrEqualTo(SYSTEMS_BAR);
        assertThat(MinerEvaluation.mean(app, MinerEvaluation.Row::online))
                .isGreaterThanOrEqualTo(APPLICATIONS_BAR);
        // Ids only merge: the final grouping is never worse than the online one.
        for (MinerEvaluation.Row r : rows) {
            assertThat(r.finalIds()).as(r.corpus()).isGreaterThanOrEqualTo(r.online() - 1e-9);
            assertThat(r.online()).as(r.corpus()).isGreaterThan(r.masking() - 0.1);
        }
    }

    @Test
    void groupingAccuracyCountsOnlyExactGroups() {
        List<String> truth = List.of("A", "A", "B", "C", "C");
        assertThat(GroupingAccuracy.of(truth, List.of("1", "1", "2", "3", "3"))).isEqualTo(1.0);
        // B and C merged: only A's lines are right.
        assertThat(GroupingAccuracy.of(truth, List.of("1", "1", "2", "2", "2"))).isEqualTo(0.4);
        // A split: A's lines are wrong.
        assertThat(GroupingAccuracy.of(truth, List.of("1", "9", "2", "3", "3"))).isEqualTo(0.6);
    }
}
