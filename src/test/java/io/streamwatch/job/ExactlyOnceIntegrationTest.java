package io.streamwatch.job;

import static io.streamwatch.testing.IsoTimes.iso;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

        // Every window once, each record whole as the test's own input makes it: 240 lines, every
        // tenth ERROR ("n <i>", one pattern once its number is masked), the rest INFO.
        Map<String, JsonNode> byWindow = new TreeMap<>();
        Set<String> keys = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> r : all) {
            JsonNode a = Json.parse(r.value());
            JsonNode before = byWindow.put(a.path("window_start").asText(), a);
            assertThat(before).as("window %s written twice", a.get("window_start")).isNull();
            assertThat(r.key()).as("Kafka key").isNotNull();
            assertThat(keys.add(new String(r.key(), StandardCharsets.UTF_8))).isTrue();
        }
        List<String> expectedWindows = new ArrayList<>();
        for (int w = 0; w < WINDOWS; w++) {
            expectedWindows.add(iso(t0 + w * MIN));
        }
        assertThat(byWindow.keySet()).containsExactlyElementsOf(expectedWindows);
        Set<String> patternIds = new HashSet<>();
        for (int w = 0; w < WINDOWS; w++) {
            JsonNode a = byWindow.get(iso(t0 + w * MIN));
            Set<String> errorMessages = new HashSet<>();
            for (int i = w * PER_WINDOW; i < (w + 1) * PER_WINDOW; i += 10) {
                errorMessages.add("n " + i);
            }
            assertThat(a.path("type").asText()).isEqualTo("log_aggregate");
            assertThat(a.path("pipeline").asText()).isEqualTo(logs.name());
            assertThat(fields(a.path("group"))).isEqualTo(Map.of("service", "svc"));
            assertThat(a.path("window_end").asText()).isEqualTo(iso(t0 + (w + 1) * MIN));
            assertThat(a.path("total").asLong()).isEqualTo(PER_WINDOW);
            assertThat(fields(a.path("levels")))
                    .isEqualTo(
                            Map.of(
                                    "INFO",
                                    String.valueOf(PER_WINDOW * 9 / 10),
                                    "ERROR",
                                    String.valueOf(PER_WINDOW / 10)));
            assertThat(a.path("error_ratio").asDouble()).isCloseTo(0.1, within(1e-12));
            JsonNode patterns = a.path("top_patterns");
            assertThat(patterns.size()).as("top patterns of %s", a).isEqualTo(1);
            JsonNode p = patterns.get(0);
            assertThat(p.path("pattern").asText()).isEqualTo("n <NUM>");
            assertThat(p.path("count").asLong()).isEqualTo(PER_WINDOW / 10);
            assertThat(p.path("example").asText()).isIn(errorMessages);
            assertThat(p.path("pattern_id").asText()).isNotBlank();
            patternIds.add(p.path("pattern_id").asText());
        }
        assertThat(patternIds).as("one pattern, one stable id in every window").hasSize(1);
    }

    /** An object's fields as text. */
    private static Map<String, String> fields(JsonNode object) {
        Map<String, String> out = new TreeMap<>();
        object.fields().forEachRemaining(f -> out.put(f.getKey(), f.getValue().asText()));
        return out;
    }
}
