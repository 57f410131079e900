package io.streamwatch.aggregation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * Grouping accuracy of plain masking and of the miner (default parameters) on the labeled corpora
 * of {@link LogCorpora}; the table in docs/PATTERNS.md comes from this test's output.
 */
class TemplateAccuracyTest {
    /** The miner's average measured with the default parameters was 0.945; allow no regression. */
    private static final double MINER_AVERAGE_BAR = 0.94;

    @Test
    void theMinerGroupsTheCorporaFarBetterThanMasking() throws Exception {
        double maskSum = 0;
        double minerSum = 0;
        StringBuilder table = new StringBuilder("| corpus | events | lines | masking | miner |\n");
        for (String name : LogCorpora.NAMES) {
            List<LogCorpora.Labeled> lines = LogCorpora.read(name);
            List<String> truth = new ArrayList<>();
            List<String> masked = new ArrayList<>();
            List<String> mined = new ArrayList<>();
            TemplateMiner miner = new TemplateMiner();
            for (LogCorpora.Labeled l : lines) {
                truth.add(l.event());
                masked.add(PatternMasker.mask(l.message()));
                mined.add(miner.add(l.message()).id());
            }
            double mask = GroupingAccuracy.of(truth, masked);
            double mine = GroupingAccuracy.of(truth, mined);
            maskSum += mask;
            minerSum += mine;
            table.append(
                    String.format(
                            Locale.ROOT,
                            "| %s | %d | %d | %.3f | %.3f |%n",
                            name,
                            truth.stream().distinct().count(),
                            lines.size(),
                            mask,
                            mine));
        }
        int n = LogCorpora.NAMES.size();
        table.append(
                String.format(
                        Locale.ROOT, "| average | | | %.3f | %.3f |%n", maskSum / n, minerSum / n));
        System.out.print(table);

        assertThat(minerSum / n).isGreaterThanOrEqualTo(MINER_AVERAGE_BAR);
        assertThat(minerSum).isGreaterThan(maskSum);
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
