package io.streamwatch.offline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** What a backtest prints about its dead letters: a line per reason, and a hint for old data. */
class DeadLetterReasonsTest {
    private static String print(Map<String, DeadLetterReasons.Reason> reasons) {
        StringWriter s = new StringWriter();
        try (PrintWriter out = new PrintWriter(s)) {
            DeadLetterReasons.print(out, reasons);
        }
        return s.toString();
    }

    @Test
    void noDeadLettersPrintNothing() {
        assertThat(print(Map.of())).isEmpty();
    }

    @Test
    void eachReasonWithItsCountAndFirstExampleThenTheOldDataHint() {
        Map<String, DeadLetterReasons.Reason> reasons = new TreeMap<>();
        reasons.put("malformed_json", new DeadLetterReasons.Reason(2, "logs/1/7", "broken"));
        reasons.put(
                "timestamp_out_of_range",
                new DeadLetterReasons.Reason(10318, "logs/0/0", "event time ... too far"));

        assertThat(print(reasons).lines())
                .containsExactly(
                        "Dead letters by reason, with one example of each:",
                        "  malformed_json                  2  logs/1/7: broken",
                        "  timestamp_out_of_range      10318  logs/0/0: event time ... too far",
                        "  timestamp_out_of_range: the records' event times are far from their"
                                + " Kafka timestamps; for old data see docs/rule-tests.md"
                                + " (\"Old data\")");
    }

    @Test
    void otherReasonsGiveNoHint() {
        assertThat(print(Map.of("empty", new DeadLetterReasons.Reason(1, "logs/0/3", "blank"))))
                .doesNotContain("Old data");
    }
}
