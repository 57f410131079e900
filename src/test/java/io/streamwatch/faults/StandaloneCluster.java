package io.streamwatch.faults;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A Kafka broker process and a standalone Flink session cluster started by {@code bin/cluster} in
 * {@code target/faults}, with what the fault tests do to them: kill the TaskManager with SIGKILL
 * and start a fresh one, stop and restart the broker on its data, run Flink's CLI, read the REST
 * API, and read topics with an independent {@code read_committed} consumer.
 *
 * <p>Ports come from system properties or the environment ({@code SW_KAFKA_PORT}, {@code
 * SW_WEB_UI_PORT}, {@code SW_FLINK_RPC_PORT}, {@code SW_FLINK_METRICS_PORT}) and default to the
 * playground's, so CI runs it like the e2e test while a developer can run it beside another
 * cluster. The scripts see the same variables.
 */
final class StandaloneCluster implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Pattern JOB_ID = Pattern.compile("JobID ([0-9a-f]{32})");
    private static final Pattern SAVEPOINT = Pattern.compile("Path: (file:\\S+)");

    final Path root;
    final Path work;
    final int kafkaPort;
    final int webUiPort;
    final int rpcPort;
    final int metricsPort;
    final String bootstrap;
    private boolean started;

    StandaloneCluster(String workDir) {
        root = Path.of(System.getProperty("streamwatch.root", ".")).toAbsolutePath().normalize();
        work = root.resolve(workDir);
        kafkaPort = setting("SW_KAFKA_PORT", 19092);
        webUiPort = setting("SW_WEB_UI_PORT", 8081);
        rpcPort = setting("SW_FLINK_RPC_PORT", 6123);
        metricsPort = setting("SW_FLINK_METRICS_PORT", 9249);
        bootstrap = "127.0.0.1:" + kafkaPort;
    }

    private static int setting(String name, int fallback) {
        String v = System.getProperty(name, System.getenv(name));
        return v == null || v.isBlank() ? fallback : Integer.parseInt(v.strip());
    }

    void start() throws Exception {
        for (int port :
                new int[] {
                    kafkaPort,
                    kafkaPort + 1,
                    webUiPort,
                    rpcPort,
                    rpcPort + 1,
                    metricsPort,
                    metricsPort + 1
                }) {
            assertThat(portOpen(port))
                    .as("port %d must be free (another cluster running? see SW_* ports)", port)
                    .isFalse();
        }
        Files.createDirectories(work);
        started = true;
        Script start = script(Duration.ofMinutes(5), "bin/cluster", "start");
        assertThat(start.exit).as("bin/cluster start failed:%n%s", start.stderr).isZero();
    }

    @Override
    public void close() throws Exception {
        if (started) {
            script(Duration.ofMinutes(2), "bin/cluster", "stop");
        }
    }

    // ---------------------------------------------------------------------------------------
    // Jobs

    /** Submits the shaded jar with {@code flink run -d [flinkOptions] jar jobArgs}. */
    String run(List<String> flinkOptions, List<String> jobArgs) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bin/cluster", "flink", "run", "-d"));
        cmd.addAll(flinkOptions);
        cmd.add(jobJar().toString());
        cmd.addAll(jobArgs);
        Script s = script(Duration.ofMinutes(2), cmd.toArray(String[]::new));
        assertThat(s.exit).as("flink run failed:%n%s%n%s", s.stdout, s.stderr).isZero();
        Matcher m = JOB_ID.matcher(s.stdout + s.stderr);
        assertThat(m.find()).as("job id in: %s", s.stdout).isTrue();
        String jobId = m.group(1);
        await("job " + jobId + " running", Duration.ofSeconds(90), () -> allRunning(jobId));
        return jobId;
    }

    /** {@code flink stop --savepointPath dir jobId}; returns the savepoint's path. */
    String stopWithSavepoint(String jobId, Path dir) throws Exception {
        Script s =
                script(
                        Duration.ofMinutes(2),
                        "bin/cluster",
                        "flink",
                        "stop",
                        "--savepointPath",
                        dir.toUri().toString(),
                        jobId);
        assertThat(s.exit).as("flink stop failed:%n%s%n%s", s.stdout, s.stderr).isZero();
        Matcher m = SAVEPOINT.matcher(s.stdout);
        assertThat(m.find()).as("savepoint path in: %s", s.stdout).isTrue();
        return m.group(1);
    }

    Path jobJar() throws IOException {
        try (Stream<Path> files = Files.list(root.resolve("target"))) {
            return files.filter(
                            p -> {
                                String n = p.getFileName().toString();
                                return n.startsWith("streamwatch-") && n.endsWith(".jar");
                            })
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no job jar in target/"));
        }
    }

    JsonNode job(String jobId) throws Exception {
        return rest("/jobs/" + jobId);
    }

    /** The job RUNNING and every vertex RUNNING (all its tasks deployed and running). */
    boolean allRunning(String jobId) {
        try {
            JsonNode j = job(jobId);
            if (!"RUNNING".equals(j.path("state").asText())) {
                return false;
            }
            for (JsonNode v : j.path("vertices")) {
                if (!"RUNNING".equals(v.path("status").asText())) {
                    return false;
                }
            }
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    /** How many times the job failed (the REST exception history: one entry per failure). */
    int failures(String jobId) throws Exception {
        return rest("/jobs/" + jobId + "/exceptions?maxExceptions=100")
                .path("exceptionHistory")
                .path("entries")
                .size();
    }

    /** Cancels the job and waits until it is CANCELED: its open transactions are then aborted. */
    void cancelAndWait(String jobId, Duration timeout) throws InterruptedException {
        cancel(jobId);
        await(
                "job " + jobId + " cancelled",
                timeout,
                () -> {
                    try {
                        return "CANCELED".equals(job(jobId).path("state").asText());
                    } catch (Exception e) {
                        return false;
                    }
                });
    }

    void cancel(String jobId) {
        try {
            HTTP.send(
                    HttpRequest.newBuilder(URI.create(restUrl("/jobs/" + jobId + "?mode=cancel")))
                            .method("PATCH", HttpRequest.BodyPublishers.noBody())
                            .timeout(Duration.ofSeconds(10))
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
        } catch (Exception e) {
            // bin/cluster stop ends the cluster anyway.
        }
    }

    JsonNode rest(String path) throws IOException, InterruptedException {
        HttpResponse<String> r =
                HTTP.send(
                        HttpRequest.newBuilder(URI.create(restUrl(path)))
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException(path + ": HTTP " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body());
    }

    private String restUrl(String path) {
        return "http://127.0.0.1:" + webUiPort + path;
    }

    // ---------------------------------------------------------------------------------------
    // Faults

    /** SIGKILL to the TaskManager; returns once the process is gone. */
    void killTaskManager() throws Exception {
        long pid = Long.parseLong(Files.readString(work.resolve("run/taskmanager.pid")).strip());
        ProcessHandle tm =
                ProcessHandle.of(pid)
                        .orElseThrow(() -> new AssertionError("no TaskManager process " + pid));
        assertThat(tm.info().commandLine().orElse(""))
                .as("pid %d is the TaskManager", pid)
                .contains("TaskManagerRunner");
        assertThat(tm.destroyForcibly()).isTrue(); // SIGKILL on Linux
        tm.onExit().get(30, TimeUnit.SECONDS);
    }

    /** {@code bin/cluster taskmanager}, not waited for: it returns once the TM registered. */
    Process startTaskManagerAsync() throws IOException {
        return scriptProcess("bin/cluster", "taskmanager");
    }

    void stopBroker() throws Exception {
        Script s = script(Duration.ofMinutes(1), "bin/cluster", "broker", "stop");
        assertThat(s.exit).as("broker stop failed:%n%s", s.stderr).isZero();
    }

    void startBroker() throws Exception {
        Script s = script(Duration.ofMinutes(2), "bin/cluster", "broker", "start");
        assertThat(s.exit).as("broker start failed:%n%s", s.stderr).isZero();
    }

    // ---------------------------------------------------------------------------------------
    // Kafka

    void createTopics(Map<String, Integer> partitions, List<String> compacted) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            List<NewTopic> topics = new ArrayList<>();
            partitions.forEach(
                    (name, n) -> {
                        NewTopic t = new NewTopic(name, n, (short) 1);
                        if (compacted.contains(name)) {
                            t.configs(
                                    Map.of(
                                            TopicConfig.CLEANUP_POLICY_CONFIG,
                                            TopicConfig.CLEANUP_POLICY_COMPACT));
                        }
                        topics.add(t);
                    });
            admin.createTopics(topics).all().get(30, TimeUnit.SECONDS);
        }
    }

    /**
     * An idempotent producer that rides out a broker outage: sends wait and retry for minutes
     * instead of failing, and retries never duplicate, so the input is exactly what the test's
     * model says.
     */
    KafkaProducer<String, String> producer() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "300000");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "300000");
        return new KafkaProducer<>(p);
    }

    private KafkaConsumer<byte[], byte[]> consumer(String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
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

    /**
     * The last stable offset of a topic, summed over partitions: it moves when a transaction
     * commits, so it tells when committed output grows. -1 when the broker does not answer.
     */
    long committedEnd(String topic) {
        try (KafkaConsumer<byte[], byte[]> c = consumer(topic)) {
            return c.endOffsets(c.assignment(), Duration.ofSeconds(5)).values().stream()
                    .mapToLong(Long::longValue)
                    .sum();
        } catch (Exception e) {
            return -1;
        }
    }

    /** Everything committed in {@code topic} now, in order: reads up to the LSO. */
    List<JsonNode> readAll(String topic) throws IOException {
        return readAllKeyed(topic).stream().map(Keyed::value).toList();
    }

    /** A committed record: its Kafka key (UTF-8, or null) and its value. */
    record Keyed(String key, JsonNode value) {}

    /** As {@link #readAll}, with each record's Kafka key. */
    List<Keyed> readAllKeyed(String topic) throws IOException {
        List<Keyed> seen = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        try (KafkaConsumer<byte[], byte[]> c = consumer(topic)) {
            Map<TopicPartition, Long> end = c.endOffsets(c.assignment());
            while (end.entrySet().stream().anyMatch(e -> c.position(e.getKey()) < e.getValue())) {
                if (System.nanoTime() > deadline) {
                    fail("%s: could not read up to the end offsets %s", topic, end);
                }
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                    String key = r.key() == null ? null : new String(r.key(), UTF_8);
                    seen.add(new Keyed(key, JSON.readTree(r.value())));
                }
            }
        }
        return seen;
    }

    /**
     * Reads {@code topic} from the start, handing each committed record to {@code each}, until
     * {@code enough} records were read and then up to the LSO (so extras show too); fails after
     * {@code timeout}. For topics too large to hold in memory. Returns the number read.
     */
    long consume(String topic, long enough, Duration timeout, Consumer<JsonNode> each)
            throws IOException {
        long n = 0;
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<byte[], byte[]> c = consumer(topic)) {
            Map<TopicPartition, Long> end = null;
            while (true) {
                if (n >= enough && end == null) {
                    end = c.endOffsets(c.assignment());
                }
                if (end != null) {
                    Map<TopicPartition, Long> e = end;
                    if (e.entrySet().stream()
                            .allMatch(x -> c.position(x.getKey()) >= x.getValue())) {
                        return n;
                    }
                }
                if (System.nanoTime() > deadline) {
                    fail("%s: %d records after %s, expected %d", topic, n, timeout, enough);
                }
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                    each.accept(JSON.readTree(r.value()));
                    n++;
                }
            }
        }
    }

    /** A completed checkpoint as the REST API reports it. */
    record Checkpoint(long id, long stateSize, long checkpointedSize, long durationMillis) {}

    /** The completed checkpoints in the REST API's history (the last 10 by default). */
    List<Checkpoint> completedCheckpoints(String jobId) throws Exception {
        List<Checkpoint> out = new ArrayList<>();
        for (JsonNode h : rest("/jobs/" + jobId + "/checkpoints").path("history")) {
            if ("COMPLETED".equals(h.path("status").asText())) {
                out.add(
                        new Checkpoint(
                                h.path("id").asLong(),
                                h.path("state_size").asLong(),
                                h.path("checkpointed_size").asLong(),
                                h.path("end_to_end_duration").asLong()));
            }
        }
        return out;
    }

    // ---------------------------------------------------------------------------------------
    // Waiting, scripts, ports

    /** Polls {@code done} every 100 ms until it holds; fails after {@code timeout}. */
    static void await(String what, Duration timeout, BooleanSupplier done)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out after %s waiting for %s", timeout, what);
            }
            Thread.sleep(100);
        }
    }

    /** Result of a script run: exit code, stdout, stderr. */
    record Script(int exit, String stdout, String stderr) {}

    private Process scriptProcess(String... command) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(root.toFile());
        pb.environment().put("SW_WORK", work.toString());
        pb.environment().put("SW_KAFKA_PORT", Integer.toString(kafkaPort));
        pb.environment().put("SW_WEB_UI_PORT", Integer.toString(webUiPort));
        pb.environment().put("SW_FLINK_RPC_PORT", Integer.toString(rpcPort));
        pb.environment().put("SW_FLINK_METRICS_PORT", Integer.toString(metricsPort));
        String name = String.join("-", command).replaceAll("[^A-Za-z0-9-]", "_");
        name = name.substring(0, Math.min(name.length(), 40));
        pb.redirectOutput(work.resolve(name + ".out").toFile());
        pb.redirectError(work.resolve(name + ".err").toFile());
        return pb.start();
    }

    /** Runs a script of the repository against this cluster, bounded by {@code timeout}. */
    Script script(Duration timeout, String... command) throws Exception {
        Process p = scriptProcess(command);
        String name = String.join("-", command).replaceAll("[^A-Za-z0-9-]", "_");
        name = name.substring(0, Math.min(name.length(), 40));
        Path out = work.resolve(name + ".out");
        Path err = work.resolve(name + ".err");
        if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroy);
            p.destroy();
            p.waitFor(20, TimeUnit.SECONDS);
            fail("%s did not finish within %s; see %s", String.join(" ", command), timeout, err);
        }
        String stderr = Files.readString(err);
        System.err.print(stderr);
        return new Script(p.exitValue(), Files.readString(out), stderr);
    }

    static boolean portOpen(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
