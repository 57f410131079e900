package io.streamwatch.alerts;

/** One record of the rule control topic: key = rule name, value = rule JSON, null = delete. */
public class RuleRecord {
    /** The offset of a placeholder record that stands for "no rule changes" (offline runs). */
    public static final long NONE = -1;

    public String name;

    /** Null for a tombstone (delete). */
    public String json;

    public long offset;

    public RuleRecord() {}

    public RuleRecord(String name, String json, long offset) {
        this.name = name;
        this.json = json;
        this.offset = offset;
    }
}
