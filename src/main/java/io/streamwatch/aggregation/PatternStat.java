package io.streamwatch.aggregation;

/** Count and one example of a message pattern within a window (a Flink POJO). */
public class PatternStat {
    public long count;
    public String example;

    public PatternStat() {}

    public PatternStat(long count, String example) {
        this.count = count;
        this.example = example;
    }
}
