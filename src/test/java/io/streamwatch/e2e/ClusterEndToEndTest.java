package io.streamwatch.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamwatch.testing.PrometheusText;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.flink.runtime.jobgraph.JobVertexID;
import org.apache.flink.shaded.guava33.com.google.common.hash.Hashing;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Streamwatch run the way users run it: a Kafka broker process and a standalone Flink cluster
 * (JobManager + TaskManager processes configured by {@code flink-conf/}), started by {@code
 * bin/cluster}, the shaded job jar submitted with Flink's own CLI. It feeds a small data set whose
 * aggregates the test computes itself, reads them back with a {@code read_committed} consumer,
 * scrapes the Prometheus endpoints for the job's own metrics, and reads the job graph from the REST
 * API. Unit and integration tests cannot catch what this catches: a jar that misses a class on a
 * real cluster, a config key Flink ignores, a metric the reporter names differently.
 *
 * <p>Runs in the Maven profile {@code e2e} ({@code mvn verify -Pe2e}); needs the ports of the
 * playground (Kafka 19092/19093, Flink 8081/6123/6124, Prometheus 9249/9250) free.
 */
class ClusterEndToEndTest {

    private static final Path ROOT =
            Path.of(System.getProperty("streamwatch.root", ".")).toAbsolutePath().normalize();
    private static final Path WORK = ROOT.resolve("target/e2e");
    private static final String BOOTSTRAP = "127.0.0.1:19092";
    private static final int REST_PORT = 8081;
    private static final int[] PORTS = {19092, 19093, 8081, 6123, 6124, 9249, 9250};
    private static final Duration OUTPUT_DEADLINE = Duration.ofMinutes(3);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static boolean started;

    @BeforeAll
    static void startCluster() throws Exception {
        for (int port : PORTS) {
            assertThat(portOpen(port))
                    .as(
                            "port %d must be free (is the playground running? bin/playground stop)",
                            port)
                    .isFalse();
        }
        Files.createDirectories(WORK);
        started = true;
        RepositoryScript start = script(Duration.ofMinutes(5), "bin/cluster", "start");
        assertThat(start.exit()).as("bin/cluster start failed:%n%s", start.stderr()).isZero();
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (started) {
            script(Duration.ofMinutes(2), "bin/cluster", "stop");
        }
    }

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void aggregatesMetricsAndJobGraphOnAStandaloneCluster() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        Topics t = new Topics(run);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", BOOTSTRAP))) {
            admin.createTopics(
                            List.of(
                                    new NewTopic(t.logs, 2, (short) 1),
                                    new NewTopic(t.metrics, 2, (short) 1),
                                    new NewTopic(t.logAggregates, 1, (short) 1),
                                    new NewTopic(t.metricAggregates, 1, (short) 1),
                                    new NewTopic(t.deadLetter, 1, (short) 1),
                                    new NewTopic(t.lateEvents, 1, (short) 1),
                                    new NewTopic(t.alerts, 1, (short) 1)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }

        RepositoryScript submit =
                script(
                        Duration.ofMinutes(2),
                        "bin/cluster",
                        "submit",
                        "--config",
                        "jobs-config/streamwatch.yaml",
                        "--bootstrap-servers",
                        BOOTSTRAP,
                        "--group-id",
                        "e2e-" + run,
                        "--starting-offsets",
                        "earliest",
                        "--checkpoint-interval",
                        "2s",
                        "--input-topic",
                        "app-logs=" + t.logs,
                        "--input-topic",
                        "app-metrics=" + t.metrics,
                        "--output-topic",
                        "app-logs=" + t.logAggregates,
                        "--output-topic",
                        "app-metrics=" + t.metricAggregates,
                        "--dead-letter-topic",
                        t.deadLetter,
                        "--late-events-topic",
                        t.lateEvents,
                        "--alerts-topic",
                        t.alerts,
                        "--set",
                        "alerts.rules=../src/test/resources/e2e/rules.yaml");
        assertThat(submit.exit()).as("bin/cluster submit failed:%n%s", submit.stderr()).isZero();
        String jobId = submit.stdout().strip();
        assertThat(jobId).matches("[0-9a-f]{32}");

        try {
            Model model = new Model(System.currentTimeMillis());
            produce(model.records(t));

            // Aggregates: exactly the model's, each once, as a read_committed consumer sees them.
            List<JsonNode> logAggs =
                    readUntil(t.logAggregates, l -> windowOf(l, model).size() >= 2);
            List<JsonNode> metricAggs =
                    readUntil(t.metricAggregates, l -> windowOf(l, model).size() >= 2);
            assertLogAggregates(windowOf(logAggs, model), model);
            assertMetricAggregates(windowOf(metricAggs, model), model);

            List<JsonNode> dead = readUntil(t.deadLetter, l -> !l.isEmpty());
            assertThat(dead).hasSize(1);
            assertThat(dead.get(0).get("reason").asText()).isEqualTo("malformed_json");
            assertThat(dead.get(0).get("source_topic").asText()).isEqualTo(t.logs);

            // The window has closed (its aggregate is out), so this one is late for sure.
            produce(List.of(model.lateRecord(t)));
            List<JsonNode> late = readUntil(t.lateEvents, l -> !l.isEmpty());
            assertThat(late).hasSize(1);
            assertThat(late.get(0).get("pipeline").asText()).isEqualTo("app-logs");

            // No duplicates: everything committed up to now, read again from the start.
            assertThat(windowOf(readAll(t.logAggregates), model)).hasSize(2);
            assertThat(windowOf(readAll(t.metricAggregates), model)).hasSize(2);

            // Alerts: checkout's window fires E2eErrorRatio, its calm next window resolves it;
            // each transition exactly once.
            List<JsonNode> alerts = readUntil(t.alerts, l -> l.size() >= 2);
            assertThat(readAll(t.alerts)).hasSize(2);
            assertThat(alerts)
                    .extracting(a -> a.get("status").asText())
                    .containsExactly("firing", "resolved");
            JsonNode firing = alerts.get(0);
            assertThat(firing.get("labels").get("alertname").asText()).isEqualTo("E2eErrorRatio");
            assertThat(firing.get("labels").get("service").asText()).isEqualTo("checkout");
            assertThat(firing.get("labels").get("suite").asText()).isEqualTo("e2e");
            assertThat(firing.get("annotations").get("summary").asText())
                    .isEqualTo("checkout errors 44.4%");
            assertThat(firing.get("startsAt").asText()).isEqualTo(model.isoAt(60_000));
            assertThat(alerts.get(1).get("endsAt").asText()).isEqualTo(model.isoAt(120_000));

            assertCustomMetrics(jobId, model);
            assertJobGraph(jobId, t);
        } finally {
            cancel(jobId);
        }
    }

    // ---------------------------------------------------------------------------------------
    // The data set and what the job must make of it

    /** Topic names of one run, so a rerun never reads an earlier run's records. */
    record Topics(
            String logs,
            String metrics,
            String logAggregates,
            String metricAggregates,
            String deadLetter,
            String lateEvents,
            String alerts) {
        Topics(String run) {
            this(
                    "e2e-logs-" + run,
                    "e2e-metrics-" + run,
                    "e2e-log-aggregates-" + run,
                    "e2e-metric-aggregates-" + run,
                    "e2e-dead-letter-" + run,
                    "e2e-late-events-" + run,
                    "e2e-alerts-" + run);
        }
    }

    /** A record for one partition of one topic. */
    record Input(String topic, int partition, String value) {}

    /** A log line of the model. */
    record Log(String service, String level, String message) {}

    /** A metric point of the model. */
    record Point(String host, double value) {}

    /**
     * The data set: one one-minute window a few minutes back, with known log lines and metric
     * points, one malformed record, and a record three minutes later in every partition that moves
     * the watermark past the window's end, so the window closes without waiting for idleness.
     */
    static final class Model {
        final long windowStart;
        final List<Log> logs =
                List.of(
                        new Log("checkout", "INFO", "Order 1001 placed"),
                        new Log("checkout", "INFO", "Order 1002 placed"),
                        new Log("checkout", "WARN", "Slow response from inventory"),
                        new Log(
                                "checkout",
                                "ERROR",
                                "Timeout calling payment-gateway after 3000 ms"),
                        new Log("checkout", "INFO", "Order 1003 placed"),
                        new Log(
                                "checkout",
                                "ERROR",
                                "Timeout calling payment-gateway after 2950 ms"),
                        new Log("checkout", "FATAL", "Out of memory"),
                        new Log(
                                "checkout",
                                "ERROR",
                                "Timeout calling payment-gateway after 3100 ms"),
                        new Log("checkout", "INFO", "Order 1004 placed"),
                        new Log("search", "INFO", "Query served"),
                        new Log("search", "DEBUG", "Cache hit"),
                        new Log("search", "INFO", "Query served"),
                        new Log("search", "ERROR", "Out of memory"));
        final List<Point> points =
                List.of(
                        new Point("web-1", 10),
                        new Point("web-1", 20),
                        new Point("web-2", 5),
                        new Point("web-1", 30),
                        new Point("web-1", 40),
                        new Point("web-2", 7),
                        new Point("web-1", 100));

        Model(long now) {
            this.windowStart = (now / 60_000 - 5) * 60_000;
        }

        String windowStartIso() {
            return java.time.Instant.ofEpochMilli(windowStart).toString().replace("Z", ".000Z");
        }

        List<Input> records(Topics t) {
            List<Input> in = new ArrayList<>();
            for (int i = 0; i < logs.size(); i++) {
                Log l = logs.get(i);
                in.add(new Input(t.logs, i % 2, log(windowStart + 1000L * i, l)));
            }
            for (int i = 0; i < points.size(); i++) {
                Point p = points.get(i);
                in.add(new Input(t.metrics, i % 2, point(windowStart + 1000L * i, p)));
            }
            for (int i = 0; i < followUp; i++) {
                in.add(
                        new Input(
                                t.logs,
                                i % 2,
                                log(
                                        windowStart + 60_000 + 1000L * i,
                                        new Log("checkout", "INFO", "Order placed"))));
            }
            in.add(new Input(t.logs, 0, "{\"timestamp\": 17, \"level\": "));
            long closing = windowStart + 180_000;
            for (int partition = 0; partition < 2; partition++) {
                in.add(new Input(t.logs, partition, log(closing, new Log("closer", "INFO", "x"))));
                in.add(new Input(t.metrics, partition, point(closing, new Point("closer", 1))));
            }
            return in;
        }

        /** A calm minute for checkout after the window: it resolves the alert. */
        final int followUp = 5;

        String isoAt(long offsetMillis) {
            return java.time.Instant.ofEpochMilli(windowStart + offsetMillis)
                    .toString()
                    .replace("Z", ".000Z");
        }

        Input lateRecord(Topics t) {
            return new Input(
                    t.logs, 1, log(windowStart + 30_000, new Log("checkout", "INFO", "late")));
        }

        /** Every log record the job reads: the lines, the malformed one, closers, the late one. */
        int logRecordsIn() {
            return logs.size() + followUp + 1 + 2 + 1;
        }

        private static String log(long ts, Log l) {
            return String.format(
                    "{\"timestamp\":%d,\"service\":\"%s\",\"host\":\"web-1\",\"level\":\"%s\","
                            + "\"message\":\"%s\"}",
                    ts, l.service(), l.level(), l.message());
        }

        private static String point(long ts, Point p) {
            return String.format(
                    "{\"timestamp\":%d,\"name\":\"http.server.duration\",\"value\":%s,"
                            + "\"service\":\"checkout\",\"host\":\"%s\"}",
                    ts, p.value(), p.host());
        }
    }

    private static List<JsonNode> windowOf(List<JsonNode> aggregates, Model model) {
        return aggregates.stream()
                .filter(a -> a.get("window_start").asText().equals(model.windowStartIso()))
                .toList();
    }

    private static void assertLogAggregates(List<JsonNode> aggregates, Model model) {
        Map<String, JsonNode> byService = new HashMap<>();
        aggregates.forEach(a -> byService.put(a.get("group").get("service").asText(), a));
        assertThat(byService).containsOnlyKeys("checkout", "search");
        for (String service : byService.keySet()) {
            List<Log> lines = model.logs.stream().filter(l -> l.service().equals(service)).toList();
            Map<String, Integer> levels = new LinkedHashMap<>();
            lines.forEach(l -> levels.merge(l.level(), 1, Integer::sum));
            long errors =
                    lines.stream()
                            .filter(l -> l.level().equals("ERROR") || l.level().equals("FATAL"))
                            .count();
            JsonNode a = byService.get(service);
            assertThat(a.get("pipeline").asText()).isEqualTo("app-logs");
            assertThat(a.get("total").asInt()).as(service + " total").isEqualTo(lines.size());
            Map<String, Integer> actualLevels = new LinkedHashMap<>();
            a.get("levels")
                    .fields()
                    .forEachRemaining(e -> actualLevels.put(e.getKey(), e.getValue().asInt()));
            assertThat(actualLevels).as(service + " levels").isEqualTo(levels);
            assertThat(a.get("error_ratio").asDouble())
                    .as(service + " error_ratio")
                    .isCloseTo(
                            (double) errors / lines.size(),
                            org.assertj.core.data.Offset.offset(1e-4));
            assertThat(a.get("window_end").asText())
                    .isEqualTo(
                            java.time.Instant.ofEpochMilli(model.windowStart + 60_000)
                                    .toString()
                                    .replace("Z", ".000Z"));
        }
        // checkout's three timeouts differ only in a number: one pattern, counted three times.
        JsonNode top = byService.get("checkout").get("top_patterns");
        assertThat(top.get(0).get("pattern").asText())
                .isEqualTo("Timeout calling payment-gateway after <NUM> ms");
        assertThat(top.get(0).get("count").asInt()).isEqualTo(3);
        assertThat(top.get(1).get("pattern").asText()).isEqualTo("Out of memory");
        assertThat(top.get(1).get("count").asInt()).isEqualTo(1);
        assertThat(top).hasSize(2);
    }

    private static void assertMetricAggregates(List<JsonNode> aggregates, Model model) {
        Map<String, JsonNode> byHost = new HashMap<>();
        aggregates.forEach(a -> byHost.put(a.get("group").get("host").asText(), a));
        assertThat(byHost).containsOnlyKeys("web-1", "web-2");
        for (String host : byHost.keySet()) {
            double[] values =
                    model.points.stream()
                            .filter(p -> p.host().equals(host))
                            .mapToDouble(Point::value)
                            .toArray();
            double sum = java.util.Arrays.stream(values).sum();
            JsonNode a = byHost.get(host);
            assertThat(a.get("name").asText()).isEqualTo("http.server.duration");
            assertThat(a.get("group").get("service").asText()).isEqualTo("checkout");
            assertThat(a.get("count").asInt()).as(host + " count").isEqualTo(values.length);
            assertThat(a.get("sum").asDouble()).as(host + " sum").isEqualTo(sum);
            assertThat(a.get("min").asDouble())
                    .isEqualTo(java.util.Arrays.stream(values).min().orElseThrow());
            assertThat(a.get("max").asDouble())
                    .isEqualTo(java.util.Arrays.stream(values).max().orElseThrow());
            assertThat(a.get("mean").asDouble()).isEqualTo(sum / values.length);
            assertThat(a.get("p99").asDouble())
                    .isBetween(a.get("min").asDouble(), a.get("max").asDouble());
        }
    }

    // ---------------------------------------------------------------------------------------
    // Metrics and the job graph

    private static void assertCustomMetrics(String jobId, Model model) throws Exception {
        Predicate<Map<String, String>> logs =
                l -> jobId.equals(l.get("job_id")) && "app_logs".equals(l.get("pipeline"));
        // Counters are live; wait until the TaskManager's endpoint shows the whole data set.
        PrometheusText tm =
                waitFor(
                        "the TaskManager's Prometheus endpoint to count every log record",
                        Duration.ofSeconds(60),
                        () -> scrapeWith("streamwatch_pipeline_recordsIn"),
                        p ->
                                p != null
                                        && sumEnding(p, "_streamwatch_pipeline_recordsIn", logs)
                                                == model.logRecordsIn()
                                        && sumEnding(p, "_streamwatch_pipeline_lateRecords", logs)
                                                == 1);
        assertThat(sumEnding(tm, "_streamwatch_pipeline_recordsIn", logs))
                .isEqualTo(model.logRecordsIn());
        assertThat(
                        sumEnding(
                                tm,
                                "_streamwatch_pipeline_reason_recordsRejected",
                                logs.and(l -> "malformed_json".equals(l.get("reason")))))
                .isEqualTo(1);
        assertThat(sumEnding(tm, "_streamwatch_pipeline_lateRecords", logs)).isEqualTo(1);
        // Checkout and search in the model's window, checkout in the calm one after it.
        assertThat(sumEnding(tm, "_streamwatch_pipeline_aggregatesOut", logs)).isEqualTo(3);
        Predicate<Map<String, String>> job = l -> jobId.equals(l.get("job_id"));
        assertThat(
                        sumEnding(
                                tm,
                                "_streamwatch_status_alertTransitions",
                                job.and(l -> "firing".equals(l.get("status")))))
                .isEqualTo(1);
        assertThat(
                        sumEnding(
                                tm,
                                "_streamwatch_status_alertTransitions",
                                job.and(l -> "resolved".equals(l.get("status")))))
                .isEqualTo(1);
        assertThat(
                        hasEnding(
                                tm,
                                "_streamwatch_rule_alertsFiring",
                                job.and(l -> "E2eErrorRatio".equals(l.get("rule")))))
                .isTrue();
        assertThat(hasEnding(tm, "_streamwatch_pipeline_eventTimeLagMs", logs)).isTrue();

        // The JobManager's endpoint is the other one of 9249-9250.
        boolean jmReports = false;
        for (int port : new int[] {9249, 9250}) {
            String text = get("http://127.0.0.1:" + port + "/metrics");
            jmReports |= text.contains("flink_jobmanager_numRunningJobs");
        }
        assertThat(jmReports).as("a JobManager endpoint on 9249-9250").isTrue();
    }

    private static PrometheusText scrapeWith(String marker) {
        for (int port : new int[] {9249, 9250}) {
            try {
                String text = get("http://127.0.0.1:" + port + "/metrics");
                if (text.contains(marker)) {
                    return PrometheusText.parse(text);
                }
            } catch (IOException e) {
                // Not up (yet): the other port, or the next attempt.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return null;
    }

    private static double sumEnding(
            PrometheusText p, String suffix, Predicate<Map<String, String>> labels) {
        return p.samples().stream()
                .filter(s -> s.name().endsWith(suffix) && labels.test(s.labels()))
                .mapToDouble(PrometheusText.Sample::value)
                .sum();
    }

    private static boolean hasEnding(
            PrometheusText p, String suffix, Predicate<Map<String, String>> labels) {
        return p.samples().stream()
                .anyMatch(s -> s.name().endsWith(suffix) && labels.test(s.labels()));
    }

    /**
     * Vertex names in the REST API are the chained operators' readable names. Uids are not in the
     * REST API, but a vertex's id is the murmur3 hash of its head operator's uid (Flink's
     * StreamGraphHasherV2), so the ids prove the uids too.
     */
    private static void assertJobGraph(String jobId, Topics t) throws Exception {
        JsonNode job = JSON.readTree(get("http://127.0.0.1:" + REST_PORT + "/jobs/" + jobId));
        Map<String, String> idByName = new LinkedHashMap<>();
        job.get("vertices")
                .forEach(v -> idByName.put(v.get("name").asText(), v.get("id").asText()));
        String all = String.join("\n", idByName.keySet());
        for (String name :
                List.of(
                        "Read " + t.logs + " (app-logs)",
                        "Route app-logs",
                        "Pre-aggregate app-logs",
                        "Learn patterns app-logs",
                        "Aggregate app-logs (tumbling 1m)",
                        "Encode app-logs aggregates",
                        "Write " + t.logAggregates,
                        "Encode app-logs late events",
                        "Read " + t.metrics + " (app-metrics)",
                        "Route app-metrics",
                        "Pre-aggregate app-metrics",
                        "Aggregate app-metrics (tumbling 1m)",
                        "Encode app-metrics aggregates",
                        "Write " + t.metricAggregates,
                        "Encode app-metrics late events",
                        "Encode dead letters",
                        "Write " + t.deadLetter,
                        "Write " + t.lateEvents,
                        "Observe app-logs",
                        "Observe app-metrics",
                        "Read streamwatch.rules (rule changes)",
                        "Check rule changes",
                        "Evaluate alert rules",
                        "Encode alerts",
                        "Write " + t.alerts,
                        "Encode rule status")) {
            assertThat(all).as("operator names in the job graph").contains(name);
        }
        // Flink's default names would mean an operator without .name(...).
        assertThat(all).doesNotContain("Map", "Process", "Window(", "Unnamed");

        Map<String, String> headUid =
                Map.of(
                        "Source: Read " + t.logs + " (app-logs)",
                        "source-app-logs",
                        "Source: Read " + t.metrics + " (app-metrics)",
                        "source-app-metrics",
                        // The log window is chained to the template miner before it.
                        "Learn patterns app-logs",
                        "patterns-app-logs",
                        "Aggregate app-metrics",
                        "window-app-metrics",
                        "Encode dead letters",
                        "encode-dead-letters",
                        "Write " + t.lateEvents,
                        "sink-late-events",
                        "Source: Read streamwatch.rules (rule changes)",
                        "source-rules",
                        "Evaluate alert rules",
                        "evaluate-rules");
        assertThat(idByName).hasSize(headUid.size());
        headUid.forEach(
                (prefix, uid) -> {
                    String id =
                            idByName.entrySet().stream()
                                    .filter(e -> e.getKey().startsWith(prefix))
                                    .map(Map.Entry::getValue)
                                    .findFirst()
                                    .orElseThrow(() -> new AssertionError("no vertex " + prefix));
                    assertThat(id)
                            .as("vertex id of '%s' = hash of uid '%s'", prefix, uid)
                            .isEqualTo(vertexId(uid));
                });
    }

    static String vertexId(String uid) {
        byte[] hash =
                Hashing.murmur3_128(0)
                        .newHasher()
                        .putString(uid, StandardCharsets.UTF_8)
                        .hash()
                        .asBytes();
        return new JobVertexID(hash).toString();
    }

    // ---------------------------------------------------------------------------------------
    // Kafka, HTTP and script helpers

    private static void produce(List<Input> records) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, BOOTSTRAP);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            for (Input in : records) {
                producer.send(new ProducerRecord<>(in.topic(), in.partition(), null, in.value()))
                        .get(30, TimeUnit.SECONDS);
            }
        }
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, BOOTSTRAP);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p);
        List<TopicPartition> partitions = new ArrayList<>();
        c.partitionsFor(topic, Duration.ofSeconds(30))
                .forEach(i -> partitions.add(new TopicPartition(topic, i.partition())));
        c.assign(partitions);
        c.seekToBeginning(partitions);
        return c;
    }

    /** Reads {@code topic} from the start until {@code done} holds for all read so far. */
    private static List<JsonNode> readUntil(String topic, Predicate<List<JsonNode>> done)
            throws IOException {
        List<JsonNode> seen = new ArrayList<>();
        long deadline = System.nanoTime() + OUTPUT_DEADLINE.toNanos();
        try (KafkaConsumer<byte[], byte[]> c = consumer(topic)) {
            while (!done.test(seen)) {
                if (System.nanoTime() > deadline) {
                    fail(
                            "%s: after %s only %d records: %s",
                            topic, OUTPUT_DEADLINE, seen.size(), seen);
                }
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                    seen.add(JSON.readTree(r.value()));
                }
            }
        }
        return seen;
    }

    /** Everything committed in {@code topic} now: reads up to the end offsets (the LSO). */
    private static List<JsonNode> readAll(String topic) throws IOException {
        List<JsonNode> seen = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        try (KafkaConsumer<byte[], byte[]> c = consumer(topic)) {
            Map<TopicPartition, Long> end = c.endOffsets(c.assignment());
            while (end.entrySet().stream().anyMatch(e -> c.position(e.getKey()) < e.getValue())) {
                if (System.nanoTime() > deadline) {
                    fail("%s: could not read up to the end offsets %s", topic, end);
                }
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                    seen.add(JSON.readTree(r.value()));
                }
            }
        }
        return seen;
    }

    private static <T> T waitFor(
            String what, Duration timeout, Supplier<T> probe, Predicate<T> done)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        T last = probe.get();
        while (!done.test(last)) {
            if (System.nanoTime() > deadline) {
                fail("timed out after %s waiting for %s", timeout, what);
            }
            Thread.sleep(500);
            last = probe.get();
        }
        return last;
    }

    private static String get(String url) throws IOException, InterruptedException {
        HttpResponse<String> r =
                HTTP.send(
                        HttpRequest.newBuilder(URI.create(url))
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException(url + ": HTTP " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

    private static void cancel(String jobId) {
        try {
            HTTP.send(
                    HttpRequest.newBuilder(
                                    URI.create(
                                            "http://127.0.0.1:"
                                                    + REST_PORT
                                                    + "/jobs/"
                                                    + jobId
                                                    + "?mode=cancel"))
                            .method("PATCH", HttpRequest.BodyPublishers.noBody())
                            .timeout(Duration.ofSeconds(10))
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
        } catch (Exception e) {
            // bin/cluster stop ends the cluster anyway.
        }
    }

    private static boolean portOpen(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Runs a script of the repository with SW_WORK=target/e2e, bounded by {@code timeout}. */
    private static RepositoryScript script(Duration timeout, String... command) throws Exception {
        return RepositoryScript.run(ROOT, WORK, Map.of(), timeout, command);
    }
}
