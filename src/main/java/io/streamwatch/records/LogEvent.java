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

    /**
     * The id of the learned template of an ERROR/FATAL message, set by the template assigner; null
     * when patterns are not mined (the window then masks the message itself).
     */
    public String patternId;

    /** The template's text as learned up to this event; null with {@link #patternId}. */
    public String pattern;

    /**
     * How many lines of this key, level and window the event stands for: 1 for a line read, more
     * for the partial count of non-error lines combined before the keyBy (their message is then
     * null).
     */
    public long count = 1;

    /** Where the record came from, for the late-events topic. */
    public String topic;

    public int partition;
    public long offset;

    /**
     * The Kafka record value the event was read from, kept while the event travels alone so that a
     * late event can be written out whole for replay (fields the aggregates do not read, like
     * {@code trace_id} or {@code tags}, included). Null for events combined before the keyBy and
     * for formats that make several events of one record. Not a copy: the consumer's own array.
     */
    public byte[] record;

    public LogEvent() {}

    public LogEvent(String key, long timestamp, Level level, String message) {
        this.key = key;
        this.timestamp = timestamp;
        this.level = level.ordinal();
        this.message = message;
    }

    /**
     * A shallow copy: strings and the {@code record} array are shared, which is safe because no
     * operator writes into them (see {@code StreamwatchJob.flinkConfiguration} on object reuse).
     */
    public LogEvent copy() {
        LogEvent e = new LogEvent();
        e.key = key;
        e.timestamp = timestamp;
        e.level = level;
        e.message = message;
        e.patternId = patternId;
        e.pattern = pattern;
        e.count = count;
        e.topic = topic;
        e.partition = partition;
        e.offset = offset;
        e.record = record;
        return e;
    }

    @Override
    public String toString() {
        return "LogEvent{" + key + " @" + timestamp + " " + Level.of(level) + " " + message + "}";
    }
}
