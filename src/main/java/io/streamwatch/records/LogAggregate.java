package io.streamwatch.records;

import java.util.List;
import java.util.Map;

/** The log aggregate of one group key and one window (SPEC section 5, "Log aggregate"). */
public class LogAggregate {
    public String pipeline;
    public Map<String, String> group;
    public long windowStart;
    public long windowEnd;
    public long total;

    /** Count per level name; only levels that occurred. */
    public Map<String, Long> levels;

    /** (ERROR + FATAL) / total. */
    public double errorRatio;

    public List<PatternCount> topPatterns;

    /** Every error pattern of the window, ranked; for new-pattern rules, not written out. */
    public List<PatternCount> patterns;

    /** The key the stream was keyed by; used for the Kafka record key. */
    public String key;

    public LogAggregate() {}
}
