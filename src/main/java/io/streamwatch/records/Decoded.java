package io.streamwatch.records;

import java.io.Serializable;

/**
 * What the Kafka deserializer emits for one input record: exactly one of {@link #log}, {@link
 * #metric} or {@link #deadLetter} is set. Parsing inside the source (rather than in a later
 * operator) lets the source assign timestamps and watermarks per Kafka partition.
 */
public class Decoded implements Serializable {
    private static final long serialVersionUID = 1L;

    public LogEvent log;
    public MetricPoint metric;
    public DeadLetter deadLetter;

    public Decoded() {}

    public static Decoded of(LogEvent log) {
        Decoded d = new Decoded();
        d.log = log;
        return d;
    }

    public static Decoded of(MetricPoint metric) {
        Decoded d = new Decoded();
        d.metric = metric;
        return d;
    }

    public static Decoded of(DeadLetter deadLetter) {
        Decoded d = new Decoded();
        d.deadLetter = deadLetter;
        return d;
    }

    /** Event time, or {@link Long#MIN_VALUE} for a dead letter so it never moves the watermark. */
    public long eventTime() {
        if (log != null) {
            return log.timestamp;
        }
        if (metric != null) {
            return metric.timestamp;
        }
        return Long.MIN_VALUE;
    }

    /** Keeps the record value on the event, for a late-events record that can be replayed. */
    public void keepRecord(byte[] value) {
        if (log != null) {
            log.record = value;
        } else if (metric != null) {
            metric.record = value;
        }
    }

    @Override
    public String toString() {
        return log != null
                ? log.toString()
                : metric != null ? metric.toString() : String.valueOf(deadLetter);
    }
}
