package io.streamwatch.records;

/**
 * One entry of a log aggregate's {@code top_patterns}: a message pattern (a learned template, or a
 * masked message when mining is off), its count in the window and one example.
 */
public class PatternCount {
    /**
     * The pattern's stable id: a learned template keeps the id of the first line it was learned
     * from while it generalizes; a masked pattern's id is the hash of its text.
     */
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
