package io.streamwatch.job;

import static io.streamwatch.testing.IsoTimes.iso;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamwatch.config.AlertsConfig;
import io.streamwatch.config.PipelineConfig;
import io.streamwatch.config.StreamwatchConfig;
import io.streamwatch.rules.RuleDefinition;
import io.streamwatch.rules.RuleReader;
import io.streamwatch.testing.Json;
import io.streamwatch.testing.SharedKafka;
import io.streamwatch.testing.TestJobs;
import io.streamwatch.testing.TestPipelines;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Alerts end to end on a MiniCluster and a real broker: a file rule fires during an error spike and
 * resolves after it, with the TaskManager killed while the alert is firing; a rule added on the
 * control topic fires, a broken update of it is rejected (the old version stays), and its deletion
 * resolves its alert. A read_committed consumer sees each transition exactly once.
 */
class AlertingIntegrationTest {
    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final long MIN = 60_000;

    private final long t0 =
            Instant.now()
                    .truncatedTo(ChronoUnit.MINUTES)
                    .minus(20, ChronoUnit.MINUTES)
                    .toEpochMilli();
    private final String in = SharedKafka.uniqueTopic("al-logs");
    private final String alerts = SharedKafka.uniqueTopic("al-alerts");
    private final String control = SharedKafka.uniqueTopic("al-rules");
    private final String status = SharedKafka.uniqueTopic("al-status");

    @Test
    void eachIncidentFiresOnceAndResolvesOnceAcrossAFailure(@InjectMiniCluster MiniCluster cluster)
            throws Exception {
        String out = SharedKafka.uniqueTopic("al-out");
        String dead = SharedKafka.uniqueTopic("al-dead");
        String late = SharedKafka.uniqueTopic("al-late");
        SharedKafka.createTopics(1, in, out, dead, late, alerts, status);
        SharedKafka.createCompactedTopic(control);
        PipelineConfig logs =
                TestPipelines.withTopics(
                        TestPipelines.logs("streamwatch"), in, out, Duration.ofSeconds(1));
        StreamwatchConfig config =
                TestPipelines.withAlerts(
                        TestPipelines.job(
                                SharedKafka.bootstrapServers(), in, List.of(logs), dead, late),
                        new AlertsConfig(alerts, List.of(), control, status));
        List<RuleDefinition> fileRules = new ArrayList<>();
        fileRules.add(
                RuleReader.read(
                        new com.fasterxml.jackson.databind.ObjectMapper()
                                .readTree(
                                        "{\"name\":\"HighErrorRatio\",\"pipeline\":\"app-logs\","
                                                + "\"condition\":\"error_ratio > 0.5 && total >= 10\",\"severity\":\"page\","
                                                + "\"summary\":\"{{service}} errors {{value|pct}}\"}"),
                        "rules/it.yaml",
                        0,
                        new ArrayList<>()));
        JobClient job = TestJobs.startOnKafka(config, fileRules, "alerting-it");

        try (KafkaProducer<byte[], byte[]> producer = SharedKafka.producer()) {
            SharedKafka.sendKeyed(
                    producer,
                    control,
                    "ManyLines",
                    "{\"name\":\"ManyLines\",\"pipeline\":\"app-logs\",\"condition\":\"total >= 20\"}");
            waitFor(
                    status,
                    s ->
                            s.get("rule").asText().equals("ManyLines")
                                    && s.get("status").asText().equals("active"));

            // Windows 0-1 normal, 2-4 an error spike, 5 normal again.
            for (int w = 0; w <= 5; w++) {
                window(producer, w, w >= 2 && w <= 4 ? 0.8 : 0.0);
            }
            waitFor(
                    alerts,
                    a -> rule(a, "HighErrorRatio") && a.get("status").asText().equals("firing"));

            // The TaskManager dies while the alert is firing.
            cluster.terminateTaskManager(0).get();
            cluster.startTaskManager();

            for (int w = 6; w <= 9; w++) {
                window(producer, w, 0.0);
            }
            line(producer, 12 * MIN, "INFO", "tick");
            waitFor(
                    alerts,
                    a -> rule(a, "HighErrorRatio") && a.get("status").asText().equals("resolved"));

            // A broken update is rejected and the running version stays; a delete resolves.
            SharedKafka.sendKeyed(
                    producer,
                    control,
                    "ManyLines",
                    "{\"name\":\"ManyLines\",\"pipeline\":\"app-logs\",\"condition\":\"totl >= 20\"}");
            waitFor(status, s -> s.get("status").asText().equals("rejected"));
            SharedKafka.sendKeyed(producer, control, "ManyLines", null);
            waitFor(
                    alerts,
                    a -> rule(a, "ManyLines") && a.get("status").asText().equals("resolved"));
        }
        assertThat(
                        cluster.getExecutionGraph(job.getJobID())
                                .get()
                                .getStatusTimestamp(JobStatus.RESTARTING))
                .as("the job went through a restart")
                .isPositive();
        job.cancel().get();

        List<JsonNode> all =
                SharedKafka.readAll(alerts).stream().map(r -> Json.parse(r.value())).toList();
        assertThat(all.stream().filter(a -> rule(a, "HighErrorRatio")))
                .extracting(a -> a.get("status").asText())
                .containsExactly("firing", "resolved");
        JsonNode firing =
                all.stream().filter(a -> rule(a, "HighErrorRatio")).findFirst().orElseThrow();
        assertThat(firing.get("labels").get("alertname").asText()).isEqualTo("HighErrorRatio");
        assertThat(firing.get("labels").get("severity").asText()).isEqualTo("page");
        assertThat(firing.get("labels").get("service").asText()).isEqualTo("checkout");
        assertThat(firing.get("annotations").get("summary").asText())
                .isEqualTo("checkout errors 80.0%");
        assertThat(firing.get("startsAt").asText()).isEqualTo(iso(t0 + 3 * MIN));
        assertThat(firing.get("endsAt").isNull()).isTrue();
        assertThat(firing.get("value").asDouble()).isEqualTo(0.8);
        assertThat(firing.get("threshold").asDouble()).isEqualTo(0.5);
        JsonNode resolved =
                all.stream()
                        .filter(a -> rule(a, "HighErrorRatio"))
                        .skip(1)
                        .findFirst()
                        .orElseThrow();
        assertThat(resolved.get("endsAt").asText()).isEqualTo(iso(t0 + 6 * MIN));
        assertThat(resolved.get("fingerprint").asText())
                .isEqualTo(firing.get("fingerprint").asText());

        assertThat(all.stream().filter(a -> rule(a, "ManyLines")))
                .extracting(
                        a ->
                                a.get("status").asText()
                                        + ":"
                                        + (a.has("reason") ? a.get("reason").asText() : ""))
                .containsExactly("firing:", "resolved:rule_deleted");
        // The input had been idle (1 s idleness) for a while when the rule was deleted: its
        // resolve still ends at an event time of the data, not at the end of time (issue 16).
        JsonNode deleted =
                all.stream().filter(a -> rule(a, "ManyLines")).skip(1).findFirst().orElseThrow();
        assertThat(Instant.parse(deleted.get("endsAt").asText()).toEpochMilli())
                .isBetween(t0, t0 + 13 * MIN);
        assertThat(SharedKafka.readAll(status).stream().map(r -> Json.parse(r.value())))
                .extracting(s -> s.get("status").asText())
                .containsExactly("active", "rejected", "deleted");
    }

    private void window(KafkaProducer<byte[], byte[]> producer, int w, double errorShare)
            throws Exception {
        for (int i = 0; i < 20; i++) {
            boolean error = i < errorShare * 20;
            line(
                    producer,
                    w * MIN + i * 2_000L,
                    error ? "ERROR" : "INFO",
                    error ? "Timeout after " + i + " ms" : "ok");
        }
    }

    private void line(
            KafkaProducer<byte[], byte[]> producer, long offset, String level, String message)
            throws Exception {
        String json =
                String.format(
                        "{\"timestamp\":%d,\"service\":\"checkout\",\"level\":\"%s\",\"message\":\"%s\"}",
                        t0 + offset, level, message);
        SharedKafka.send(producer, in, 0, json.getBytes(StandardCharsets.UTF_8));
    }

    private static boolean rule(JsonNode alert, String name) {
        return alert.get("rule").asText().equals(name);
    }

    private static void waitFor(String topic, Predicate<JsonNode> what) {
        SharedKafka.readUntil(
                topic,
                WAIT,
                seen -> seen.stream().map(ConsumerRecord::value).map(Json::parse).anyMatch(what));
    }
}
