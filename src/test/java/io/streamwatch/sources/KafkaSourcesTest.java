package io.streamwatch.sources;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamwatch.config.KafkaConfig;
import io.streamwatch.config.PipelineConfig;
import io.streamwatch.config.StreamwatchConfig;
import io.streamwatch.testing.TestPipelines;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * The sources' consumer settings: the fetch-activity reporter is added beside the metrics reporters
 * there are, and the client's default one (JMX) stays when none is configured: replacing it hid
 * every consumer metric from JMX (the benchmark's progress, a user's JMX exporter).
 */
class KafkaSourcesTest {
    private static final PipelineConfig LOGS = TestPipelines.logs("streamwatch");

    private static StreamwatchConfig withProperties(Map<String, String> properties) {
        StreamwatchConfig c =
                TestPipelines.job("localhost:9092", "sources", List.of(LOGS), "dead", "late");
        KafkaConfig k = c.kafka();
        return new StreamwatchConfig(
                c.source(),
                new KafkaConfig(
                        k.bootstrapServers(),
                        k.groupId(),
                        k.startingOffsets(),
                        properties,
                        k.transactionTimeout(),
                        k.transactionalIdPrefix()),
                c.delivery(),
                c.checkpoint(),
                c.parallelism(),
                c.limits(),
                c.pipelines(),
                c.alerts(),
                c.deadLetterTopic(),
                c.lateEventsTopic());
    }

    @Test
    void withoutConfiguredReportersJmxStaysAndTheFetchActivityReporterJoins() {
        Properties p = KafkaSources.consumerProperties(withProperties(Map.of()), LOGS);

        assertThat(p.getProperty("metric.reporters"))
                .isEqualTo(
                        "org.apache.kafka.common.metrics.JmxReporter,"
                                + FetchActivityReporter.class.getName());
        assertThat(p.getProperty("client.id.prefix")).isEqualTo("test-sources-" + LOGS.name());
        assertThat(p.getProperty("isolation.level")).isEqualTo("read_committed");
    }

    @Test
    void configuredReportersAreKept() {
        Properties p =
                KafkaSources.consumerProperties(
                        withProperties(
                                Map.of(
                                        "metric.reporters",
                                        "com.example.Reporter",
                                        "client.id.prefix",
                                        "mine")),
                        LOGS);

        assertThat(p.getProperty("metric.reporters"))
                .isEqualTo("com.example.Reporter," + FetchActivityReporter.class.getName());
        assertThat(p.getProperty("client.id.prefix")).isEqualTo("mine");
    }
}
