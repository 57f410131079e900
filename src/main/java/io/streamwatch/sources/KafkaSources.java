package io.streamwatch.sources;

import io.streamwatch.alerts.RuleRecord;
import io.streamwatch.config.KafkaConfig;
import io.streamwatch.config.PipelineConfig;
import io.streamwatch.config.StartingOffsets;
import io.streamwatch.config.StreamwatchConfig;
import io.streamwatch.formats.RecordDecoder;
import io.streamwatch.job.StreamwatchJob;
import io.streamwatch.records.Decoded;
import java.util.Properties;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.common.metrics.JmxReporter;

/**
 * Builds the real Kafka source of a pipeline: read_committed (so upstream aborted transactions
 * never count), offsets committed on checkpoints, starting position from the config.
 */
public final class KafkaSources {
    private KafkaSources() {}

    /** All real sources of a job. */
    public static StreamwatchJob.Sources of(StreamwatchConfig config) {
        return new StreamwatchJob.Sources() {
            @Override
            public KafkaSource<Decoded> pipeline(PipelineConfig p) {
                return forPipeline(config, p);
            }

            @Override
            public KafkaSource<RuleRecord> ruleControl() {
                return KafkaSources.ruleControl(config);
            }
        };
    }

    public static KafkaSource<Decoded> forPipeline(StreamwatchConfig config, PipelineConfig p) {
        KafkaConfig kafka = config.kafka();
        Properties props = consumerProperties(config, p);
        return KafkaSource.<Decoded>builder()
                .setBootstrapServers(kafka.bootstrapServers())
                .setTopics(p.topic())
                .setGroupId(kafka.groupId())
                .setStartingOffsets(startingOffsets(kafka.startingOffsets()))
                .setDeserializer(new RecordDecoder(p, config.limits()))
                .setProperties(props)
                .build();
    }

    /**
     * The consumer settings of a pipeline's source: the configured Kafka properties,
     * read_committed, offsets committed on checkpoints, and the fetch-activity reporter beside the
     * configured metrics reporters (or the client's default, JMX).
     */
    static Properties consumerProperties(StreamwatchConfig config, PipelineConfig p) {
        Properties props = new Properties();
        props.putAll(config.kafka().properties());
        props.setProperty("isolation.level", "read_committed");
        props.setProperty("commit.offsets.on.checkpoint", "true");
        props.setProperty("client.id.prefix", clientIdPrefix(config, p));
        // Lets the watermark idleness see whether fetches are answered (FetchAwareIdleness).
        String reporters =
                props.getProperty(
                        CommonClientConfigs.METRIC_REPORTER_CLASSES_CONFIG,
                        // The client's default: without it the consumers' metrics would vanish
                        // from JMX.
                        JmxReporter.class.getName());
        props.setProperty(
                CommonClientConfigs.METRIC_REPORTER_CLASSES_CONFIG,
                reporters.isBlank()
                        ? FetchActivityReporter.class.getName()
                        : reporters + "," + FetchActivityReporter.class.getName());
        return props;
    }

    /**
     * The prefix of the client ids of a pipeline's consumers (Flink appends the subtask index):
     * {@code client.id.prefix} from the Kafka properties, else group id and pipeline name.
     */
    public static String clientIdPrefix(StreamwatchConfig config, PipelineConfig p) {
        Object set = config.kafka().properties().get("client.id.prefix");
        return set != null ? set.toString() : config.kafka().groupId() + "-" + p.name();
    }

    /**
     * The rule control topic, always read from the beginning: it is compacted and holds the whole
     * rule set. Its own group id keeps it apart from the pipelines' offsets.
     */
    public static KafkaSource<RuleRecord> ruleControl(StreamwatchConfig config) {
        KafkaConfig kafka = config.kafka();
        Properties props = new Properties();
        props.putAll(kafka.properties());
        props.setProperty("isolation.level", "read_committed");
        return KafkaSource.<RuleRecord>builder()
                .setBootstrapServers(kafka.bootstrapServers())
                .setTopics(config.alerts().controlTopic())
                .setGroupId(kafka.groupId() + "-rules")
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setDeserializer(new RuleRecordDeserializer())
                .setProperties(props)
                .build();
    }

    static OffsetsInitializer startingOffsets(StartingOffsets s) {
        switch (s.kind()) {
            case EARLIEST:
                return OffsetsInitializer.earliest();
            case LATEST:
                return OffsetsInitializer.latest();
            case TIMESTAMP:
                return OffsetsInitializer.timestamp(s.timestamp());
            case COMMITTED:
            default:
                return OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
        }
    }
}
