package io.streamwatch.aggregation;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Grouping accuracy, the measure of the log parsing benchmarks (Zhu et al., ICSE-SEIP 2019): a line
 * is parsed correctly when the set of lines that share its template is exactly the set of lines
 * that share its true event. The share of such lines.
 */
final class GroupingAccuracy {
    private GroupingAccuracy() {}

    /**
     * @param truth the true event of each line
     * @param predicted the template (id) of each line, in the same order
     */
    static double of(List<String> truth, List<String> predicted) {
        if (truth.size() != predicted.size()) {
            throw new IllegalArgumentException("one prediction per line");
        }
        if (truth.isEmpty()) {
            return 1.0;
        }
        // A predicted group is correct when all its lines have one event and it holds all of
        // that event's lines: then its size equals the event's size and the pair's count.
        Map<String, Integer> eventSize = count(truth);
        Map<String, Integer> groupSize = count(predicted);
        Map<String, Map<String, Integer>> pairs = new HashMap<>();
        for (int i = 0; i < truth.size(); i++) {
            pairs.computeIfAbsent(predicted.get(i), k -> new HashMap<>())
                    .merge(truth.get(i), 1, Integer::sum);
        }
        long correct = 0;
        for (Map.Entry<String, Map<String, Integer>> g : pairs.entrySet()) {
            if (g.getValue().size() != 1) {
                continue;
            }
            Map.Entry<String, Integer> only = g.getValue().entrySet().iterator().next();
            int n = groupSize.get(g.getKey());
            if (eventSize.get(only.getKey()) == n) {
                correct += n;
            }
        }
        return (double) correct / truth.size();
    }

    private static Map<String, Integer> count(List<String> keys) {
        Map<String, Integer> m = new HashMap<>();
        keys.forEach(k -> m.merge(k, 1, Integer::sum));
        return m;
    }
}
