package io.streamwatch.aggregation;

import io.streamwatch.records.Level;
import java.util.HashMap;
import java.util.Map;

/**
 * The running state of one log window: total, count per level, and error patterns. A Flink POJO
 * (Flink 2 serializes {@code Map} fields natively), so no Kryo.
 *
 * <p>Pattern counting is exact up to {@link #MAX_PATTERNS} distinct patterns per window; beyond
 * that it becomes the Space-Saving algorithm (Metwally et al.): the least frequent pattern is
 * replaced and its count inherited, which keeps memory bounded and the true top patterns on top.
 */
public class LogAccumulator {
    /** Distinct error patterns tracked exactly per window and key. */
    public static final int MAX_PATTERNS = 256;

    public long total;

    /** Indexed by {@link Level} ordinal. */
    public long[] levels = new long[Level.values().length];

    /** Masked pattern to its count and first example. */
    public Map<String, PatternStat> patterns = new HashMap<>();

    public LogAccumulator() {}

    public void add(int level, String message) {
        total++;
        levels[level]++;
        if (Level.of(level).isError()) {
            addPattern(PatternMasker.mask(message), 1, message);
        }
    }

    void addPattern(String pattern, long count, String example) {
        PatternStat stat = patterns.get(pattern);
        if (stat != null) {
            stat.count += count;
            return;
        }
        if (patterns.size() >= MAX_PATTERNS) {
            String weakest = null;
            long min = Long.MAX_VALUE;
            for (Map.Entry<String, PatternStat> e : patterns.entrySet()) {
                if (e.getValue().count < min) {
                    min = e.getValue().count;
                    weakest = e.getKey();
                }
            }
            patterns.remove(weakest);
            count += min;
        }
        patterns.put(pattern, new PatternStat(count, example));
    }

    public LogAccumulator merge(LogAccumulator other) {
        total += other.total;
        for (int i = 0; i < levels.length; i++) {
            levels[i] += other.levels[i];
        }
        for (Map.Entry<String, PatternStat> e : other.patterns.entrySet()) {
            addPattern(e.getKey(), e.getValue().count, e.getValue().example);
        }
        return this;
    }
}
