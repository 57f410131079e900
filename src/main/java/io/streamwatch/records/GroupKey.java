package io.streamwatch.records;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds and splits the string keys that streams are keyed by. A key is the group values joined by
 * a control character that does not occur in field values, so it is compact, hashes fast and splits
 * back into the group map for the output records.
 */
public final class GroupKey {
    /** Unit separator: never part of a service or host name. */
    public static final char SEPARATOR = '\u001f';

    /** Value used for a group field that a record does not have. */
    public static final String MISSING = "unknown";

    private GroupKey() {}

    public static String join(List<String> values) {
        return String.join(String.valueOf(SEPARATOR), values);
    }

    public static List<String> split(String key) {
        List<String> parts = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < key.length(); i++) {
            if (key.charAt(i) == SEPARATOR) {
                parts.add(key.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(key.substring(start));
        return parts;
    }

    /** Pairs field names with the values of a key, starting at value {@code offset}. */
    public static Map<String, String> toMap(List<String> fields, String key, int offset) {
        List<String> values = split(key);
        Map<String, String> group = new LinkedHashMap<>();
        for (int i = 0; i < fields.size(); i++) {
            int at = i + offset;
            group.put(fields.get(i), at < values.size() ? values.get(at) : MISSING);
        }
        return group;
    }
}
