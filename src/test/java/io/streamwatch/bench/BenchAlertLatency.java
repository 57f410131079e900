package io.streamwatch.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamwatch.cli.LoadedJob;
import io.streamwatch.config.ConfigOverride;
import io.streamwatch.config.PipelineConfig;
import io.streamwatch.config.StreamwatchConfig;
import io.streamwatch.job.StreamwatchJob;
import io.streamwatch.sinks.KafkaSinks;
import io.streamwatch.sources.KafkaSources;
import io.streamwatch.tools.SampleRecords;
import io.streamwatch.tools.SampleRecords.Sample;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Alert latency (SPEC section 8): how long after the event that makes a rule true its alert is
 * visible to a {@code read_committed} consumer, at a fixed input rate below the maximum.
 *
 * <p>The real job (the configuration file and its rules, exactly-once, RocksDB, parallelism 2) runs
 * in a local MiniCluster on fresh topics. A producer writes realistic records at {@code --rate} per
 * second with event time = now, and every {@code --probe-every-ms} one probe: a single {@code
 * http.server.duration} point of 5000 ms from a host of its own ({@code probe-N}), which makes the
 * example rule {@code SlowRequestsP99} ({@code p99 > 500}) true for that host's window. The probe
 * is the causing event; its latency is from its creation (its event time, taken from the wall clock
 * just before it is sent) to the moment a {@code read_committed} consumer of the alerts topic reads
 * the firing alert with its host. Probes fall at every phase of the window, so the figures cover
 * the whole range from "the window is about to close" to "the window just opened".
 *
 * <p>The bound is window + out-of-orderness + checkpoint interval + 1 s. Writes {@code
 * alert-latency.json} (p50, p99, max, the bound, how many within it) and {@code alert-latency.tsv}
 * (one probe per line).
 *
 * <p>Arguments: {@code --bootstrap --config --run --rate --minutes --probe-every-ms
 * --checkpoint-interval --checkpoint-dir --out}.
 */
public final class BenchAlertLatency {
    private static final String PROBE_HOST = "probe-";

    private BenchAlertLatency() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> a = BenchData.Args.parse(args);
        String bootstrap = a.get("bootstrap");
        String run = a.get("run");
        int rate = Integer.parseInt(a.getOrDefault("rate", "5000"));
        double minutes = Double.parseDouble(a.getOrDefault("minutes", "3"));
        long probeEvery = Long.parseLong(a.getOrDefault("probe-every-ms", "4000"));
        String interval = a.getOrDefault("checkpoint-interval", "10s");
        Path out = Path.of(a.get("out"));
        String prefix = "latency." + run + ".";
        String logsIn = prefix + "logs";
        String metricsIn = prefix + "metrics";
        String alerts = prefix + "alerts";

        List<ConfigOverride> o = new ArrayList<>();
        set(o, "kafka.bootstrap_servers", bootstrap);
        set(o, "kafka.group_id", "latency-" + run);
        set(o, "kafka.starting_offsets", "earliest");
        set(o, "delivery", "exactly-once");
        set(o, "checkpoint.state_backend", "rocksdb");
        set(o, "checkpoint.interval", interval);
        set(
                o,
                "checkpoint.dir",
                Path.of(a.get("checkpoint-dir")).toAbsolutePath().toUri().toString());
        set(o, "parallelism", "2");
        set(o, "pipelines.app-logs.topic", logsIn);
        set(o, "pipelines.app-metrics.topic", metricsIn);
        set(o, "pipelines.app-logs.output_topic", prefix + "log-aggregates");
        set(o, "pipelines.app-metrics.output_topic", prefix + "metric-aggregates");
        set(o, "dead_letter_topic", prefix + "dead-letter");
        set(o, "late_events_topic", prefix + "late-events");
        set(o, "alerts.topic", alerts);
        set(o, "alerts.control_topic", prefix + "rules");
        set(o, "alerts.status_topic", prefix + "rule-status");
        LoadedJob job = LoadedJob.load(Path.of(a.get("config")), o);
        StreamwatchConfig config = job.config();
        PipelineConfig metrics =
                config.pipelines().stream()
                        .filter(p -> p.name().equals("app-metrics"))
                        .findFirst()
                        .orElseThrow();
        long windowMillis = metrics.window().size().toMillis();
        long oooMillis = metrics.outOfOrderness().toMillis();
        long boundMillis =
                windowMillis + oooMillis + config.checkpoint().interval().toMillis() + 1000;

        Properties adminProps = new Properties();
        adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(adminProps)) {
            List<NewTopic> topics = new ArrayList<>();
            topics.add(new NewTopic(logsIn, 2, (short) 1));
            topics.add(new NewTopic(metricsIn, 2, (short) 1));
            for (String t :
                    List.of(
                            "log-aggregates",
                            "metric-aggregates",
                            "dead-letter",
                            "late-events",
                            "alerts",
                            "rule-status")) {
                topics.add(new NewTopic(prefix + t, 1, (short) 1));
            }
            topics.add(
                    new NewTopic(prefix + "rules", 1, (short) 1)
                            .configs(Map.of("cleanup.policy", "compact")));
            admin.createTopics(topics).all().get(60, TimeUnit.SECONDS);
        }

        AlertWatcher watcher = new AlertWatcher(bootstrap, alerts);
        watcher.start();

        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(
                        StreamwatchJob.flinkConfiguration(config));
        new StreamwatchJob(
                        config,
                        job.rules(),
                        KafkaSources.of(config),
                        (topic, sinkName) -> KafkaSinks.forTopic(config, topic, sinkName))
                .build(env);
        JobClient client = env.executeAsync("Streamwatch alert latency");
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (client.getJobStatus().get(10, TimeUnit.SECONDS) != JobStatus.RUNNING) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the job is not RUNNING");
            }
            Thread.sleep(20);
        }

        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        List<String> services = List.of("checkout", "payments", "search", "inventory");
        SampleRecords samples = new SampleRecords(services, 25, List.of(), 7L);
        List<long[]> probes = new ArrayList<>(); // probe number, event time
        long produced = 0;
        long probeMillis = (long) (minutes * 60_000);
        // After the last probe, keep the input going until its window has surely closed and
        // been committed, so event time keeps moving.
        long tailMillis = boundMillis + 5_000;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            long start = System.currentTimeMillis();
            long nextProbe = start + probeEvery / 2;
            while (true) {
                long now = System.currentTimeMillis();
                long elapsed = now - start;
                if (elapsed > probeMillis + tailMillis) {
                    break;
                }
                // Fixed rate: catch up to rate * elapsed, in small steps.
                long due = rate * elapsed / 1000;
                while (produced < due) {
                    Sample s = samples.next(now);
                    if (s != null) {
                        String topic = s.stream() == SampleRecords.Stream.LOGS ? logsIn : metricsIn;
                        producer.send(
                                new ProducerRecord<>(
                                        topic,
                                        s.key().getBytes(StandardCharsets.UTF_8),
                                        s.value()));
                    }
                    produced++;
                }
                if (now >= nextProbe && elapsed <= probeMillis) {
                    int n = probes.size();
                    long eventTime = System.currentTimeMillis();
                    String host = PROBE_HOST + n;
                    String json =
                            String.format(
                                    Locale.ROOT,
                                    "{\"timestamp\":%d,\"name\":\"http.server.duration\","
                                            + "\"value\":5000,\"service\":\"checkout\","
                                            + "\"host\":\"%s\"}",
                                    eventTime,
                                    host);
                    producer.send(
                            new ProducerRecord<>(
                                    metricsIn,
                                    host.getBytes(StandardCharsets.UTF_8),
                                    json.getBytes(StandardCharsets.UTF_8)));
                    probes.add(new long[] {n, eventTime});
                    // From now, not from the schedule: a producer that fell behind (a loaded
                    // machine) would otherwise send a burst of probes in one phase of the window.
                    nextProbe = System.currentTimeMillis() + probeEvery;
                }
                Thread.sleep(5);
            }
        }
        // Wait for the alerts still in flight, up to twice the bound.
        long waitUntil = System.currentTimeMillis() + 2 * boundMillis;
        while (watcher.seen.size() < probes.size() && System.currentTimeMillis() < waitUntil) {
            Thread.sleep(100);
        }
        client.cancel().get(60, TimeUnit.SECONDS);
        watcher.stopped = true;
        watcher.join(10_000);

        List<Double> latencies = new ArrayList<>();
        StringBuilder tsv = new StringBuilder("probe\tevent_time_ms\tvisible_ms\tlatency_s\n");
        long missing = 0;
        for (long[] probe : probes) {
            Long visible = watcher.seen.get(PROBE_HOST + probe[0]);
            if (visible == null) {
                missing++;
                tsv.append(probe[0]).append('\t').append(probe[1]).append("\t\t\n");
                continue;
            }
            double s = (visible - probe[1]) / 1000.0;
            latencies.add(s);
            tsv.append(probe[0])
                    .append('\t')
                    .append(probe[1])
                    .append('\t')
                    .append(visible)
                    .append('\t')
                    .append(String.format(Locale.ROOT, "%.3f", s))
                    .append('\n');
        }
        double[] sorted = latencies.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        long within = Arrays.stream(sorted).filter(x -> x <= boundMillis / 1000.0).count();
        String json =
                String.format(
                        Locale.ROOT,
                        "{\"name\":\"alert-latency\",\"rate_per_s\":%d,\"records\":%d,"
                                + "\"probes\":%d,\"alerted\":%d,\"missing\":%d,"
                                + "\"p50_s\":%.3f,\"p99_s\":%.3f,\"max_s\":%.3f,\"min_s\":%.3f,"
                                + "\"bound_s\":%.3f,\"within_bound\":%d,\"window_s\":%.1f,"
                                + "\"out_of_orderness_s\":%.1f,\"checkpoint_interval_s\":%.1f}%n",
                        rate,
                        produced,
                        probes.size(),
                        sorted.length,
                        missing,
                        rank(sorted, 0.50),
                        rank(sorted, 0.99),
                        sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1],
                        sorted.length == 0 ? Double.NaN : sorted[0],
                        boundMillis / 1000.0,
                        within,
                        windowMillis / 1000.0,
                        oooMillis / 1000.0,
                        config.checkpoint().interval().toMillis() / 1000.0);
        Files.createDirectories(out);
        Files.writeString(out.resolve("alert-latency.tsv"), tsv.toString());
        Files.writeString(out.resolve("alert-latency.json"), json);
        System.out.print(json);
        System.exit(0);
    }

    /** Nearest-rank percentile of sorted values; NaN when there are none. */
    static double rank(double[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    private static void set(List<ConfigOverride> o, String path, String value) {
        o.add(new ConfigOverride(path, value, "benchmark " + path));
    }

    /**
     * Reads the alerts topic with {@code read_committed} and notes when each probe host's first
     * firing alert became visible.
     */
    static final class AlertWatcher extends Thread {
        final Map<String, Long> seen = new ConcurrentHashMap<>();
        volatile boolean stopped;
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final String topic;
        private final ObjectMapper mapper = new ObjectMapper();

        AlertWatcher(String bootstrap, String topic) {
            super("bench-alert-watcher");
            setDaemon(true);
            Properties p = new Properties();
            p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            p.put(
                    ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                    ByteArrayDeserializer.class.getName());
            p.put(
                    ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                    ByteArrayDeserializer.class.getName());
            p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            this.consumer = new KafkaConsumer<>(p);
            this.topic = topic;
        }

        @Override
        public void run() {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            try {
                while (!stopped) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(20))) {
                        long now = System.currentTimeMillis();
                        try {
                            JsonNode n = mapper.readTree(r.value());
                            String host = n.path("labels").path("host").asText("");
                            if (host.startsWith(PROBE_HOST)
                                    && "firing".equals(n.path("status").asText())
                                    && "SlowRequestsP99".equals(n.path("rule").asText())) {
                                seen.putIfAbsent(host, now);
                            }
                        } catch (Exception e) {
                            // Not an alert of ours; the count of missing probes shows problems.
                        }
                    }
                }
            } finally {
                consumer.close(Duration.ofSeconds(1));
            }
        }
    }
}
