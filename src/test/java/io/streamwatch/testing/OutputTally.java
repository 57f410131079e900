package io.streamwatch.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiPredicate;
import java.util.function.Function;

/**
 * An output topic's records against a test's model, by key (group and window start, taken from the
 * record): the four ways exactly-once output can go wrong, counted apart so that a fault test's
 * figures say which one it was.
 *
 * <ul>
 *   <li>lost: a key the model has and the topic not;
 *   <li>duplicated: a second record with a key seen before, identical to the first;
 *   <li>reopened: a second record with a key seen before, with other content (a window emitted
 *       again, e.g. with a late or replayed record counted);
 *   <li>wrong: a key's first record differs from the model's, or a key the model does not have.
 * </ul>
 *
 * @param lost the model's keys not in the topic
 * @param duplicated one line per identical second record
 * @param reopened one line per differing second record
 * @param wrong one line per first record the model disagrees with
 */
public record OutputTally(
        List<String> lost, List<String> duplicated, List<String> reopened, List<String> wrong) {

    /** Tallies {@code records} against {@code expected}, keyed by {@code key}. */
    public static <E> OutputTally of(
            List<JsonNode> records,
            Map<String, E> expected,
            Function<JsonNode, String> key,
            BiPredicate<JsonNode, E> matches) {
        Map<String, JsonNode> first = new HashMap<>();
        List<String> duplicated = new ArrayList<>();
        List<String> reopened = new ArrayList<>();
        List<String> wrong = new ArrayList<>();
        for (JsonNode r : records) {
            String k = key.apply(r);
            JsonNode earlier = first.putIfAbsent(k, r);
            if (earlier != null) {
                (earlier.equals(r) ? duplicated : reopened).add(earlier + " then " + r);
                continue;
            }
            E e = expected.get(k);
            if (e == null) {
                wrong.add("unexpected " + r);
            } else if (!matches.test(r, e)) {
                wrong.add("expected " + e + " but got " + r);
            }
        }
        List<String> lost = expected.keySet().stream().filter(k -> !first.containsKey(k)).toList();
        return new OutputTally(lost, duplicated, reopened, wrong);
    }

    /** The figures, e.g. {@code lost 0, duplicated 0, reopened 0, wrong 0}. */
    public String figures() {
        return String.format(
                "lost %d, duplicated %d, reopened %d, wrong %d",
                lost.size(), duplicated.size(), reopened.size(), wrong.size());
    }

    /** Prints the figures and asserts each is zero (showing the first 5 of each). */
    public void assertNone(String what) {
        System.out.printf("[faults] %s: %s%n", what, figures());
        assertThat(first5(lost)).as("%s: lost (%d, 5 shown)", what, lost.size()).isEmpty();
        assertThat(first5(duplicated))
                .as("%s: duplicated (%d, 5 shown)", what, duplicated.size())
                .isEmpty();
        assertThat(first5(reopened))
                .as("%s: reopened (%d, 5 shown)", what, reopened.size())
                .isEmpty();
        assertThat(first5(wrong)).as("%s: wrong (%d, 5 shown)", what, wrong.size()).isEmpty();
    }

    private static List<String> first5(List<String> l) {
        return l.subList(0, Math.min(5, l.size()));
    }
}
