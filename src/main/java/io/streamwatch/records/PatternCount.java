package io.streamwatch.records;

/** One entry of a log aggregate's {@code top_patterns}: a masked message pattern and its count. */
public class PatternCount {
    /** Stable short hash of {@link #pattern}. */
    public String patternId;

    public String pattern;
    public long count;

    /** One original message that produced this pattern. */
    public String example;

    public PatternCount() {}

    public PatternCount(String patternId, String pattern, long count, String example) {
        this.patternId = patternId;
        this.pattern = pattern;
        this.count = count;
        this.example = example;
    }
}
