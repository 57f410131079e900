package io.streamwatch.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamwatch.cli.LoadedJob;
import io.streamwatch.config.ConfigOverride;
import io.streamwatch.config.StreamwatchConfig;
import io.streamwatch.job.StreamwatchJob;
import io.streamwatch.sinks.KafkaSinks;
import io.streamwatch.sources.KafkaSources;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.configuration.WebOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Runs the real Streamwatch job (the configuration file, its rules, Kafka sources and sinks) in a
 * local MiniCluster without web UI over the benchmark topics, with a fresh group id and fresh
 * output topics, from the earliest offsets, and measures it.
 *
 * <p>Two watcher threads read the aggregate topics: a {@code read_uncommitted} one marks the moment
 * every expected aggregate has been written (the sentinels close every window of the data), a
 * {@code read_committed} one the moment they are all visible to downstream consumers. The reported
 * wall time runs from the job's RUNNING status to the first moment; start-up (submission to
 * RUNNING) and the commit wait are reported separately. CPU is the process's over the same span,
 * minus the watcher threads' own. The committed aggregates go to {@code <name>.tsv}.
 *
 * <p>Arguments: {@code --bootstrap --config --name --run --delivery --state-backend
 * --checkpoint-interval --parallelism --expected N --records N --checkpoint-dir --out --logs-topic
 * --metrics-topic --timeout-seconds --set "path=value;..." --rest-port --warmup F}. With {@code
 * --warmup F} the reported figures are the steady span's: from the moment the job's Kafka consumers
 * have consumed the share {@code F} of the input ({@link Progress}) to the same end; the span
 * before is reported as warm-up (see {@link Measure}). With {@code --rest-port} the MiniCluster
 * serves its REST API there, and the JSON gets the job's checkpoint statistics (see {@link
 * CheckpointStats}).
 */
public final class BenchStreamwatch {
    private BenchStreamwatch() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> a = BenchData.Args.parse(args);
        String bootstrap = a.get("bootstrap");
        String name = a.get("name");
        String run = a.get("run");
        long expected = Long.parseLong(a.get("expected"));
        long records = Long.parseLong(a.get("records"));
        Path out = Path.of(a.get("out"));
        long timeoutNanos =
                TimeUnit.SECONDS.toNanos(Long.parseLong(a.getOrDefault("timeout-seconds", "900")));
        String prefix = "bench." + run + "." + name + ".";
        String logsOut = prefix + "log-aggregates";
        String metricsOut = prefix + "metric-aggregates";

        List<ConfigOverride> o = new ArrayList<>();
        set(o, "kafka.bootstrap_servers", bootstrap);
        set(o, "kafka.group_id", "bench-" + run + "-" + name);
        set(o, "kafka.starting_offsets", "earliest");
        set(o, "delivery", a.get("delivery"));
        set(o, "checkpoint.state_backend", a.get("state-backend"));
        set(o, "checkpoint.interval", a.getOrDefault("checkpoint-interval", "10s"));
        set(
                o,
                "checkpoint.dir",
                Path.of(a.get("checkpoint-dir")).toAbsolutePath().toUri().toString());
        set(o, "parallelism", a.getOrDefault("parallelism", "2"));
        set(o, "pipelines.app-logs.topic", a.getOrDefault("logs-topic", "bench.logs"));
        set(o, "pipelines.app-metrics.topic", a.getOrDefault("metrics-topic", "bench.metrics"));
        set(o, "pipelines.app-logs.output_topic", logsOut);
        set(o, "pipelines.app-metrics.output_topic", metricsOut);
        set(o, "dead_letter_topic", prefix + "dead-letter");
        set(o, "late_events_topic", prefix + "late-events");
        set(o, "alerts.topic", prefix + "alerts");
        set(o, "alerts.control_topic", prefix + "rules");
        set(o, "alerts.status_topic", prefix + "rule-status");
        // More overrides, "path=value;path=value" (e.g. pipelines.*.patterns.mining=false).
        for (String kv : a.getOrDefault("set", "").split(";")) {
            int eq = kv.indexOf('=');
            if (eq > 0) {
                set(o, kv.substring(0, eq).strip(), kv.substring(eq + 1).strip());
            }
        }
        LoadedJob job = LoadedJob.load(Path.of(a.get("config")), o);
        StreamwatchConfig config = job.config();

        Properties adminProps = new Properties();
        adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(adminProps)) {
            List<NewTopic> topics = new ArrayList<>();
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

        Watcher uncommitted =
                new Watcher(bootstrap, "read_uncommitted", List.of(logsOut, metricsOut));
        Watcher committed = new Watcher(bootstrap, "read_committed", List.of(logsOut, metricsOut));
        uncommitted.start();
        committed.start();

        long submitNanos = System.nanoTime();
        Configuration conf = StreamwatchJob.flinkConfiguration(config);
        // The managed memory (RocksDB's block cache and write buffers) of the TaskManager that
        // flink-conf/config.yaml describes (1728m process: 1280m Flink memory, 0.4 of it managed),
        // not the 128m a MiniCluster takes by default.
        conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.parse("512m"));
        String restPort = a.get("rest-port");
        if (restPort != null) {
            // The MiniCluster's REST endpoint, for the checkpoint statistics.
            conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
            conf.set(RestOptions.ADDRESS, "127.0.0.1");
            conf.set(RestOptions.PORT, Integer.parseInt(restPort));
            conf.set(WebOptions.CHECKPOINTS_HISTORY_SIZE, 10_000);
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        new StreamwatchJob(
                        config,
                        job.rules(),
                        KafkaSources.of(config),
                        (topic, sinkName) -> KafkaSinks.forTopic(config, topic, sinkName))
                .build(env);
        JobClient client = env.executeAsync("Streamwatch benchmark " + name);
        failureReport =
                new FailureReport(
                        out,
                        name,
                        restPort == null ? null : "http://127.0.0.1:" + restPort,
                        client);
        long deadline = submitNanos + timeoutNanos;
        while (client.getJobStatus().get(10, TimeUnit.SECONDS) != JobStatus.RUNNING) {
            check(deadline, "the job is not RUNNING");
            Thread.sleep(20);
        }
        Measure m = Measure.start(name).exclude(uncommitted, committed);
        double warmup = Double.parseDouble(a.getOrDefault("warmup", "0"));
        Progress progress =
                new Progress(
                        Set.of(
                                a.getOrDefault("logs-topic", "bench.logs"),
                                a.getOrDefault("metrics-topic", "bench.metrics")));
        long warmupRecords = (long) Math.ceil(warmup * records);
        long progressCheckedAt = 0;
        long progressPrintedAt = System.nanoTime();
        if (warmupRecords == 0) {
            m.mark(0);
        }
        double startup = (System.nanoTime() - submitNanos) / 1e9;
        long statusCheckedAt = System.nanoTime();
        while (uncommitted.count.get() < expected) {
            check(deadline, "written aggregates " + uncommitted.count.get() + " of " + expected);
            // The job's status is an RPC through the MiniCluster's actor system: asked every 10
            // ms, it cost about a CPU second per million records, counted against the job.
            if (System.nanoTime() - statusCheckedAt > TimeUnit.SECONDS.toNanos(1)) {
                JobStatus status = client.getJobStatus().get(10, TimeUnit.SECONDS);
                if (status.isGloballyTerminalState()) {
                    throw new IllegalStateException("the job ended: " + status);
                }
                statusCheckedAt = System.nanoTime();
            }
            if (!m.marked() && System.nanoTime() - progressCheckedAt > 50_000_000L) {
                long consumed = progress.consumed();
                if (consumed >= warmupRecords) {
                    m.mark(consumed);
                }
                progressCheckedAt = System.nanoTime();
            }
            if (System.nanoTime() - progressPrintedAt > 5_000_000_000L) {
                m.progress(progress.consumed());
                progressPrintedAt = System.nanoTime();
            }
            Thread.sleep(10);
        }
        long doneNanos = System.nanoTime();
        m.stop();
        while (committed.count.get() < expected) {
            check(deadline, "committed aggregates " + committed.count.get() + " of " + expected);
            Thread.sleep(10);
        }
        double commitWait = (System.nanoTime() - doneNanos) / 1e9;
        String checkpoints =
                restPort == null
                        ? ""
                        : ","
                                + CheckpointStats.fetch(
                                        "http://127.0.0.1:" + restPort,
                                        client.getJobID().toString());
        client.cancel().get(60, TimeUnit.SECONDS);
        uncommitted.stopped = true;
        committed.stopped = true;
        committed.join(10_000);

        long duplicates =
                writeAggregates(
                        committedOutput(bootstrap, List.of(logsOut, metricsOut)),
                        out.resolve(name + ".tsv"));
        m.finish(
                out,
                records,
                String.format(
                        Locale.ROOT,
                        "\"job_startup_s\":%.3f,\"commit_wait_s\":%.3f,\"aggregates\":%d,"
                                + "\"duplicates\":%d,\"delivery\":\"%s\",\"state_backend\":\"%s\","
                                + "\"checkpoint_interval\":\"%s\"%s",
                        startup,
                        commitWait,
                        committed.count.get(),
                        duplicates,
                        a.get("delivery"),
                        a.get("state-backend"),
                        a.getOrDefault("checkpoint-interval", "10s"),
                        checkpoints));
        System.exit(0);
    }

    private static void set(List<ConfigOverride> o, String path, String value) {
        o.add(new ConfigOverride(path, value, "benchmark " + path));
    }

    /** Where a run that does not finish leaves its JSON, set once the job is submitted. */
    private static FailureReport failureReport;

    private record FailureReport(Path out, String name, String restBase, JobClient client) {}

    private static void check(long deadline, String what) throws Exception {
        if (System.nanoTime() > deadline) {
            System.err.println("TIMEOUT: " + what);
            FailureReport f = failureReport;
            if (f != null) {
                // The run did not finish: say so, with the checkpoint figures that explain why.
                String checkpoints =
                        f.restBase() == null
                                ? ""
                                : ","
                                        + CheckpointStats.fetch(
                                                f.restBase(), f.client().getJobID().toString());
                String json =
                        String.format(
                                Locale.ROOT,
                                "{\"name\":\"%s\",\"failed\":\"timeout: %s\"%s}%n",
                                f.name(),
                                what,
                                checkpoints);
                Files.createDirectories(f.out());
                Files.writeString(f.out().resolve(f.name() + ".json"), json);
                System.out.print(json);
            }
            System.exit(3);
        }
    }

    /**
     * Writes the aggregates in the format of {@code expected.tsv}, and their further fields (mean,
     * quantiles, error ratio, top patterns), where they have them, in that of {@code
     * expected-extra.tsv} to {@code <file minus .tsv>.extra.tsv}; returns the repeated keys.
     *
     * <p>Rows are written as they are read, in the topics' order (the report reads them into a map
     * by key). Holding them to sort them took more than the 2 GB heap at 60M records (5M
     * aggregates). Repeated keys are counted from a 64-bit hash of each key: two different keys
     * share one with a probability of about n²/2^65, 10^-6 at 5M aggregates.
     */
    static long writeAggregates(Iterable<byte[]> values, Path file) throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        String name = file.getFileName().toString().replaceFirst("\\.tsv$", "");
        Path extraFile = file.resolveSibling(name + ".extra.tsv");
        long[] keyHashes = new long[1 << 16];
        int keys = 0;
        boolean anyExtra = false;
        try (PrintWriter rows = new PrintWriter(Files.newBufferedWriter(file));
                PrintWriter extra = new PrintWriter(Files.newBufferedWriter(extraFile))) {
            for (byte[] v : values) {
                JsonNode n = mapper.readTree(v);
                long window = Instant.parse(n.get("window_start").asText()).toEpochMilli();
                JsonNode group = n.get("group");
                String service = group.path("service").asText();
                if (service.equals(BenchData.SENTINEL)) {
                    continue;
                }
                String key;
                String row;
                if ("log_aggregate".equals(n.get("type").asText())) {
                    key = "L\t" + window + "\t" + service;
                    long[] agg = new long[BenchData.Levels.NAMES.length + 1];
                    agg[0] = n.get("total").asLong();
                    n.get("levels")
                            .fields()
                            .forEachRemaining(
                                    e ->
                                            agg[1 + BenchData.Levels.index(e.getKey())] =
                                                    e.getValue().asLong());
                    row = key + "\t" + BenchData.Levels.format(agg);
                    if (n.has("error_ratio")) {
                        com.fasterxml.jackson.databind.node.ArrayNode top =
                                mapper.createArrayNode();
                        for (JsonNode p : n.path("top_patterns")) {
                            top.addArray()
                                    .add(p.path("pattern").asText())
                                    .add(p.path("count").asLong())
                                    .add(p.path("example").asText());
                        }
                        anyExtra = true;
                        extra.println(
                                "E\t"
                                        + key.substring(2)
                                        + "\t"
                                        + n.get("error_ratio").asDouble()
                                        + "\t"
                                        + mapper.writeValueAsString(top));
                    }
                } else {
                    key =
                            "M\t"
                                    + window
                                    + "\t"
                                    + n.get("name").asText()
                                    + "|"
                                    + service
                                    + "|"
                                    + group.path("host").asText();
                    row =
                            key
                                    + "\t"
                                    + n.get("count").asLong()
                                    + "\t"
                                    + n.get("sum").asDouble()
                                    + "\t"
                                    + n.get("min").asDouble()
                                    + "\t"
                                    + n.get("max").asDouble();
                    if (n.has("p50")) {
                        StringBuilder q = new StringBuilder("Q\t").append(key.substring(2));
                        for (String f : List.of("mean", "p50", "p90", "p95", "p99")) {
                            q.append('\t').append(n.get(f).asDouble());
                        }
                        anyExtra = true;
                        extra.println(q);
                    }
                }
                rows.println(row);
                if (keys == keyHashes.length) {
                    keyHashes = Arrays.copyOf(keyHashes, keys * 2);
                }
                keyHashes[keys++] = hash64(key);
            }
        }
        if (!anyExtra) {
            Files.delete(extraFile);
        }
        Arrays.sort(keyHashes, 0, keys);
        long duplicates = 0;
        for (int i = 1; i < keys; i++) {
            if (keyHashes[i] == keyHashes[i - 1]) {
                duplicates++;
            }
        }
        return duplicates;
    }

    /** FNV-1a over the key's chars, 64 bits. */
    private static long hash64(String key) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < key.length(); i++) {
            h = (h ^ key.charAt(i)) * 0x100000001b3L;
        }
        return h;
    }

    /**
     * The committed values of {@code topics} (one partition each), read from the beginning to the
     * end once the job is gone. Read after the run rather than kept by the watcher during it: kept,
     * they were a live set on the job's own heap that grew by every aggregate (570 MB at 10M
     * records, more than the 2 GB heap at 30M), which the job's garbage collector paid for.
     */
    static Iterable<byte[]> committedOutput(String bootstrap, List<String> topics) {
        return () -> {
            KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap, "read_committed");
            List<TopicPartition> tps = new ArrayList<>();
            for (String t : topics) {
                tps.add(new TopicPartition(t, 0));
            }
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            Map<TopicPartition, Long> end = consumer.endOffsets(tps);
            return new Iterator<byte[]>() {
                private Iterator<ConsumerRecord<byte[], byte[]>> batch =
                        Collections.emptyIterator();

                @Override
                public boolean hasNext() {
                    while (!batch.hasNext()) {
                        if (tps.stream().allMatch(tp -> consumer.position(tp) >= end.get(tp))) {
                            consumer.close(Duration.ofSeconds(1));
                            return false;
                        }
                        batch = consumer.poll(Duration.ofMillis(200)).iterator();
                    }
                    return true;
                }

                @Override
                public byte[] next() {
                    if (!hasNext()) {
                        throw new NoSuchElementException();
                    }
                    return batch.next().value();
                }
            };
        };
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String bootstrap, String isolation) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return new KafkaConsumer<>(p);
    }

    /** Reads the aggregate topics from the beginning, counting their records. */
    static final class Watcher extends Thread {
        final AtomicLong count = new AtomicLong();
        volatile boolean stopped;
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final List<String> topics;

        Watcher(String bootstrap, String isolation, List<String> topics) {
            super("bench-watcher-" + isolation);
            setDaemon(true);
            this.consumer = consumer(bootstrap, isolation);
            this.topics = topics;
        }

        @Override
        public void run() {
            List<TopicPartition> tps = new ArrayList<>();
            for (String t : topics) {
                tps.add(new TopicPartition(t, 0));
            }
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            Map<String, Long> perTopic = new HashMap<>();
            try {
                while (!stopped) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(50))) {
                        perTopic.merge(r.topic(), 1L, Long::sum);
                        count.incrementAndGet();
                    }
                }
            } finally {
                consumer.close(Duration.ofSeconds(1));
            }
        }
    }
}
