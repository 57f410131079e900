package io.streamwatch.sinks;

import io.streamwatch.config.Delivery;
import io.streamwatch.config.KafkaConfig;
import io.streamwatch.config.StreamwatchConfig;
import io.streamwatch.records.KafkaMessage;
import java.util.Properties;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;

/**
 * Builds the real Kafka sinks. With {@code exactly-once} each sink writes in Kafka transactions
 * committed on checkpoints, with a transactional id prefix that is stable per job and sink (so a
 * restarted job aborts its own lingering transactions) and a transaction timeout below the broker's
 * maximum.
 */
public final class KafkaSinks {
    /** The producers' batch size unless {@code kafka.properties} sets one: 128 KiB. */
    static final String PRODUCER_BATCH_SIZE = "131072";

    /** How long a producer waits to fill a batch unless {@code kafka.properties} says. */
    static final String PRODUCER_LINGER_MS = "20";

    private KafkaSinks() {}

    /**
     * @param name unique within the job; part of the transactional id prefix
     */
    public static KafkaSink<KafkaMessage> forTopic(
            StreamwatchConfig config, String topic, String name) {
        KafkaConfig kafka = config.kafka();
        Properties props = producerProperties(config, name);
        return KafkaSink.<KafkaMessage>builder()
                .setBootstrapServers(kafka.bootstrapServers())
                .setKafkaProducerConfig(props)
                .setRecordSerializer(new KafkaMessageSerializer(topic))
                .setDeliveryGuarantee(guarantee(config.delivery()))
                .setTransactionalIdPrefix(kafka.transactionalIdPrefix() + "-" + name)
                .build();
    }

    /** The sink's producer settings: {@code kafka.properties} first, then our defaults. */
    static Properties producerProperties(StreamwatchConfig config, String name) {
        KafkaConfig kafka = config.kafka();
        Properties props = new Properties();
        props.putAll(kafka.properties());
        props.setProperty(
                "transaction.timeout.ms", Long.toString(kafka.transactionTimeout().toMillis()));
        props.putIfAbsent("client.id", kafka.groupId() + "-" + name);
        // Aggregates leave in bursts, a window's worth when it closes: bigger batches than the
        // client's 16 KiB / 5 ms halve the producer's sending thread and the broker's requests.
        // With exactly-once nothing is visible before the checkpoint's commit anyway.
        props.putIfAbsent("batch.size", PRODUCER_BATCH_SIZE);
        props.putIfAbsent("linger.ms", PRODUCER_LINGER_MS);
        return props;
    }

    static DeliveryGuarantee guarantee(Delivery d) {
        switch (d) {
            case AT_LEAST_ONCE:
                return DeliveryGuarantee.AT_LEAST_ONCE;
            case NONE:
                return DeliveryGuarantee.NONE;
            case EXACTLY_ONCE:
            default:
                return DeliveryGuarantee.EXACTLY_ONCE;
        }
    }
}
