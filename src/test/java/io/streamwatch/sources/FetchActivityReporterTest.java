package io.streamwatch.sources;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamwatch.testing.SharedKafka;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

/**
 * The reporter against a real broker: a consumer configured as the sources configure theirs is
 * found by its client id, its count of answered fetches grows while it polls a caught-up partition
 * (the broker answers empty fetches too), and it is gone once the consumer closes.
 */
class FetchActivityReporterTest {
    @Test
    void aConsumersAnsweredFetchesAreSeenByClientIdUntilItCloses() throws Exception {
        String topic = SharedKafka.uniqueTopic("fetch-activity");
        SharedKafka.createTopics(1, topic);
        String clientId = "fetch-activity-test-3";
        Properties p = new Properties();
        p.put("bootstrap.servers", SharedKafka.bootstrapServers());
        p.put("client.id", clientId);
        p.put("metric.reporters", FetchActivityReporter.class.getName());
        p.put("key.deserializer", ByteArrayDeserializer.class.getName());
        p.put("value.deserializer", ByteArrayDeserializer.class.getName());
        p.put("fetch.max.wait.ms", "100");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            consumer.assign(List.of(new TopicPartition(topic, 0)));
            FetchActivity activity = FetchActivityReporter.of(clientId);
            assertThat(activity).isNotNull();
            double before = activity.fetchesAnswered();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (activity.fetchesAnswered() < before + 3 && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200));
            }
            assertThat(activity.fetchesAnswered()).isGreaterThanOrEqualTo(before + 3);

            // The idleness finds it from the prefix and the subtask index of its metric group.
            UnregisteredMetricsGroup subtask3 =
                    new UnregisteredMetricsGroup() {
                        @Override
                        public Map<String, String> getAllVariables() {
                            return Map.of("<subtask_index>", "3");
                        }
                    };
            assertThat(FetchActivityReporter.fetchesAnswered("fetch-activity-test", subtask3))
                    .satisfies(s -> assertThat(s.getAsDouble()).isGreaterThan(before));
        }
        assertThat(FetchActivityReporter.of(clientId)).isNull();
    }
}
