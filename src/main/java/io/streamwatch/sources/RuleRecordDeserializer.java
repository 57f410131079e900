package io.streamwatch.sources;

import io.streamwatch.alerts.RuleRecord;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Reads the rule control topic as it is: key text, value text (or null for a tombstone). Never
 * throws; checking the rule is {@link io.streamwatch.alerts.RuleControl}'s job, so a bad rule is
 * reported rather than failing the job.
 */
public class RuleRecordDeserializer implements KafkaRecordDeserializationSchema<RuleRecord> {
    private static final long serialVersionUID = 1L;

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> r, Collector<RuleRecord> out) {
        String key = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
        String value = r.value() == null ? null : new String(r.value(), StandardCharsets.UTF_8);
        out.collect(new RuleRecord(key, value, r.offset()));
    }

    @Override
    public TypeInformation<RuleRecord> getProducedType() {
        return TypeInformation.of(RuleRecord.class);
    }
}
