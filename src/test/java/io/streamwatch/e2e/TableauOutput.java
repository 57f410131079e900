package io.streamwatch.e2e;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The results in what Flink's SQL client prints for a file of queries in its "tableau" result mode,
 * so that a test can compare them with its model. A result is a header line and rows between
 * borders, closed by "N rows in set" (or "Empty set"); the client's echo of each statement and its
 * other messages are skipped.
 */
final class TableauOutput {
    private TableauOutput() {}

    /** Each result's rows (without the header), each row's cells trimmed, in printed order. */
    static List<List<List<String>>> results(String output) {
        List<List<List<String>>> results = new ArrayList<>();
        List<List<String>> rows = null;
        for (String line : output.split("\n")) {
            String l = line.strip();
            if (l.startsWith("|") && l.endsWith("|") && l.length() > 1) {
                List<String> cells =
                        Arrays.stream(l.substring(1, l.length() - 1).split("\\|", -1))
                                .map(String::strip)
                                .toList();
                if (rows == null) {
                    rows = new ArrayList<>(); // the header
                } else {
                    rows.add(cells);
                }
            } else if (l.matches("\\d+ rows? in set.*")) {
                results.add(rows == null ? List.of() : rows);
                rows = null;
            } else if (l.matches(".*Empty set \\(.*")) {
                // After the statement's echo, on its line.
                results.add(List.of());
                rows = null;
            }
        }
        return results;
    }
}
