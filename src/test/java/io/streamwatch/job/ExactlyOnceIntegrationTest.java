package io.streamwatch.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamwatch.config.PipelineConfig;
import io.streamwatch.config.StreamwatchConfig;
import io.streamwatch.testing.Json;
import io.streamwatch.testing.SharedKafka;
import io.streamwatch.testing.TestJobs;
import io.streamwatch.testing.TestPipelines;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The TaskManager dies mid-stream; the job restarts from its last checkpoint, and a read_committed
 * consumer still sees every window exactly once with the right count.
 */
class ExactlyOnceIntegrationTest {
    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private static final long MIN = 60_000;
    private static final int PER_WINDOW = 240;
    private static final int WINDOWS = 12;

    @Test
    void everyWindowExactlyOnceAcrossATaskManagerFailure(@InjectMiniCluster MiniCluster cluster)
            throws Exception {
        String in = SharedKafka.uniqueTopic("eo-logs");
        String out = SharedKafka.uniqueTopic("eo-out");
        String dead = SharedKafka.uniqueTopic("eo-dead");
        String late = SharedKafka.uniqueTopic("eo-late");
        SharedKafka.createTopics(2, in);
        SharedKafka.createTopics(1, out, dead, late);
        PipelineConfig logs =
                TestPipelines.withTopics(
                        TestPipelines.logs("streamwatch"), in, out, Duration.ofSeconds(1));
        StreamwatchConfig config =
                TestPipelines.job(SharedKafka.bootstrapServers(), in, List.of(logs), dead, late);
        JobClient job = TestJobs.startOnKafka(config, List.of(), "exactly-once-it");

        long t0 =
                Instant.now()
                        .truncatedTo(ChronoUnit.MINUTES)
                        .minus(20, ChronoUnit.MINUTES)
                        .toEpochMilli();
        long step = MIN / PER_WINDOW;
        int total = PER_WINDOW * WINDOWS;
        try (KafkaProducer<byte[], byte[]> producer = SharedKafka.producer()) {
            for (int i = 0; i < total; i++) {
                if (i == total / 3) {
                    producer.flush();
                    SharedKafka.readUntil(out, Duration.ofSeconds(90), seen -> seen.size() >= 2);
                    // Kill the only TaskManager while records and open transactions are in flight.
                    cluster.terminateTaskManager(0).get();
                    cluster.startTaskManager();
                }
                String json =
                        String.format(
                                "{\"timestamp\":%d,\"service\":\"svc\",\"level\":\"%s\",\"message\":\"n %d\"}",
                                t0 + i * step, i % 10 == 0 ? "ERROR" : "INFO", i);
                producer.send(
                        new ProducerRecord<>(
                                in, i % 2, null, json.getBytes(StandardCharsets.UTF_8)));
            }
            // Close the last window on both partitions.
            for (int p = 0; p < 2; p++) {
                String tick =
                        String.format(
                                "{\"timestamp\":%d,\"service\":\"svc\",\"message\":\"tick\"}",
                                t0 + (WINDOWS + 1) * MIN);
                producer.send(
                        new ProducerRecord<>(in, p, null, tick.getBytes(StandardCharsets.UTF_8)));
            }
        }

        List<ConsumerRecord<byte[], byte[]>> records =
                SharedKafka.readUntil(out, Duration.ofSeconds(120), seen -> seen.size() >= WINDOWS);
        // The failure really happened: the job went through a restart.
        assertThat(
                        cluster.getExecutionGraph(job.getJobID())
                                .get()
                                .getStatusTimestamp(JobStatus.RESTARTING))
                .isPositive();
        job.cancel().get();
        // Everything committed, to the end of the topic: a duplicate would show up here.
        List<ConsumerRecord<byte[], byte[]>> all = SharedKafka.readAll(out);
        assertThat(all.size()).isGreaterThanOrEqualTo(records.size());

        Map<String, Long> totals = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : all) {
            JsonNode a = Json.parse(r.value());
            Long before = totals.put(a.get("window_start").asText(), a.get("total").asLong());
            assertThat(before).as("window %s written twice", a.get("window_start")).isNull();
        }
        assertThat(totals).hasSize(WINDOWS);
        assertThat(totals.values()).containsOnly((long) PER_WINDOW);
        assertThat(all)
                .allSatisfy(
                        r ->
                                assertThat(
                                                Json.parse(r.value())
                                                        .get("levels")
                                                        .get("ERROR")
                                                        .asLong())
                                        .isEqualTo(PER_WINDOW / 10));
    }
}
