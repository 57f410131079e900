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
    private KafkaSinks() {}

    /**
     * @param name unique within the job; part of the transactional id prefix
     */
    public static KafkaSink<KafkaMessage> forTopic(
            StreamwatchConfig config, String topic, String name) {
        KafkaConfig kafka = config.kafka();
        Properties props = new Properties();
        props.putAll(kafka.properties());
        props.setProperty(
                "transaction.timeout.ms", Long.toString(kafka.transactionTimeout().toMillis()));
        props.putIfAbsent("client.id", kafka.groupId() + "-" + name);
        return KafkaSink.<KafkaMessage>builder()
                .setBootstrapServers(kafka.bootstrapServers())
                .setKafkaProducerConfig(props)
                .setRecordSerializer(new KafkaMessageSerializer(topic))
                .setDeliveryGuarantee(guarantee(config.delivery()))
                .setTransactionalIdPrefix(kafka.transactionalIdPrefix() + "-" + name)
                .build();
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
