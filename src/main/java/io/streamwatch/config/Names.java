package io.streamwatch.config;

import java.util.Collection;
import java.util.Locale;
import java.util.regex.Pattern;

/** Name checks and "did you mean" suggestions shared by the config readers and the rule checks. */
public final class Names {
    private static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

    private Names() {}

    /** A Kafka-legal topic name, or the reason it is not. */
    static String topicProblem(String topic) {
        if (topic.isBlank()) {
            return "is empty; a topic name is needed";
        }
        if (!TOPIC.matcher(topic).matches() || topic.equals(".") || topic.equals("..")) {
            return quote(topic)
                    + " is not a valid Kafka topic name (letters, digits, '.', '_', '-';"
                    + " at most 249)";
        }
        return null;
    }

    /** {@code " (did you mean "x"?)"} for the closest candidate, or empty when none is close. */
    public static String suggest(String given, Collection<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        String g = normalize(given);
        for (String c : candidates) {
            String n = normalize(c);
            int d = n.equals(g) ? 0 : distance(g, n);
            if (g.length() >= 3 && (n.startsWith(g) || g.startsWith(n))) {
                d = Math.min(d, 2);
            }
            if (d < bestDistance) {
                best = c;
                bestDistance = d;
            }
        }
        int allowed = Math.max(2, given.length() / 3);
        return best != null && bestDistance <= allowed ? " (did you mean \"" + best + "\"?)" : "";
    }

    static String quote(String s) {
        return "\"" + s + "\"";
    }

    // Spelling variants people reach for (dashes, dots, capitals) count as the same key.
    private static String normalize(String s) {
        return s.toLowerCase(Locale.ROOT).replace('-', '_').replace('.', '_');
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
