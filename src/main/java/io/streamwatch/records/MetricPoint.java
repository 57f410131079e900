package io.streamwatch.records;

import java.io.Serializable;

/** One parsed metric sample. A Flink POJO (see {@link LogEvent}). */
public class MetricPoint implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The group key: metric name, then the group field values, joined by {@link GroupKey}. */
    public String key;

    public String name;

    /** Event time, epoch milliseconds. */
    public long timestamp;

    /** Always finite: NaN and infinities are rejected when parsed. */
    public double value;

    /**
     * Null for a point read; the values of several points of this key and window when they were
     * combined before the keyBy ({@link #value} is then the first of them).
     */
    public double[] values;

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

    public MetricPoint() {}

    public MetricPoint(String key, String name, long timestamp, double value) {
        this.key = key;
        this.name = name;
        this.timestamp = timestamp;
        this.value = value;
    }

    /**
     * Takes the Kafka origin (topic, partition, offset) of {@code source}, for a point derived from
     * it (a plain copy, a delta, a {@code .count} companion), and returns this point.
     */
    public MetricPoint withOriginOf(MetricPoint source) {
        topic = source.topic;
        partition = source.partition;
        offset = source.offset;
        return this;
    }

    @Override
    public String toString() {
        return "MetricPoint{" + key + " @" + timestamp + " " + name + "=" + value + "}";
    }
}
