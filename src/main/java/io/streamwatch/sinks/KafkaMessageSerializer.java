package io.streamwatch.sinks;

import io.streamwatch.records.KafkaMessage;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Sends an already encoded {@link KafkaMessage} to one topic. */
public class KafkaMessageSerializer implements KafkaRecordSerializationSchema<KafkaMessage> {
    private static final long serialVersionUID = 1L;

    private final String topic;

    public KafkaMessageSerializer(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(
            KafkaMessage m, KafkaSinkContext context, Long timestamp) {
        // Dead letters carry no event time; let Kafka stamp them.
        Long ts = timestamp == null || timestamp < 0 ? null : timestamp;
        return new ProducerRecord<>(topic, null, ts, m.key, m.value);
    }
}
