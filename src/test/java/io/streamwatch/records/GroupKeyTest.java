package io.streamwatch.records;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GroupKeyTest {
    private static final List<String> FIELDS = List.of("service", "host");

    @Test
    void groupsWithTheSeparatorInAValueDoNotShareAKey() {
        List<String> a = List.of("a\u001fb", "c");
        List<String> b = List.of("a", "b\u001fc");
        String ka = GroupKey.join(a);
        String kb = GroupKey.join(b);
        assertThat(ka).isNotEqualTo(kb);
        assertThat(GroupKey.toMap(FIELDS, ka, 0))
                .containsExactly(Map.entry("service", "a\u001fb"), Map.entry("host", "c"));
        assertThat(GroupKey.toMap(FIELDS, kb, 0))
                .containsExactly(Map.entry("service", "a"), Map.entry("host", "b\u001fc"));
    }

    @Test
    void theEscapeCharacterItselfDoesNotCollide() {
        // What an escaped separator looks like must not be confused with a value holding it.
        List<String> a = List.of("a\u001e1b");
        List<String> b = List.of("a\u001fb");
        assertThat(GroupKey.join(a)).isNotEqualTo(GroupKey.join(b));
        assertThat(GroupKey.split(GroupKey.join(a))).isEqualTo(a);
        assertThat(GroupKey.split(GroupKey.join(b))).isEqualTo(b);
    }

    @Test
    void ordinaryValuesKeepTheKeysOfEarlierVersions() {
        // Checkpoints and savepoints key state by these strings.
        assertThat(GroupKey.join(List.of("checkout"))).isEqualTo("checkout");
        assertThat(GroupKey.join(List.of("cpu", "checkout", "web-1")))
                .isEqualTo("cpu\u001fcheckout\u001fweb-1");
        assertThat(GroupKey.join(List.of("", "x", ""))).isEqualTo("\u001fx\u001f");
        assertThat(GroupKey.join(List.of("tab\there", "ünïcödé ✓")))
                .isEqualTo("tab\there\u001fünïcödé ✓");
        assertThat(GroupKey.split("cpu\u001fcheckout\u001fweb-1"))
                .containsExactly("cpu", "checkout", "web-1");
    }

    @Test
    void anEncodedValueHasNoRawSeparatorSoTheFirstSeparatorEndsTheFirstValue() {
        String key = GroupKey.join(List.of("na\u001fme", "g\u001fh"));
        String rest = key.substring(key.indexOf(GroupKey.SEPARATOR) + 1);
        assertThat(GroupKey.split(rest)).containsExactly("g\u001fh");
    }

    @Test
    void randomValuesWithControlCharactersRoundTripAndNeverCollide() {
        SplittableRandom random = new SplittableRandom(17);
        char[] alphabet = {'a', 'b', '0', '1', '\\', '\u001e', '\u001f', '\u0000', '\n', 'é'};
        Map<String, List<String>> seen = new HashMap<>();
        for (int round = 0; round < 200_000; round++) {
            int n = 1 + random.nextInt(3);
            List<String> values = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                int len = random.nextInt(5);
                StringBuilder b = new StringBuilder(len);
                for (int j = 0; j < len; j++) {
                    b.append(alphabet[random.nextInt(alphabet.length)]);
                }
                values.add(b.toString());
            }
            String key = GroupKey.join(values);
            assertThat(GroupKey.split(key)).as("split of join(%s)", values).isEqualTo(values);
            List<String> before = seen.putIfAbsent(key, values);
            if (before != null) {
                // Same key only for the same values (keys of one pipeline have one length).
                assertThat(values).as("key of %s and %s", before, values).isEqualTo(before);
            }
        }
    }
}
