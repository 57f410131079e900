package io.streamwatch.formats;

/**
 * Where a payload came from: Kafka coordinates and the record's Kafka timestamp, which bounds how
 * far the event time may stray. Mutable and reused per record.
 */
public final class RecordOrigin {
    public String topic;
    public int partition;
    public long offset;

    /** The Kafka record timestamp, or a negative value when the record has none. */
    public long kafkaTimestamp = -1;

    public RecordOrigin set(String topic, int partition, long offset, long kafkaTimestamp) {
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
        this.kafkaTimestamp = kafkaTimestamp;
        return this;
    }
}
