package io.streamwatch.records;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds and splits the string keys that streams are keyed by. A key is the group values joined by
 * {@link #SEPARATOR}, so it is compact, hashes fast and splits back into the group map for the
 * output records.
 *
 * <p>Group values come from input records and may hold any character, the separator included. So
 * that two different groups never share a key, a value is escaped before it is joined: {@link
 * #ESCAPE} (U+001E) becomes U+001E {@code '0'} and {@link #SEPARATOR} (U+001F) becomes U+001E
 * {@code '1'}. An encoded value therefore never contains a raw U+001F, the separators of a key are
 * exactly its U+001F characters (so {@code indexOf(SEPARATOR)} finds the end of the first value),
 * and {@link #split} undoes the escaping exactly.
 *
 * <p>Compatibility: a value without U+001E and U+001F is not changed, so the keys of ordinary
 * groups are byte-identical to those of earlier versions, and checkpoints and savepoints, whose
 * keyed state (windows, alert state) is keyed by these strings, stay usable. Only a group with one
 * of the two characters in a value gets a key other than before; its old state (which before could
 * be shared with another group) is not found again and expires with the state TTL.
 */
public final class GroupKey {
    /** Unit separator: joins the (escaped) values of a key; never occurs inside one. */
    public static final char SEPARATOR = '\u001f';

    private static final String SEPARATOR_STRING = String.valueOf(SEPARATOR);

    /** Record separator: escapes itself and {@link #SEPARATOR} inside a value. */
    public static final char ESCAPE = '\u001e';

    /** Follows {@link #ESCAPE} to stand for an escape character in a value. */
    private static final char ESCAPED_ESCAPE = '0';

    /** Follows {@link #ESCAPE} to stand for a separator in a value. */
    private static final char ESCAPED_SEPARATOR = '1';

    /** Value used for a group field that a record does not have. */
    public static final String MISSING = "unknown";

    private GroupKey() {}

    /**
     * The key of the given group values, in order. Values without U+001E and U+001F (the common
     * case, checked by one scan) are joined as they are.
     */
    public static String join(List<String> values) {
        int n = values.size();
        if (n == 1) {
            String v = values.get(0);
            return special(v) ? escape(v, new StringBuilder(v.length() + 4)).toString() : v;
        }
        boolean escape = false;
        for (int i = 0; i < n && !escape; i++) {
            escape = special(values.get(i));
        }
        if (!escape) {
            // String.join sizes the key once and builds it in place; a StringBuilder copied it
            // again in toString (about 1% of the job's CPU, once per input record).
            return String.join(SEPARATOR_STRING, values);
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                b.append(SEPARATOR);
            }
            escape(values.get(i), b);
        }
        return b.toString();
    }

    /** Whether a value holds a character that must be escaped. */
    private static boolean special(String v) {
        // String.indexOf is an intrinsic (vectorized); a charAt loop was 1% of the job's CPU.
        return v.indexOf(SEPARATOR) >= 0 || v.indexOf(ESCAPE) >= 0;
    }

    private static StringBuilder escape(String v, StringBuilder b) {
        for (int i = 0, n = v.length(); i < n; i++) {
            char c = v.charAt(i);
            if (c == ESCAPE) {
                b.append(ESCAPE).append(ESCAPED_ESCAPE);
            } else if (c == SEPARATOR) {
                b.append(ESCAPE).append(ESCAPED_SEPARATOR);
            } else {
                b.append(c);
            }
        }
        return b;
    }

    /**
     * The key with its first value replaced: the key of a companion metric ({@code <name>.count})
     * in the same group as {@code key}.
     */
    public static String withFirst(String key, String first) {
        String head = join(List.of(first));
        int separator = key.indexOf(SEPARATOR);
        return separator < 0 ? head : head + key.substring(separator);
    }

    /** The values a key was {@linkplain #join joined} from, unescaped. */
    public static List<String> split(String key) {
        List<String> parts = new ArrayList<>();
        int start = 0;
        boolean escaped = false;
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c == SEPARATOR) {
                parts.add(value(key, start, i, escaped));
                start = i + 1;
                escaped = false;
            } else if (c == ESCAPE) {
                escaped = true;
            }
        }
        parts.add(value(key, start, key.length(), escaped));
        return parts;
    }

    private static String value(String key, int from, int to, boolean escaped) {
        if (!escaped) {
            return key.substring(from, to);
        }
        StringBuilder b = new StringBuilder(to - from);
        for (int i = from; i < to; i++) {
            char c = key.charAt(i);
            if (c == ESCAPE && i + 1 < to) {
                char next = key.charAt(i + 1);
                if (next == ESCAPED_ESCAPE) {
                    b.append(ESCAPE);
                    i++;
                    continue;
                }
                if (next == ESCAPED_SEPARATOR) {
                    b.append(SEPARATOR);
                    i++;
                    continue;
                }
            }
            // Not from join (e.g. a key an earlier version built): kept as it is.
            b.append(c);
        }
        return b.toString();
    }

    /** Pairs field names with the values of a key, starting at value {@code offset}. */
    public static Map<String, String> toMap(List<String> fields, String key, int offset) {
        return toMap(fields, split(key), offset);
    }

    /** Pairs field names with the {@linkplain #split values of a key}, from {@code offset}. */
    public static Map<String, String> toMap(List<String> fields, List<String> values, int offset) {
        // Sized for the fields: the default 16 slots are more than most groups have.
        Map<String, String> group = new LinkedHashMap<>(fields.size() * 2);
        for (int i = 0; i < fields.size(); i++) {
            int at = i + offset;
            group.put(fields.get(i), at < values.size() ? values.get(at) : MISSING);
        }
        return group;
    }
}
