package io.streamwatch.faults;

import static io.streamwatch.testing.IsoTimes.iso;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamwatch.config.LimitsConfig;
import io.streamwatch.config.PipelineConfig;
import io.streamwatch.config.StreamwatchConfig;
import io.streamwatch.job.StreamwatchJob;
import io.streamwatch.sinks.KafkaSinks;
import io.streamwatch.sources.KafkaSources;
import io.streamwatch.testing.Json;
import io.streamwatch.testing.SharedKafka;
import io.streamwatch.testing.TestPipelines;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Future;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * SPEC section 6, bad input at scale: valid log and metric records with every kind of bad input
 * interleaved (the SPEC list, plus more than 100,000 mutations of valid records: truncations, byte
 * flips, huge numbers, deep nesting, very long strings, duplicate keys, wrong types). The job runs
 * with restarts disabled and must still be RUNNING at the end; every rejected record must be in the
 * dead-letter topic exactly once, with the reason {@link InputClassifier} (the test's own reading
 * of the spec) gives and its raw payload; every aggregate must equal the test's model of the valid
 * records alone; nothing may be late.
 */
class BadInputFaultTest {
    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private static final Duration WAIT = Duration.ofSeconds(180);
    private static final long MIN = 60_000;
    private static final int MAX_RECORD = 256 * 1024;
    private static final int RAW_LIMIT = 64 * 1024;
    private static final long MAX_AGE = Duration.ofDays(30).toMillis();
    private static final long MAX_FUTURE = Duration.ofHours(1).toMillis();
    private static final int VALID_LOGS = 24_000;
    private static final int VALID_METRICS = 12_000;

    /** Mutations per valid record, on average: 3 gives about 108,000. */
    private static final int MUTATIONS_PER_VALID = 3;

    private static final String[] SERVICES = {"checkout", "search", "payments", "auth", "cart"};
    private static final String[] HOSTS = {"web-1", "web-2"};
    private static final String[] NAMES = {"http.server.duration", "cpu.usage", "queue.depth"};
    private static final Object[] LEVELS = {
        "INFO", "info", "WARN", "WARNING", "ERROR", "error", "DEBUG", "FATAL", 9, 17, 21, 13
    };

    /** A record the test sent and must find again. */
    record Sent(String topic, Future<RecordMetadata> meta, byte[] payload, String reason) {}

    private final long t0 =
            Instant.now()
                    .truncatedTo(ChronoUnit.MINUTES)
                    .minus(30, ChronoUnit.MINUTES)
                    .toEpochMilli();
    private final Random random = new Random(20261126L);
    private final InputClassifier classifier = new InputClassifier(MAX_RECORD, MAX_AGE, MAX_FUTURE);
    private final String logsTopic = SharedKafka.uniqueTopic("fz-logs");
    private final String metricsTopic = SharedKafka.uniqueTopic("fz-metrics");
    private final String logOut = SharedKafka.uniqueTopic("fz-log-aggregates");
    private final String metricOut = SharedKafka.uniqueTopic("fz-metric-aggregates");
    private final String deadTopic = SharedKafka.uniqueTopic("fz-dead-letter");
    private final String lateTopic = SharedKafka.uniqueTopic("fz-late-events");

    private final List<Sent> rejected = new ArrayList<>();
    private final List<InputClassifier.Verdict> validLogs = new ArrayList<>();
    private final List<InputClassifier.Verdict> validMetrics = new ArrayList<>();
    private final Map<String, Integer> mutationsByKind = new TreeMap<>();
    private KafkaProducer<byte[], byte[]> producer;
    private int partition;

    @Test
    void everyBadRecordIsDeadLetteredOnceAndTheRestAggregatesAsIfItWereNotThere() throws Exception {
        long started = System.nanoTime();
        SharedKafka.createTopics(2, logsTopic, metricsTopic);
        SharedKafka.createTopics(1, logOut, metricOut, deadTopic, lateTopic);
        StreamwatchConfig config = config();
        Configuration conf = StreamwatchJob.flinkConfiguration(config);
        // Any failure must show as a failed job, not be retried away.
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        new StreamwatchJob(
                        config,
                        List.of(),
                        KafkaSources.of(config),
                        (topic, name) -> KafkaSinks.forTopic(config, topic, name))
                .build(env);
        JobClient job = env.executeAsync("bad-input-faults");

        Properties p = new Properties();
        p.put("bootstrap.servers", SharedKafka.bootstrapServers());
        p.put("acks", "all");
        p.put("enable.idempotence", "true");
        p.put("linger.ms", "20");
        p.put("batch.size", Integer.toString(512 * 1024));
        p.put("max.request.size", Integer.toString(2 * 1024 * 1024));
        try (KafkaProducer<byte[], byte[]> pr =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer = pr;
            generate();
            pr.flush();
        }
        long produced = System.nanoTime();
        Map<String, Sent> expectedDead = new HashMap<>();
        for (Sent s : rejected) {
            RecordMetadata m = s.meta().get();
            expectedDead.put(s.topic() + "/" + m.partition() + "/" + m.offset(), s);
        }
        Map<String, Map<String, Object>> logModel = logModel();
        Map<String, Map<String, Object>> metricModel = metricModel();
        System.out.printf(
                "bad input: %d rejected (%d mutations %s), %d valid logs, %d valid metrics;"
                        + " expecting %d log and %d metric aggregates%n",
                rejected.size(),
                mutationsByKind.values().stream().mapToInt(Integer::intValue).sum(),
                mutationsByKind,
                validLogs.size(),
                validMetrics.size(),
                logModel.size(),
                metricModel.size());
        assertThat(mutationsByKind.values().stream().mapToInt(Integer::intValue).sum())
                .isGreaterThanOrEqualTo(100_000);

        SharedKafka.readUntil(deadTopic, WAIT, seen -> seen.size() >= expectedDead.size());
        SharedKafka.readUntil(logOut, WAIT, seen -> seen.size() >= logModel.size());
        SharedKafka.readUntil(metricOut, WAIT, seen -> seen.size() >= metricModel.size());
        long processed = System.nanoTime();
        // No restarts are allowed, so RUNNING here means the job never failed.
        assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
        job.cancel().get();

        // Read to the end: a duplicate committed after the waits above would show up here.
        List<ConsumerRecord<byte[], byte[]>> dead = SharedKafka.readAll(deadTopic);
        Map<String, String> wrongReasons = new TreeMap<>();
        Map<String, Integer> seen = new HashMap<>();
        Map<String, Integer> reasons = new TreeMap<>();
        int duplicates = 0;
        for (ConsumerRecord<byte[], byte[]> r : dead) {
            JsonNode d = Json.parse(r.value());
            String key =
                    d.get("source_topic").asText()
                            + "/"
                            + d.get("partition").asInt()
                            + "/"
                            + d.get("offset").asLong();
            if (seen.merge(key, 1, Integer::sum) > 1) {
                duplicates++;
                continue;
            }
            Sent s = expectedDead.get(key);
            if (s == null) {
                wrongReasons.put(key, "not expected: " + d.get("reason").asText());
                continue;
            }
            reasons.merge(s.reason(), 1, Integer::sum);
            if (!d.get("reason").asText().equals(s.reason()) && wrongReasons.size() < 50) {
                wrongReasons.put(
                        key,
                        "expected "
                                + s.reason()
                                + ", got "
                                + d.get("reason").asText()
                                + " ("
                                + d.get("detail").asText()
                                + ") for "
                                + preview(s.payload()));
            }
            checkRaw(d, s.payload());
        }
        long lost = expectedDead.keySet().stream().filter(k -> !seen.containsKey(k)).count();
        System.out.printf(
                "dead letters: %d read, %d expected, lost %d, duplicated %d, by reason %s%n",
                dead.size(), expectedDead.size(), lost, duplicates, reasons);
        assertThat(wrongReasons).as("dead letters with a wrong reason or none expected").isEmpty();
        assertThat(duplicates).as("duplicated dead letters").isZero();
        assertThat(lost).as("lost dead letters").isZero();

        assertThat(actualLogs(SharedKafka.readAll(logOut))).isEqualTo(logModel);
        List<ConsumerRecord<byte[], byte[]>> metricAggregates = SharedKafka.readAll(metricOut);
        assertThat(actualMetrics(metricAggregates)).isEqualTo(metricModel);
        List<String> wrongQuantiles = wrongMeansAndQuantiles(metricAggregates, metricValues());
        assertThat(wrongQuantiles.subList(0, Math.min(5, wrongQuantiles.size())))
                .as("metric aggregates with a wrong mean or quantile (%d)", wrongQuantiles.size())
                .isEmpty();
        assertThat(SharedKafka.readAll(lateTopic)).as("late events").isEmpty();
        System.out.printf(
                "bad input timing: produce %.1f s, until all output %.1f s, test %.1f s%n",
                (produced - started) / 1e9,
                (processed - produced) / 1e9,
                (System.nanoTime() - started) / 1e9);
    }

    private StreamwatchConfig config() {
        PipelineConfig logs =
                TestPipelines.withTopics(
                        TestPipelines.logs("streamwatch"),
                        logsTopic,
                        logOut,
                        Duration.ofSeconds(30));
        PipelineConfig metrics =
                TestPipelines.withTopics(
                        TestPipelines.metrics("streamwatch"),
                        metricsTopic,
                        metricOut,
                        Duration.ofSeconds(30));
        StreamwatchConfig c =
                TestPipelines.job(
                        SharedKafka.bootstrapServers(),
                        logsTopic,
                        List.of(logs, metrics),
                        deadTopic,
                        lateTopic);
        return new StreamwatchConfig(
                c.source(),
                c.kafka(),
                c.delivery(),
                c.checkpoint(),
                c.parallelism(),
                new LimitsConfig(
                        MAX_RECORD,
                        RAW_LIMIT,
                        Duration.ofMillis(MAX_AGE),
                        Duration.ofMillis(MAX_FUTURE)),
                c.pipelines(),
                c.alerts(),
                c.deadLetterTopic(),
                c.lateEventsTopic());
    }

    // ---------------------------------------------------------------- generation

    private void generate() {
        // Every kind SPEC section 6 and docs/formats.md's table name, once each on both topics.
        for (String topic : List.of(logsTopic, metricsTopic)) {
            boolean m = topic.equals(metricsTopic);
            long ts = t0 + 500;
            sendBad(topic, null, "empty", "spec");
            sendBad(topic, new byte[0], "empty", "spec");
            sendBad(topic, bytes("   \n"), "empty", "spec");
            sendBad(topic, bytes("{\"timestamp\":" + ts + ","), "malformed_json", "spec");
            sendBad(topic, bytes("[1,2]"), "not_an_object", "spec");
            sendBad(topic, bytes("\"text\""), "not_an_object", "spec");
            sendBad(topic, bytes("null"), "not_an_object", "spec");
            sendBad(
                    topic,
                    bytes("{\"service\":\"checkout\",\"message\":\"no time\"}"),
                    "missing_field",
                    "spec");
            sendBad(
                    topic,
                    bytes("{\"timestamp\":true,\"name\":\"x\",\"value\":1}"),
                    "wrong_type",
                    "spec");
            sendBad(
                    topic,
                    bytes(
                            "{\"timestamp\":"
                                    + (t0 - 40L * 24 * 60 * MIN)
                                    + ",\"name\":\"x\",\"value\":1}"),
                    "timestamp_out_of_range",
                    "spec");
            sendBad(
                    topic,
                    bytes(
                            "{\"timestamp\":"
                                    + (System.currentTimeMillis() + 3 * 3600_000L)
                                    + ",\"name\":\"x\",\"value\":1}"),
                    "timestamp_out_of_range",
                    "spec");
            sendBad(topic, new byte[] {'{', (byte) 0xff, '}'}, "invalid_utf8", "spec");
            sendBad(
                    topic,
                    bytes(
                            "{\"timestamp\":"
                                    + ts
                                    + ",\"message\":\""
                                    + "x".repeat(MAX_RECORD)
                                    + "\"}"),
                    "oversized",
                    "spec");
            sendBad(
                    topic,
                    bytes("{\"timestamp\":" + ts + ",\"a\":1,\"a\":1,\"name\":\"x\",\"value\":1}"),
                    "duplicate_key",
                    "spec");
            sendBad(
                    topic,
                    bytes(
                            "{\"timestamp\":"
                                    + ts
                                    + ",\"x\":"
                                    + "[".repeat(100)
                                    + "]".repeat(100)
                                    + ",\"name\":\"x\",\"value\":1}"),
                    "too_deep",
                    "spec");
            if (m) {
                sendBad(
                        topic,
                        bytes("{\"timestamp\":" + ts + ",\"name\":\"x\",\"value\":NaN}"),
                        "non_finite_number",
                        "spec");
                sendBad(
                        topic,
                        bytes("{\"timestamp\":" + ts + ",\"name\":\"x\",\"value\":Infinity}"),
                        "non_finite_number",
                        "spec");
                sendBad(
                        topic,
                        bytes("{\"timestamp\":" + ts + ",\"name\":\"x\",\"value\":-Infinity}"),
                        "non_finite_number",
                        "spec");
                sendBad(
                        topic,
                        bytes("{\"timestamp\":" + ts + ",\"value\":1}"),
                        "missing_field",
                        "spec");
            } else {
                sendBad(
                        topic,
                        bytes("{\"timestamp\":" + ts + ",\"level\":\"LOUD\"}"),
                        "unknown_level",
                        "spec");
            }
        }
        int total = VALID_LOGS + VALID_METRICS;
        int logs = 0;
        int metrics = 0;
        for (int i = 0; i < total; i++) {
            // Interleave the two topics evenly; event time runs over 10 minutes on each.
            boolean metric = (long) metrics * VALID_LOGS < (long) logs * VALID_METRICS;
            long ts =
                    metric
                            ? t0 + 1_000 + metrics * (10 * MIN - 2_000) / VALID_METRICS
                            : t0 + 1_000 + logs * (10 * MIN - 2_000) / VALID_LOGS;
            int n = random.nextInt(2 * MUTATIONS_PER_VALID + 1);
            for (int k = 0; k < n; k++) {
                mutate(metric, ts);
            }
            if (metric) {
                sendValid(metricsTopic, validMetric(ts), true);
                metrics++;
            } else {
                sendValid(logsTopic, validLog(ts), false);
                logs++;
            }
        }
        // Moves event time on every partition past the last window.
        for (int part = 0; part < 2; part++) {
            long ts = t0 + 20 * MIN;
            send(
                    logsTopic,
                    part,
                    bytes(String.format("{\"timestamp\":%d,\"service\":\"clock\"}", ts)));
            send(
                    metricsTopic,
                    part,
                    bytes(
                            String.format(
                                    "{\"timestamp\":%d,\"name\":\"tick\",\"value\":1,\"service\":\"clock\",\"host\":\"c\"}",
                                    ts)));
        }
    }

    private String validLog(long ts) {
        StringBuilder b = new StringBuilder("{");
        b.append("\"timestamp\":").append(timestamp(ts));
        int shape = random.nextInt(100);
        if (shape != 0) {
            Object level = LEVELS[random.nextInt(LEVELS.length)];
            b.append(",\"level\":").append(level instanceof String ? "\"" + level + "\"" : level);
        }
        if (shape != 1) {
            b.append(",\"service\":\"")
                    .append(SERVICES[random.nextInt(SERVICES.length)])
                    .append('"');
        }
        b.append(",\"message\":\"");
        if (shape == 2) {
            b.append("long ").append("abc ".repeat(5_000 + random.nextInt(10_000)));
        } else if (shape == 3) {
            b.append("caf\u00e9 \u65e5\u672c \ud83d\ude80 ").append(random.nextInt(1000));
        } else {
            b.append("Timeout calling upstream after ").append(random.nextInt(5000)).append(" ms");
        }
        b.append('"');
        if (shape == 4) {
            int depth = 1 + random.nextInt(40);
            b.append(",\"extra\":").append("[".repeat(depth)).append("]".repeat(depth));
        } else if (shape == 5) {
            b.append(",\"extra\":1e400,\"big\":").append("9".repeat(400));
        } else if (shape == 6) {
            b.append(",\"tags\":{\"a\":1,\"b\":[true,null,\"x\"]}");
        }
        return b.append('}').toString();
    }

    private String validMetric(long ts) {
        StringBuilder b = new StringBuilder("{");
        b.append("\"timestamp\":").append(timestamp(ts));
        b.append(",\"name\":\"").append(NAMES[random.nextInt(NAMES.length)]).append('"');
        int v = random.nextInt(2_000) - 200;
        int shape = random.nextInt(50);
        // Halves keep every sum exact in a double.
        String value = shape == 0 ? "\"" + v + "\"" : (v / 2.0) + "";
        b.append(",\"value\":").append(value);
        b.append(",\"service\":\"").append(SERVICES[random.nextInt(SERVICES.length)]).append('"');
        b.append(",\"host\":\"").append(HOSTS[random.nextInt(HOSTS.length)]).append('"');
        if (shape == 1) {
            b.append(",\"tags\":{\"route\":\"/pay\",\"deep\":")
                    .append("{\"a\":".repeat(30))
                    .append("1")
                    .append("}".repeat(30))
                    .append('}');
        }
        return b.append('}').toString();
    }

    /** Epoch millis mostly; ISO-8601 with Z or an offset, or a digit string, sometimes. */
    private String timestamp(long ts) {
        switch (random.nextInt(10)) {
            case 0:
                return "\"" + Instant.ofEpochMilli(ts) + "\"";
            case 1:
                return "\""
                        + Instant.ofEpochMilli(ts).atOffset(java.time.ZoneOffset.ofHours(2))
                        + "\"";
            case 2:
                return "\"" + ts + "\"";
            default:
                return Long.toString(ts);
        }
    }

    /** One mutation of a fresh valid record near event time {@code ts}. */
    private void mutate(boolean metric, long ts) {
        String topic = metric ? metricsTopic : logsTopic;
        String base = metric ? validMetric(ts) : validLog(ts);
        byte[] b = bytes(base);
        int kind = random.nextInt(metric ? 12 : 11);
        switch (kind) {
            case 0:
                { // truncation, at a character boundary or inside a UTF-8 sequence
                    int cut = 1 + random.nextInt(b.length - 1);
                    mutated(topic, java.util.Arrays.copyOf(b, cut), "truncation", metric);
                    break;
                }
            case 1:
                { // a byte that is never valid UTF-8, replacing or inserted
                    byte[] invalid = {
                        (byte) 0x80, (byte) 0xbf, (byte) 0xc0, (byte) 0xc1, (byte) 0xf5, (byte) 0xff
                    };
                    byte x = invalid[random.nextInt(invalid.length)];
                    int at = random.nextInt(b.length);
                    byte[] out;
                    if (random.nextBoolean()) {
                        out = b.clone();
                        out[at] = x;
                    } else {
                        out = new byte[b.length + 1];
                        System.arraycopy(b, 0, out, 0, at);
                        out[at] = x;
                        System.arraycopy(b, at, out, at + 1, b.length - at);
                    }
                    mutated(topic, out, "byte-flip-utf8", metric);
                    break;
                }
            case 2:
                { // a structural character flipped to '@'
                    List<Integer> structural = new ArrayList<>();
                    for (int i = 0; i < b.length; i++) {
                        if ("{}[]:,\"".indexOf(b[i]) >= 0) {
                            structural.add(i);
                        }
                    }
                    byte[] out = b.clone();
                    out[structural.get(random.nextInt(structural.size()))] = '@';
                    mutated(topic, out, "byte-flip-structure", metric);
                    break;
                }
            case 3:
                { // surrogate or overlong encodings inside the text
                    String[] seqs = {"ed a0 80", "c0 af", "e0 80 af", "f8 88 80 80 80"};
                    String[] hex = seqs[random.nextInt(seqs.length)].split(" ");
                    byte[] ins = new byte[hex.length];
                    for (int i = 0; i < hex.length; i++) {
                        ins[i] = (byte) Integer.parseInt(hex[i], 16);
                    }
                    int at = base.indexOf("\"message\":\"");
                    at = at < 0 ? base.indexOf("\"name\":\"") + 8 : at + 11;
                    byte[] out = new byte[b.length + ins.length];
                    System.arraycopy(b, 0, out, 0, at);
                    System.arraycopy(ins, 0, out, at, ins.length);
                    System.arraycopy(b, at, out, at + ins.length, b.length - at);
                    mutated(topic, out, "bad-utf8-sequence", metric);
                    break;
                }
            case 4:
                { // deep nesting in an ignored field
                    int depth = 100 + random.nextInt(200);
                    String nest =
                            random.nextBoolean()
                                    ? "[".repeat(depth) + "]".repeat(depth)
                                    : "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
                    mutated(
                            topic,
                            bytes(insertField(base, "\"nest\":" + nest)),
                            "deep-nesting",
                            metric);
                    break;
                }
            case 5:
                { // duplicate keys: a known field, an ignored one, or inside a nested object
                    String dup;
                    switch (random.nextInt(3)) {
                        case 0:
                            dup = "\"timestamp\":" + ts;
                            break;
                        case 1:
                            dup = "\"x\":1,\"x\":2";
                            break;
                        default:
                            dup = "\"tags\":{\"k\":\"a\",\"k\":\"b\"}";
                    }
                    mutated(topic, bytes(insertField(base, dup)), "duplicate-key", metric);
                    break;
                }
            case 6:
                { // very long strings: beyond the size limit
                    if (random.nextInt(200) == 0) {
                        String longText = "y".repeat(MAX_RECORD + random.nextInt(MAX_RECORD));
                        mutated(
                                topic,
                                bytes(insertField(base, "\"blob\":\"" + longText + "\"")),
                                "long-string",
                                metric);
                    } else {
                        // A long text where the timestamp goes: one in ten of them 5-40 KB.
                        int length =
                                random.nextInt(10) == 0
                                        ? 5_000 + random.nextInt(35_000)
                                        : 20 + random.nextInt(200);
                        mutated(
                                topic,
                                bytes(replaceTimestamp(base, "\"" + "9".repeat(length) + "x\"")),
                                "long-string",
                                metric);
                    }
                    break;
                }
            case 7:
                { // wrong types of the timestamp
                    String[] bad = {
                        "true",
                        "false",
                        "{}",
                        "[]",
                        "\"yesterday\"",
                        "\"2026-11-25T10:00:00\"",
                        "{\"ms\":" + ts + "}"
                    };
                    mutated(
                            topic,
                            bytes(replaceTimestamp(base, bad[random.nextInt(bad.length)])),
                            "wrong-type",
                            metric);
                    break;
                }
            case 8:
                { // huge numbers as the timestamp
                    String huge =
                            random.nextBoolean()
                                    ? "1" + "0".repeat(20 + random.nextInt(30))
                                    : "-" + "9".repeat(25);
                    mutated(topic, bytes(replaceTimestamp(base, huge)), "huge-number", metric);
                    break;
                }
            case 9:
                { // not an object at all
                    String[] roots = {
                        "[" + base + "]", "\"" + ts + "\"", Long.toString(ts), "true", "null"
                    };
                    mutated(
                            topic,
                            bytes(roots[random.nextInt(roots.length)]),
                            "not-an-object",
                            metric);
                    break;
                }
            case 10:
                { // trailing content, or a second object
                    String[] tails = {"x", "}", base, " 1", ",{}"};
                    mutated(
                            topic,
                            bytes(base + tails[random.nextInt(tails.length)]),
                            "trailing",
                            metric);
                    break;
                }
            default:
                { // metrics only: the value's huge numbers, non-finite numbers, wrong types
                    String[] values = {
                        "1e400",
                        "-1e309",
                        "9".repeat(400),
                        "9".repeat(1500),
                        "NaN",
                        "Infinity",
                        "-Infinity",
                        "\"abc\"",
                        "true",
                        "{}",
                        "[1]",
                        "null"
                    };
                    String v = values[random.nextInt(values.length)];
                    String out =
                            base.replaceFirst(
                                    "\"value\":[^,}]*",
                                    java.util.regex.Matcher.quoteReplacement("\"value\":" + v));
                    mutated(topic, bytes(out), "metric-value", metric);
                }
        }
    }

    private static String insertField(String json, String field) {
        return "{" + field + "," + json.substring(1);
    }

    private static String replaceTimestamp(String json, String value) {
        return json.replaceFirst(
                "\"timestamp\":(\"[^\"]*\"|[0-9]+)",
                java.util.regex.Matcher.quoteReplacement("\"timestamp\":" + value));
    }

    private void mutated(String topic, byte[] payload, String kind, boolean metric) {
        mutationsByKind.merge(kind, 1, Integer::sum);
        long now = System.currentTimeMillis();
        InputClassifier.Verdict v = classifier.classify(payload, metric, now);
        if (v.valid()) {
            // A truncation can still be whole JSON only by accident; the generator avoids it.
            throw new IllegalStateException(kind + " left a valid record: " + preview(payload));
        }
        rejected.add(
                new Sent(topic, send(topic, partition++ % 2, payload, now), payload, v.reason()));
    }

    private void sendBad(String topic, byte[] payload, String reason, String kind) {
        long now = System.currentTimeMillis();
        InputClassifier.Verdict v = classifier.classify(payload, topic.equals(metricsTopic), now);
        // The hand-written cases double as a check of the classifier.
        assertThat(v.reason()).as("classifier on %s", preview(payload)).isEqualTo(reason);
        rejected.add(new Sent(topic, send(topic, partition++ % 2, payload, now), payload, reason));
    }

    private void sendValid(String topic, String json, boolean metric) {
        byte[] payload = bytes(json);
        long now = System.currentTimeMillis();
        InputClassifier.Verdict v = classifier.classify(payload, metric, now);
        assertThat(v.reason()).as("classifier on %s", preview(payload)).isNull();
        (metric ? validMetrics : validLogs).add(v);
        send(topic, partition++ % 2, payload, now);
    }

    private Future<RecordMetadata> send(String topic, int part, byte[] payload) {
        return send(topic, part, payload, System.currentTimeMillis());
    }

    private Future<RecordMetadata> send(String topic, int part, byte[] payload, long timestamp) {
        return producer.send(new ProducerRecord<>(topic, part, timestamp, null, payload));
    }

    // ---------------------------------------------------------------- model and actual

    private Map<String, Map<String, Object>> logModel() {
        Map<String, List<InputClassifier.Verdict>> byKey = new TreeMap<>();
        for (InputClassifier.Verdict v : validLogs) {
            byKey.computeIfAbsent(
                            v.service() + "@" + iso(windowStart(v.eventTime())),
                            k -> new ArrayList<>())
                    .add(v);
        }
        Map<String, Map<String, Object>> model = new TreeMap<>();
        byKey.forEach(
                (k, events) -> {
                    Map<String, Long> levels = new TreeMap<>();
                    events.forEach(e -> levels.merge(e.level(), 1L, Long::sum));
                    long errors =
                            levels.getOrDefault("ERROR", 0L) + levels.getOrDefault("FATAL", 0L);
                    Map<String, Object> v = new TreeMap<>();
                    v.put("total", (long) events.size());
                    v.put("levels", levels);
                    v.put("error_ratio", (double) errors / events.size());
                    model.put(k, v);
                });
        return model;
    }

    private Map<String, Map<String, Object>> metricModel() {
        Map<String, Map<String, Object>> model = new TreeMap<>();
        metricValues()
                .forEach(
                        (k, values) -> {
                            Map<String, Object> v = new TreeMap<>();
                            v.put("count", (long) values.size());
                            v.put("sum", values.stream().mapToDouble(Double::doubleValue).sum());
                            v.put(
                                    "min",
                                    values.stream()
                                            .mapToDouble(Double::doubleValue)
                                            .min()
                                            .orElseThrow());
                            v.put(
                                    "max",
                                    values.stream()
                                            .mapToDouble(Double::doubleValue)
                                            .max()
                                            .orElseThrow());
                            model.put(k, v);
                        });
        return model;
    }

    /** The valid metric points' values by metric key and window. */
    private Map<String, List<Double>> metricValues() {
        Map<String, List<Double>> byKey = new TreeMap<>();
        for (InputClassifier.Verdict v : validMetrics) {
            byKey.computeIfAbsent(
                            v.name()
                                    + "|"
                                    + v.service()
                                    + "|"
                                    + v.host()
                                    + "@"
                                    + iso(windowStart(v.eventTime())),
                            k -> new ArrayList<>())
                    .add(v.value());
        }
        return byKey;
    }

    /** A metric aggregate's key in the model: name, service, host and window start. */
    private static String metricKey(JsonNode a) {
        return a.get("name").asText()
                + "|"
                + a.get("group").get("service").asText()
                + "|"
                + a.get("group").get("host").asText()
                + "@"
                + a.get("window_start").asText();
    }

    /**
     * Each metric aggregate's mean against the model's sum over count, and its p50, p90, p95 and
     * p99 within 1% (SPEC section 3) of the model's exact lower quantile: the value of rank floor(q
     * (count - 1)) of the window's sorted values.
     */
    private static List<String> wrongMeansAndQuantiles(
            List<ConsumerRecord<byte[], byte[]>> records, Map<String, List<Double>> values) {
        double[] qs = {0.5, 0.9, 0.95, 0.99};
        String[] fields = {"p50", "p90", "p95", "p99"};
        List<String> wrong = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            JsonNode a = Json.parse(r.value());
            String key = metricKey(a);
            List<Double> vs = values.get(key);
            if (vs == null) {
                continue; // reported by the comparison of the aggregates
            }
            double[] sorted = vs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            double mean = vs.stream().mapToDouble(Double::doubleValue).sum() / sorted.length;
            if (Math.abs(a.get("mean").asDouble() - mean) > 1e-9 * Math.max(1, Math.abs(mean))) {
                wrong.add(key + ": mean " + a.get("mean") + ", expected " + mean);
            }
            for (int i = 0; i < qs.length; i++) {
                double exact = sorted[(int) Math.floor(qs[i] * (sorted.length - 1))];
                double got = a.get(fields[i]).asDouble();
                if (Math.abs(got - exact) > 0.01 * Math.abs(exact) + 1e-12) {
                    wrong.add(key + ": " + fields[i] + " " + got + ", exact " + exact);
                }
            }
        }
        return wrong;
    }

    private Map<String, Map<String, Object>> actualLogs(
            List<ConsumerRecord<byte[], byte[]>> records) {
        Map<String, Map<String, Object>> out = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            JsonNode a = Json.parse(r.value());
            Map<String, Long> levels = new TreeMap<>();
            a.get("levels")
                    .fields()
                    .forEachRemaining(e -> levels.put(e.getKey(), e.getValue().asLong()));
            Map<String, Object> v = new TreeMap<>();
            v.put("total", a.get("total").asLong());
            v.put("levels", levels);
            v.put("error_ratio", a.get("error_ratio").asDouble());
            String key =
                    a.get("group").get("service").asText() + "@" + a.get("window_start").asText();
            assertThat(out.put(key, v)).as("duplicate log aggregate %s", key).isNull();
        }
        return out;
    }

    private Map<String, Map<String, Object>> actualMetrics(
            List<ConsumerRecord<byte[], byte[]>> records) {
        Map<String, Map<String, Object>> out = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            JsonNode a = Json.parse(r.value());
            Map<String, Object> v = new TreeMap<>();
            v.put("count", a.get("count").asLong());
            v.put("sum", a.get("sum").asDouble());
            v.put("min", a.get("min").asDouble());
            v.put("max", a.get("max").asDouble());
            String key = metricKey(a);
            assertThat(out.put(key, v)).as("duplicate metric aggregate %s", key).isNull();
        }
        // The clock's own windows never close.
        return out;
    }

    /** The raw payload comes back whole (as text or base64), or cut with its full size. */
    private static void checkRaw(JsonNode d, byte[] payload) {
        if (payload == null || payload.length == 0) {
            return;
        }
        String raw = d.get("raw").asText();
        if (payload.length > RAW_LIMIT) {
            assertThat(d.get("raw_truncated").asBoolean()).isTrue();
            assertThat(d.get("raw_size").asLong()).isEqualTo(payload.length);
            assertThat(raw.length()).isLessThanOrEqualTo(RAW_LIMIT * 2);
            return;
        }
        byte[] back =
                d.get("raw_encoding").asText().equals("base64")
                        ? Base64.getDecoder().decode(raw)
                        : raw.getBytes(StandardCharsets.UTF_8);
        assertThat(back).as("raw of %s", d.get("offset")).isEqualTo(payload);
    }

    private static long windowStart(long ts) {
        return ts - Math.floorMod(ts, MIN);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String preview(byte[] payload) {
        if (payload == null) {
            return "null";
        }
        String s =
                new String(payload, 0, Math.min(payload.length, 160), StandardCharsets.ISO_8859_1);
        return s + (payload.length > 160 ? "... (" + payload.length + " bytes)" : "");
    }
}
