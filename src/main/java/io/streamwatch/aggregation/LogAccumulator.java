package io.streamwatch.aggregation;

import io.streamwatch.records.Level;
import java.util.HashMap;
import java.util.Map;

/**
 * The running state of one log window: total, count per level, and error patterns. A Flink POJO
 * (Flink 2 serializes {@code Map} fields natively), so no Kryo.
 *
 * <p>Patterns are counted by id: a learned template's stable id (its text may generalize within the
 * window), or the id of the masked message when patterns are not mined.
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

    /** Pattern id to the pattern's text, count and first example. */
    public Map<String, PatternStat> patterns = new HashMap<>();

    public LogAccumulator() {}

    /**
     * About how many bytes of heap this takes, for the window operator's budget: the counters, and
     * about 600 B per pattern (its id, text, example and map node).
     */
    public long heapBytes() {
        return 256 + 600L * patterns.size();
    }

    /** Counts a message whose pattern is its masked form (no learned template). */
    public void add(int level, String message) {
        add(level, message, null, null);
    }

    /**
     * Counts a message; an ERROR/FATAL one under its learned template {@code patternId} with the
     * template's current text, or, when {@code patternId} is null, under its masked form.
     */
    public void add(int level, String message, String patternId, String pattern) {
        total++;
        levels[level]++;
        if (Level.of(level).isError()) {
            if (patternId == null) {
                pattern = PatternMasker.mask(message);
                patternId = PatternMasker.patternId(pattern);
            }
            addPattern(patternId, pattern, 1, message);
        }
    }

    /** Counts {@code count} lines of a level that has no patterns (not ERROR/FATAL). */
    public void addCounted(int level, long count) {
        if (Level.of(level).isError()) {
            throw new IllegalArgumentException("ERROR/FATAL lines are counted with their pattern");
        }
        total += count;
        levels[level] += count;
    }

    void addPattern(String id, String pattern, long count, String example) {
        PatternStat stat = patterns.get(id);
        if (stat != null) {
            stat.count += count;
            // A template only grows more general as lines arrive: keep its latest text.
            stat.pattern = pattern;
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
        patterns.put(id, new PatternStat(pattern, count, example));
    }

    public LogAccumulator merge(LogAccumulator other) {
        total += other.total;
        for (int i = 0; i < levels.length; i++) {
            levels[i] += other.levels[i];
        }
        for (Map.Entry<String, PatternStat> e : other.patterns.entrySet()) {
            PatternStat p = e.getValue();
            addPattern(e.getKey(), p.pattern, p.count, p.example);
        }
        return this;
    }
}
