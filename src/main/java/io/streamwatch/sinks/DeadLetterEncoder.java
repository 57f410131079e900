package io.streamwatch.sinks;

import io.streamwatch.records.DeadLetter;
import io.streamwatch.records.KafkaMessage;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.functions.MapFunction;

/**
 * Writes a dead letter in the SPEC's shape. The Kafka key is {@code topic/partition/offset}, so a
 * reprocessing tool can find the original record and duplicates are recognizable.
 */
public class DeadLetterEncoder implements MapFunction<DeadLetter, KafkaMessage> {
    private static final long serialVersionUID = 1L;

    @Override
    public KafkaMessage map(DeadLetter d) {
        byte[] value =
                JsonOutput.object(
                        g -> {
                            g.writeStringField("source_topic", d.sourceTopic);
                            g.writeNumberField("partition", d.partition);
                            g.writeNumberField("offset", d.offset);
                            g.writeStringField("reason", d.reason);
                            g.writeStringField("detail", d.detail);
                            g.writeStringField("raw", d.raw);
                            g.writeStringField("raw_encoding", d.rawEncoding);
                            g.writeNumberField("raw_size", d.rawSize);
                            g.writeBooleanField("raw_truncated", d.rawTruncated);
                            g.writeStringField("pipeline", d.pipeline);
                            JsonOutput.time(g, "rejected_at", d.rejectedAt);
                        });
        byte[] key =
                (d.sourceTopic + "/" + d.partition + "/" + d.offset)
                        .getBytes(StandardCharsets.UTF_8);
        return new KafkaMessage(key, value);
    }
}
