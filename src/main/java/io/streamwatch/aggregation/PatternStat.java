package io.streamwatch.aggregation;

/** Text, count and one example of a message pattern within a window (a Flink POJO). */
public class PatternStat {
    /** The pattern's text: the latest form of a learned template, or the masked message. */
    public String pattern;

    public long count;
    public String example;

    public PatternStat() {}

    public PatternStat(String pattern, long count, String example) {
        this.pattern = pattern;
        this.count = count;
        this.example = example;
    }
}
