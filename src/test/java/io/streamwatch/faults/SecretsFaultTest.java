package io.streamwatch.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamwatch.cli.Summary;
import io.streamwatch.config.ConfigLoader;
import io.streamwatch.config.StreamwatchConfig;
import io.streamwatch.job.StreamwatchJob;
import io.streamwatch.sinks.KafkaSinks;
import io.streamwatch.sources.KafkaSources;
import io.streamwatch.testing.Json;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.client.program.rest.RestClusterClient;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectClusterClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.ExceptionUtils;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.server.common.MetadataVersion;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * SPEC section 6, secrets: a broker whose client listener takes SASL/SCRAM-SHA-512 only, a job
 * config whose {@code sasl.jaas.config} reads the password from a file ({@code ${file:...}}). The
 * job must work (aggregates arrive), and the password must appear in no log event or console output
 * of this JVM (captured at INFO, DEBUG for the Kafka client security code and Streamwatch), in no
 * REST response of the cluster (job config, job manager config, plan, vertices, metrics,
 * exceptions), in no exception of a job started with a wrong password, and not in the config's
 * {@code toString} or {@code validate} summary.
 */
class SecretsFaultTest {
    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String ADMIN_JAAS =
            "org.apache.kafka.common.security.plain.PlainLoginModule required"
                    + " username=\"plain-admin\" password=\"plain-admin-secret\";";
    private static final String USER = "streamwatch";
    private static final String PASSWORD = "sw-pw-" + UUID.randomUUID();
    private static final String WRONG_PASSWORD = "sw-wrong-" + UUID.randomUUID();

    private static KafkaClusterTestKit cluster;
    private static Captured captured;

    @BeforeAll
    static void startScramBroker() throws Exception {
        captured = Captured.capture();
        // The broker listener speaks SASL: PLAIN for the test kit's own admin (its JAAS file) and
        // SCRAM-SHA-512 for the job. No authorizer: authentication is what is under test.
        cluster =
                new KafkaClusterTestKit.Builder(
                                new TestKitNodes.Builder()
                                        .setCombined(true)
                                        .setNumBrokerNodes(1)
                                        .setNumControllerNodes(1)
                                        .setBrokerSecurityProtocol(SecurityProtocol.SASL_PLAINTEXT)
                                        .setBootstrapMetadataVersion(
                                                MetadataVersion.latestProduction())
                                        .build())
                        .setConfigProp("sasl.enabled.mechanisms", "PLAIN,SCRAM-SHA-512")
                        .setConfigProp(
                                "listener.name.external.scram-sha-512.sasl.jaas.config",
                                "org.apache.kafka.common.security.scram.ScramLoginModule"
                                        + " required;")
                        .setConfigProp("authorizer.class.name", "")
                        .setConfigProp("transaction.state.log.replication.factor", "1")
                        .setConfigProp("transaction.state.log.min.isr", "1")
                        .setConfigProp("offsets.topic.replication.factor", "1")
                        .setConfigProp("group.initial.rebalance.delay.ms", "0")
                        .build();
        cluster.format();
        cluster.startup();
        cluster.waitForReadyBrokers();
        try (Admin admin = Admin.create(adminProps())) {
            admin.alterUserScramCredentials(
                            List.of(
                                    new UserScramCredentialUpsertion(
                                            USER,
                                            new ScramCredentialInfo(
                                                    ScramMechanism.SCRAM_SHA_512, 4096),
                                            PASSWORD)))
                    .all()
                    .get();
        }
        // The credential reaches the broker through the metadata log: wait until it logs in.
        long end = System.nanoTime() + WAIT.toNanos();
        while (true) {
            try (Admin scram = Admin.create(scramProps(PASSWORD))) {
                scram.describeCluster().clusterId().get(10, TimeUnit.SECONDS);
                break;
            } catch (ExecutionException e) {
                if (System.nanoTime() > end) {
                    throw e;
                }
            }
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
        if (captured != null) {
            captured.close();
        }
    }

    @Test
    void jobWorksOverScramAndThePasswordIsShownNowhere(
            @InjectClusterClient RestClusterClient<?> rest,
            @org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        String logs = "logs-" + UUID.randomUUID().toString().substring(0, 8);
        String out = "log-aggregates-" + UUID.randomUUID().toString().substring(0, 8);
        try (Admin admin = Admin.create(adminProps())) {
            List<NewTopic> topics = new ArrayList<>();
            for (String t : List.of(logs, out, "dead", "late", "alerts", "rules", "rule-status")) {
                topics.add(new NewTopic(t, 1, (short) 1));
            }
            admin.createTopics(topics).all().get();
        }
        Files.writeString(dir.resolve("kafka-password"), PASSWORD + "\n");
        Path configFile = writeConfig(dir, logs, out, "kafka-password");
        StreamwatchConfig config = ConfigLoader.load(configFile, List.of());
        assertThat(config.kafka().properties().get("sasl.jaas.config"))
                .as("the loader resolved the reference")
                .contains(PASSWORD);
        assertThat(config.toString()).doesNotContain(PASSWORD);
        assertThat(Summary.of(config)).doesNotContain(PASSWORD);

        JobClient job = start(config, "secrets-ok");
        long t0 =
                Instant.now()
                        .truncatedTo(ChronoUnit.MINUTES)
                        .minus(10, ChronoUnit.MINUTES)
                        .toEpochMilli();
        try (KafkaProducer<byte[], byte[]> p =
                new KafkaProducer<>(
                        scramProps(PASSWORD),
                        new ByteArraySerializer(),
                        new ByteArraySerializer())) {
            for (int i = 0; i < 30; i++) {
                p.send(record(logs, t0 + i * 1_000L, i % 3 == 0 ? "ERROR" : "INFO")).get();
            }
            // Moves event time past the first window; idleness is short, one partition.
            p.send(record(logs, t0 + 5 * 60_000L, "INFO")).get();
        }
        List<ConsumerRecord<byte[], byte[]>> aggregates = readUntil(out, 1);
        var a = Json.parse(aggregates.get(0).value());
        assertThat(a.get("total").asLong()).isEqualTo(30);
        assertThat(a.get("levels").get("ERROR").asLong()).isEqualTo(10);

        String base = rest.getWebInterfaceURL();
        String id = job.getJobID().toHexString();
        Map<String, String> bodies = new LinkedHashMap<>();
        for (String path :
                List.of(
                        "/jobmanager/config",
                        "/jobs/" + id,
                        "/jobs/" + id + "/config",
                        "/jobs/" + id + "/jobmanager/config",
                        "/jobs/" + id + "/plan",
                        "/jobs/" + id + "/exceptions",
                        "/jobs/" + id + "/checkpoints/config",
                        "/jobs/" + id + "/accumulators",
                        "/taskmanagers")) {
            bodies.put(path, get(base + path));
        }
        for (var v :
                Json.parse(bodies.get("/jobs/" + id).getBytes(StandardCharsets.UTF_8))
                        .get("vertices")) {
            String vp = "/jobs/" + id + "/vertices/" + v.get("id").asText();
            bodies.put(vp, get(base + vp));
            bodies.put(vp + "/metrics", get(base + vp + "/metrics"));
            bodies.put(vp + "/accumulators", get(base + vp + "/accumulators"));
        }
        assertThat(bodies.get("/jobs/" + id + "/config")).contains("execution-config");
        assertThat(bodies.get("/jobs/" + id + "/plan")).contains(logs);
        bodies.forEach(
                (path, body) -> assertThat(body).as("GET %s", path).doesNotContain(PASSWORD));
        job.cancel().get();

        // A wrong password: the job fails; no exception or log names either password.
        Files.writeString(dir.resolve("wrong-password"), WRONG_PASSWORD);
        StreamwatchConfig wrong =
                ConfigLoader.load(writeConfig(dir, logs, out, "wrong-password"), List.of());
        JobClient failing = start(wrong, "secrets-wrong");
        Throwable failure = null;
        try {
            failing.getJobExecutionResult().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            failure = e;
        }
        assertThat(failure).as("a job with the wrong password fails").isNotNull();
        String trace = ExceptionUtils.stringifyException(failure);
        assertThat(trace).containsIgnoringCase("authentication");
        assertThat(trace).doesNotContain(PASSWORD).doesNotContain(WRONG_PASSWORD);
        String exceptions = get(base + "/jobs/" + failing.getJobID().toHexString() + "/exceptions");
        assertThat(exceptions).containsIgnoringCase("authentication");
        assertThat(exceptions).doesNotContain(PASSWORD).doesNotContain(WRONG_PASSWORD);

        String everything = captured.text();
        assertThat(everything)
                .as("the capture saw the Kafka clients' config dumps")
                .contains("sasl.jaas.config = [hidden]")
                .contains("sasl.mechanism = SCRAM-SHA-512");
        assertThat(everything).doesNotContain(PASSWORD).doesNotContain(WRONG_PASSWORD);
        System.out.printf(
                "secrets: %d log events and %d console chars checked, %d REST responses%n",
                captured.events(), captured.consoleChars(), bodies.size() + 1);
    }

    private static JobClient start(StreamwatchConfig config, String name) throws Exception {
        Configuration conf = StreamwatchJob.flinkConfiguration(config);
        // A failure must show, not be retried away.
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        new StreamwatchJob(
                        config,
                        List.of(),
                        KafkaSources.of(config),
                        (topic, n) -> KafkaSinks.forTopic(config, topic, n))
                .build(env);
        JobClient job = env.executeAsync(name);
        long end = System.nanoTime() + WAIT.toNanos();
        while (job.getJobStatus().get() == JobStatus.INITIALIZING
                || job.getJobStatus().get() == JobStatus.CREATED) {
            assertThat(System.nanoTime()).as("job started").isLessThan(end);
            Thread.sleep(100);
        }
        return job;
    }

    private static Path writeConfig(Path dir, String logs, String out, String passwordFile)
            throws Exception {
        Path f = dir.resolve("streamwatch-" + passwordFile + ".yaml");
        Files.writeString(
                f,
                String.join(
                        "\n",
                        "kafka:",
                        "  bootstrap_servers: " + cluster.bootstrapServers(),
                        "  group_id: secrets-" + passwordFile,
                        "  starting_offsets: earliest",
                        "  properties:",
                        "    security.protocol: SASL_PLAINTEXT",
                        "    sasl.mechanism: SCRAM-SHA-512",
                        "    sasl.jaas.config: >-",
                        "      org.apache.kafka.common.security.scram.ScramLoginModule required",
                        "      username=\""
                                + USER
                                + "\" password=\"${file:"
                                + passwordFile
                                + "}\";",
                        "checkpoint: {interval: 500ms, timeout: 1m, state_backend: hashmap}",
                        "parallelism: 1",
                        "pipelines:",
                        "  - name: app-logs",
                        "    kind: logs",
                        "    topic: " + logs,
                        "    group_by: [service]",
                        "    idleness: 1s",
                        "    output_topic: " + out,
                        "alerts: {topic: alerts, control_topic: rules, status_topic: rule-status}",
                        "dead_letter_topic: dead",
                        "late_events_topic: late",
                        ""));
        return f;
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, long ts, String level) {
        String json =
                String.format(
                        "{\"timestamp\":%d,\"level\":\"%s\",\"service\":\"checkout\","
                                + "\"message\":\"m\"}",
                        ts, level);
        return new ProducerRecord<>(topic, 0, null, json.getBytes(StandardCharsets.UTF_8));
    }

    private static List<ConsumerRecord<byte[], byte[]>> readUntil(String topic, int n) {
        Properties p = scramProps(PASSWORD);
        p.put("isolation.level", "read_committed");
        p.put("enable.auto.commit", "false");
        List<ConsumerRecord<byte[], byte[]>> seen = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = List.of(new TopicPartition(topic, 0));
            c.assign(parts);
            c.seekToBeginning(parts);
            long end = System.nanoTime() + WAIT.toNanos();
            while (seen.size() < n) {
                assertThat(System.nanoTime()).as("%d records in %s", n, topic).isLessThan(end);
                c.poll(Duration.ofMillis(200)).forEach(seen::add);
            }
        }
        return seen;
    }

    private static String get(String url) throws Exception {
        HttpResponse<String> r =
                HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(URI.create(url))
                                        .timeout(Duration.ofSeconds(30))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("GET %s", url).isEqualTo(200);
        return r.body();
    }

    private static Properties adminProps() {
        Properties p = new Properties();
        p.put("bootstrap.servers", cluster.bootstrapServers());
        p.put("security.protocol", "SASL_PLAINTEXT");
        p.put("sasl.mechanism", "PLAIN");
        p.put("sasl.jaas.config", ADMIN_JAAS);
        return p;
    }

    private static Properties scramProps(String password) {
        Properties p = new Properties();
        p.put("bootstrap.servers", cluster.bootstrapServers());
        p.put("security.protocol", "SASL_PLAINTEXT");
        p.put("sasl.mechanism", "SCRAM-SHA-512");
        p.put(
                "sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                        + USER
                        + "\" password=\""
                        + password
                        + "\";");
        return p;
    }

    /**
     * Everything this JVM logs (log4j, root at INFO; Streamwatch and Kafka's security code at
     * DEBUG) and prints to the console while the test runs.
     */
    static final class Captured extends AbstractAppender implements AutoCloseable {
        private final ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();
        private final ByteArrayOutputStream console = new ByteArrayOutputStream();
        private final PrintStream out = System.out;
        private final PrintStream err = System.err;
        private final Map<String, Level> levels = new LinkedHashMap<>();
        private final Map<Appender, Level> consoleAppenders = new LinkedHashMap<>();

        private Captured() {
            super("secrets-capture", null, null, true, Property.EMPTY_ARRAY);
        }

        static Captured capture() {
            Captured c = new Captured();
            c.start0();
            return c;
        }

        private void start0() {
            start();
            LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
            var config = ctx.getConfiguration();
            config.addAppender(this);
            Map<String, Level> wanted = new LinkedHashMap<>();
            wanted.put(LogManager.ROOT_LOGGER_NAME, Level.INFO);
            wanted.put("io.streamwatch", Level.DEBUG);
            wanted.put("org.apache.kafka.common.security", Level.DEBUG);
            wanted.put("org.apache.flink.connector.kafka", Level.DEBUG);
            wanted.forEach(
                    (name, level) -> {
                        LoggerConfig lc = config.getLoggerConfig(name);
                        if (!lc.getName().equals(name)) {
                            lc = new LoggerConfig(name, level, true);
                            config.addLogger(name, lc);
                        } else {
                            levels.put(name, lc.getLevel());
                            // The console keeps the level it had; only the capture sees more.
                            for (Appender a :
                                    name.isEmpty()
                                            ? lc.getAppenders().values()
                                            : List.<Appender>of()) {
                                consoleAppenders.put(a, lc.getLevel());
                                lc.removeAppender(a.getName());
                                lc.addAppender(a, lc.getLevel(), null);
                            }
                            lc.setLevel(level);
                        }
                        lc.addAppender(this, level, null);
                    });
            ctx.updateLoggers();
            System.setOut(new PrintStream(tee(out), true));
            System.setErr(new PrintStream(tee(err), true));
        }

        private OutputStream tee(PrintStream original) {
            return new OutputStream() {
                @Override
                public void write(int b) {
                    original.write(b);
                    synchronized (console) {
                        console.write(b);
                    }
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    original.write(b, off, len);
                    synchronized (console) {
                        console.write(b, off, len);
                    }
                }
            };
        }

        @Override
        public void append(LogEvent event) {
            StringBuilder b = new StringBuilder();
            b.append(event.getLoggerName())
                    .append(' ')
                    .append(event.getMessage().getFormattedMessage());
            if (event.getThrown() != null) {
                b.append('\n').append(ExceptionUtils.stringifyException(event.getThrown()));
            }
            lines.add(b.toString());
        }

        int events() {
            return lines.size();
        }

        int consoleChars() {
            synchronized (console) {
                return console.size();
            }
        }

        String text() {
            synchronized (console) {
                return String.join("\n", lines) + "\n" + console.toString(StandardCharsets.UTF_8);
            }
        }

        @Override
        public void close() {
            System.setOut(out);
            System.setErr(err);
            LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
            var config = ctx.getConfiguration();
            for (String name :
                    List.of(
                            LogManager.ROOT_LOGGER_NAME,
                            "io.streamwatch",
                            "org.apache.kafka.common.security",
                            "org.apache.flink.connector.kafka")) {
                LoggerConfig lc = config.getLoggerConfig(name);
                lc.removeAppender(getName());
                if (levels.containsKey(name)) {
                    lc.setLevel(levels.get(name));
                    if (name.isEmpty()) {
                        consoleAppenders.forEach(
                                (a, level) -> {
                                    lc.removeAppender(a.getName());
                                    lc.addAppender(a, null, null);
                                });
                    }
                } else if (lc.getName().equals(name) && !name.isEmpty()) {
                    config.removeLogger(name);
                }
            }
            ctx.updateLoggers();
            stop();
        }
    }
}
