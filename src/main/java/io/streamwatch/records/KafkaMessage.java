package io.streamwatch.records;

/**
 * A record ready for a sink: key and value already encoded as the output topic expects. Every sink
 * takes this one type, so tests can plug in one collecting sink for all outputs.
 */
public class KafkaMessage {
    /** Null for records without a key (dead letters, late events). */
    public byte[] key;

    public byte[] value;

    public KafkaMessage() {}

    public KafkaMessage(byte[] key, byte[] value) {
        this.key = key;
        this.value = value;
    }
}
