package io.streamwatch.records;

import java.io.Serializable;

/**
 * One parsed log line, reduced to what the log aggregates need. A Flink POJO: public fields and a
 * no-argument constructor, so Flink serializes it without Kryo.
 */
public class LogEvent implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The group key: the values of the pipeline's group fields, joined by {@link GroupKey}. */
    public String key;

    /** Event time, epoch milliseconds. */
    public long timestamp;

    /** {@link Level} ordinal. */
    public int level;

    public String message;

    /** Where the record came from, for the late-events topic. */
    public String topic;

    public int partition;
    public long offset;

    public LogEvent() {}

    public LogEvent(String key, long timestamp, Level level, String message) {
        this.key = key;
        this.timestamp = timestamp;
        this.level = level.ordinal();
        this.message = message;
    }

    @Override
    public String toString() {
        return "LogEvent{" + key + " @" + timestamp + " " + Level.of(level) + " " + message + "}";
    }
}
