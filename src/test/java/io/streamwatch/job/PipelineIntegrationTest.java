package io.streamwatch.job;

import static io.streamwatch.testing.IsoTimes.iso;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole job on a Flink MiniCluster against a real Kafka broker: a known data set (in order, out
 * of order within bounds, late, every kind of bad input, two partitions with one going idle) goes
 * in; every output topic is read back with read_committed and compared with the test's own model of
 * the input.
 */
class PipelineIntegrationTest {
    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final long MIN = 60_000;

    /** A log line as the test produces it. */
    record LogIn(int partition, long ts, String service, String level, String message) {}

    /** A metric point as the test produces it. */
    record MetricIn(
            int partition, long ts, String name, String service, String host, double value) {}

    private final long t0 =
            Instant.now()
                    .truncatedTo(ChronoUnit.MINUTES)
                    .minus(15, ChronoUnit.MINUTES)
                    .toEpochMilli();
    private final String logsTopic = SharedKafka.uniqueTopic("logs");
    private final String metricsTopic = SharedKafka.uniqueTopic("metrics");
    private final String logOut = SharedKafka.uniqueTopic("log-aggregates");
    private final String metricOut = SharedKafka.uniqueTopic("metric-aggregates");
    private final String deadTopic = SharedKafka.uniqueTopic("dead-letter");
    private final String lateTopic = SharedKafka.uniqueTopic("late-events");

    private final List<LogIn> onTimeLogs = new ArrayList<>();
    private final List<MetricIn> onTimeMetrics = new ArrayList<>();

    /** "topic/partition/offset" to the reason the job must give. */
    private final Map<String, String> expectedDeadLetters = new TreeMap<>();

    private KafkaProducer<byte[], byte[]> producer;

    @Test
    void aggregatesDeadLettersAndLateEventsMatchTheModel() throws Exception {
        SharedKafka.createTopics(2, logsTopic, metricsTopic);
        SharedKafka.createTopics(1, logOut, metricOut, deadTopic, lateTopic);
        String bootstrap = SharedKafka.bootstrapServers();
        PipelineConfig logs =
                TestPipelines.withTopics(
                        TestPipelines.logs("streamwatch"),
                        logsTopic,
                        logOut,
                        Duration.ofSeconds(1));
        PipelineConfig metrics =
                TestPipelines.withTopics(
                        TestPipelines.metrics("streamwatch"),
                        metricsTopic,
                        metricOut,
                        Duration.ofSeconds(1));
        StreamwatchConfig config =
                TestPipelines.job(
                        bootstrap, logsTopic, List.of(logs, metrics), deadTopic, lateTopic);

        JobClient job = TestJobs.startOnKafka(config, List.of(), "pipeline-it");
        try (KafkaProducer<byte[], byte[]> p = SharedKafka.producer()) {
            producer = p;
            phaseOne();
            // Windows [t0, t0+1m) and [t0+1m, t0+2m) close once partition 1 is idle.
            Map<String, JsonNode> first =
                    byKey(SharedKafka.readUntil(logOut, WAIT, seen -> seen.size() >= 4));
            assertThat(first.values())
                    .extracting(a -> a.get("window_start").asText())
                    .containsOnly(iso(t0), iso(t0 + MIN));
            phaseTwo();
        }

        Map<String, Map<String, Object>> expectedLogs = logModel(t0 + 10 * MIN - 5_000);
        List<ConsumerRecord<byte[], byte[]>> logRecords =
                SharedKafka.readUntil(logOut, WAIT, seen -> seen.size() >= expectedLogs.size());
        List<ConsumerRecord<byte[], byte[]>> metricRecords =
                SharedKafka.readUntil(metricOut, WAIT, seen -> seen.size() >= 3);
        List<ConsumerRecord<byte[], byte[]>> dead =
                SharedKafka.readUntil(
                        deadTopic, WAIT, seen -> seen.size() >= expectedDeadLetters.size());
        List<ConsumerRecord<byte[], byte[]>> late =
                SharedKafka.readUntil(lateTopic, WAIT, seen -> seen.size() >= 1);
        job.cancel().get();
        // Read to the end: a duplicate committed after the waits above would show up here.
        logRecords = SharedKafka.readAll(logOut);
        metricRecords = SharedKafka.readAll(metricOut);
        dead = SharedKafka.readAll(deadTopic);
        late = SharedKafka.readAll(lateTopic);

        // Every window exactly once, with the model's values.
        assertThat(logRecords).hasSize(expectedLogs.size());
        Map<String, Map<String, Object>> actualLogs = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : logRecords) {
            JsonNode a = Json.parse(r.value());
            assertThat(a.get("type").asText()).isEqualTo("log_aggregate");
            assertThat(a.get("pipeline").asText()).isEqualTo("app-logs");
            assertThat(Json.parse(r.key()).get("window_start").asText())
                    .isEqualTo(a.get("window_start").asText());
            assertThat(a.get("window_end").asText())
                    .isEqualTo(
                            iso(
                                    Instant.parse(a.get("window_start").asText()).toEpochMilli()
                                            + MIN));
            Map<String, Object> v = new HashMap<>();
            v.put("total", a.get("total").asLong());
            Map<String, Long> levels = new TreeMap<>();
            a.get("levels")
                    .fields()
                    .forEachRemaining(e -> levels.put(e.getKey(), e.getValue().asLong()));
            v.put("levels", levels);
            v.put("error_ratio", a.get("error_ratio").asDouble());
            actualLogs.put(
                    a.get("group").get("service").asText() + "@" + a.get("window_start").asText(),
                    v);
        }
        assertThat(actualLogs).isEqualTo(expectedLogs);

        JsonNode checkoutW0 =
                logRecords.stream()
                        .map(r -> Json.parse(r.value()))
                        .filter(
                                a ->
                                        a.get("group").get("service").asText().equals("checkout")
                                                && a.get("window_start").asText().equals(iso(t0)))
                        .findFirst()
                        .orElseThrow();
        JsonNode top = checkoutW0.get("top_patterns").get(0);
        assertThat(top.get("pattern").asText())
                .isEqualTo("Timeout calling payment-gateway after <NUM> ms");
        assertThat(top.get("count").asLong()).isEqualTo(2);
        assertThat(top.get("example").asText())
                .startsWith("Timeout calling payment-gateway after ");
        assertThat(top.get("pattern_id").asText()).matches("[0-9a-f]{8}");

        checkMetrics(metricRecords);

        assertThat(dead).hasSize(expectedDeadLetters.size());
        Map<String, String> actualDead = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : dead) {
            JsonNode d = Json.parse(r.value());
            assertThat(d.get("detail").asText()).isNotBlank();
            assertThat(d.get("rejected_at").asText()).endsWith("Z");
            actualDead.put(
                    d.get("source_topic").asText()
                            + "/"
                            + d.get("partition").asInt()
                            + "/"
                            + d.get("offset").asLong(),
                    d.get("reason").asText());
        }
        assertThat(actualDead).isEqualTo(expectedDeadLetters);

        assertThat(late).hasSize(1);
        JsonNode l = Json.parse(late.get(0).value());
        assertThat(l.get("message").asText()).isEqualTo("late one été \"quoted\"");
        assertThat(l.get("raw").asText().getBytes(StandardCharsets.UTF_8)).isEqualTo(lateRecord);
        assertThat(l.get("group").get("service").asText()).isEqualTo("checkout");
        assertThat(l.get("event_time").asText()).isEqualTo(iso(t0 + 50_000));
    }

    private void phaseOne() throws Exception {
        log(0, 1_000, "checkout", "INFO", "started");
        log(0, 5_000, "checkout", "ERROR", "Timeout calling payment-gateway after 3000 ms");
        log(0, 3_000, "checkout", "error", "Timeout calling payment-gateway after 2950 ms");
        bad(logsTopic, 0, "{\"timestamp\":", "malformed_json");
        log(0, 10_000, "checkout", "WARNING", "slow response");
        bad(logsTopic, 0, "[1,2]", "not_an_object");
        log(0, 20_000, "checkout", "FATAL", "Out of memory in worker 7");
        bad(logsTopic, 0, "{\"service\":\"checkout\",\"message\":\"no time\"}", "missing_field");
        for (int i = 0; i < 3; i++) {
            log(0, 15_000 + i, "search", "INFO", "query ok");
        }
        log(1, 30_000, "search", "ERROR", "Disk /var/data/x.db is full");
        badBytes(logsTopic, 1, new byte[] {'{', (byte) 0xff, '}'}, "invalid_utf8");
        log(1, 40_000, "payments", "INFO", "paid");
        bad(logsTopic, 1, "", "empty");
        log(0, MIN + 1_000, "checkout", "INFO", "a");
        log(0, MIN + 2_000, "checkout", "INFO", "b");
        log(0, MIN + 10_000, "checkout", "ERROR", "Timeout calling payment-gateway after 100 ms");
        log(0, 2 * MIN + 10_000, "clock", "INFO", "tick");

        double[] latencies = {
            12, 15, 11, 18, 250, 13, 14, 16, 900, 17, 12, 13, 19, 21, 14, 15, 16, 3000, 12, 11
        };
        for (int i = 0; i < latencies.length; i++) {
            metric(
                    i % 2,
                    1_000 + i * 1_000,
                    "http.server.duration",
                    "checkout",
                    "web-1",
                    latencies[i]);
        }
        metric(1, 2_000, "cpu.usage", "checkout", "web-2", 0.5);
        metric(1, 4_000, "cpu.usage", "checkout", "web-2", -0.25);
        metric(1, 3_000, "cpu.usage", "checkout", "web-2", 0.75);
        bad(
                metricsTopic,
                0,
                "{\"timestamp\":" + (t0 + 5_000) + ",\"name\":\"x\",\"value\":NaN}",
                "non_finite_number");
        bad(metricsTopic, 0, "{\"timestamp\":" + (t0 + 5_000) + ",\"value\":1}", "missing_field");
        bad(
                metricsTopic,
                1,
                "{\"timestamp\":0,\"name\":\"x\",\"value\":1}",
                "timestamp_out_of_range");
        metric(0, 2 * MIN + 10_000, "tick", "clock", "c", 1);
    }

    /** Sent after its window fired; the late-events record must carry it byte for byte. */
    private byte[] lateRecord;

    private void phaseTwo() throws Exception {
        lateRecord = logJson(50_000, "checkout", "ERROR", "late one \u00e9t\u00e9 \\\"quoted\\\"");
        // The window [t0, t0+1m) has fired: this one is beyond the allowed lateness of 0.
        SharedKafka.send(producer, logsTopic, 0, lateRecord);
        log(0, 10 * MIN, "clock", "INFO", "tick");
        metric(0, 10 * MIN, "tick", "clock", "c", 1);
    }

    /** Expected log aggregates: service@window_start to total, levels, error_ratio. */
    private Map<String, Map<String, Object>> logModel(long watermark) {
        Map<String, List<LogIn>> byWindow =
                onTimeLogs.stream()
                        .collect(
                                Collectors.groupingBy(
                                        e ->
                                                e.service()
                                                        + "@"
                                                        + iso(
                                                                e.ts()
                                                                        - Math.floorMod(
                                                                                e.ts(), MIN))));
        Map<String, Map<String, Object>> model = new TreeMap<>();
        byWindow.forEach(
                (k, events) -> {
                    long start = Instant.parse(k.substring(k.indexOf('@') + 1)).toEpochMilli();
                    if (start + MIN - 1 > watermark) {
                        return;
                    }
                    Map<String, Long> levels = new TreeMap<>();
                    for (LogIn e : events) {
                        levels.merge(canonicalLevel(e.level()), 1L, Long::sum);
                    }
                    long errors =
                            levels.getOrDefault("ERROR", 0L) + levels.getOrDefault("FATAL", 0L);
                    Map<String, Object> v = new HashMap<>();
                    v.put("total", (long) events.size());
                    v.put("levels", levels);
                    v.put("error_ratio", (double) errors / events.size());
                    model.put(k, v);
                });
        return model;
    }

    private static String canonicalLevel(String level) {
        String l = level.toUpperCase();
        return l.equals("WARNING") ? "WARN" : l;
    }

    private void checkMetrics(List<ConsumerRecord<byte[], byte[]>> records) {
        assertThat(records).hasSize(3);
        Map<String, JsonNode> byName =
                records.stream()
                        .map(r -> Json.parse(r.value()))
                        .collect(Collectors.toMap(a -> a.get("name").asText(), a -> a));
        assertThat(byName).containsOnlyKeys("http.server.duration", "cpu.usage", "tick");
        for (String name : List.of("http.server.duration", "cpu.usage")) {
            JsonNode a = byName.get(name);
            List<Double> values =
                    onTimeMetrics.stream()
                            .filter(m -> m.name().equals(name))
                            .map(MetricIn::value)
                            .sorted()
                            .toList();
            assertThat(a.get("type").asText()).isEqualTo("metric_aggregate");
            assertThat(a.get("window_start").asText()).isEqualTo(iso(t0));
            assertThat(a.get("group").get("service").asText()).isEqualTo("checkout");
            assertThat(a.get("count").asLong()).isEqualTo(values.size());
            double sum = values.stream().mapToDouble(Double::doubleValue).sum();
            assertThat(a.get("sum").asDouble())
                    .isCloseTo(sum, org.assertj.core.data.Offset.offset(1e-9));
            assertThat(a.get("min").asDouble()).isEqualTo(values.get(0));
            assertThat(a.get("max").asDouble()).isEqualTo(values.get(values.size() - 1));
            assertThat(a.get("mean").asDouble())
                    .isCloseTo(sum / values.size(), org.assertj.core.data.Offset.offset(1e-9));
            for (String q : List.of("p50", "p90", "p95", "p99")) {
                double rank = Integer.parseInt(q.substring(1)) / 100.0 * (values.size() - 1);
                double lo = values.get((int) Math.floor(rank));
                double hi = values.get((int) Math.ceil(rank));
                assertThat(a.get(q).asDouble())
                        .as("%s %s of %s", name, q, values)
                        .isBetween(Math.min(lo * 0.99, lo * 1.01), Math.max(hi * 1.01, hi * 0.99));
            }
        }
        assertThat(byName.get("http.server.duration").get("group").get("host").asText())
                .isEqualTo("web-1");
    }

    private void log(int partition, long offsetMillis, String service, String level, String message)
            throws Exception {
        SharedKafka.send(
                producer, logsTopic, partition, logJson(offsetMillis, service, level, message));
        onTimeLogs.add(new LogIn(partition, t0 + offsetMillis, service, level, message));
    }

    private byte[] logJson(long offsetMillis, String service, String level, String message) {
        return String.format(
                        "{\"timestamp\":\"%s\",\"service\":\"%s\",\"host\":\"web-1\",\"level\":\"%s\",\"message\":\"%s\",\"extra\":{\"a\":[1]}}",
                        iso(t0 + offsetMillis), service, level, message)
                .getBytes(StandardCharsets.UTF_8);
    }

    private void metric(
            int partition,
            long offsetMillis,
            String name,
            String service,
            String host,
            double value)
            throws Exception {
        String json =
                String.format(
                        "{\"timestamp\":%d,\"name\":\"%s\",\"value\":%s,\"service\":\"%s\",\"host\":\"%s\",\"tags\":{\"route\":\"/pay\"}}",
                        t0 + offsetMillis, name, value, service, host);
        SharedKafka.send(producer, metricsTopic, partition, json.getBytes(StandardCharsets.UTF_8));
        onTimeMetrics.add(new MetricIn(partition, t0 + offsetMillis, name, service, host, value));
    }

    private void bad(String topic, int partition, String payload, String reason) throws Exception {
        badBytes(topic, partition, payload.getBytes(StandardCharsets.UTF_8), reason);
    }

    private void badBytes(String topic, int partition, byte[] payload, String reason)
            throws Exception {
        long offset = SharedKafka.send(producer, topic, partition, payload);
        expectedDeadLetters.put(topic + "/" + partition + "/" + offset, reason);
    }

    private static Map<String, JsonNode> byKey(List<ConsumerRecord<byte[], byte[]>> records) {
        Map<String, JsonNode> m = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            assertThat(m.put(new String(r.key(), StandardCharsets.UTF_8), Json.parse(r.value())))
                    .as("duplicate key")
                    .isNull();
        }
        return m;
    }
}
