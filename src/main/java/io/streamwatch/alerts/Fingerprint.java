package io.streamwatch.alerts;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * The stable identity of an alert: a 64-bit FNV-1a hash of the rule name and the sorted identity
 * labels (group fields, metric name, pattern id), as 16 hex digits. It depends on nothing that
 * changes across restarts or versions, so Alertmanager deduplicates correctly.
 */
public final class Fingerprint {
    private Fingerprint() {}

    public static String of(String rule, Map<String, String> identity) {
        long h = 0xcbf29ce484222325L;
        h = mix(h, rule);
        for (Map.Entry<String, String> e : new TreeMap<>(identity).entrySet()) {
            h = mix(h, "\u0000" + e.getKey() + "=" + e.getValue());
        }
        return String.format("%016x", h);
    }

    private static long mix(long h, String s) {
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }
}
