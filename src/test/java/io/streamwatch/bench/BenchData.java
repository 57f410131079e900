package io.streamwatch.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamwatch.tools.SampleRecords;
import io.streamwatch.tools.SampleRecords.Sample;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Generates the benchmark's data set and loads it once into two input topics of two partitions
 * each: realistic log events and metric points in the SPEC's default format (made by {@link
 * SampleRecords}, no incidents, no bad records), keyed by host, with the Kafka timestamp equal to
 * the event time. The event time advances at {@code --rate} records per minute.
 *
 * <p>After the data, every partition gets one sentinel record the data's span plus 30 minutes after
 * the last event (beyond the Kafka Streams contender's grace, the span plus 20 minutes), so an
 * event-time job closes every window of the data. The sentinels end about an hour before now (a
 * broker rejects timestamps more than an hour ahead). The exact aggregates of the data (per window:
 * count and count per level per service; count, sum, min and max per metric name, service and host)
 * go to {@code expected.tsv}, the reference every contender is checked against; {@code
 * expected-extra.tsv} adds the mean and the exact lower quantiles p50/p90/p95/p99 per metric key
 * and window and the error ratio per log key and window, and {@code errors.tsv} holds every
 * ERROR/FATAL message (window, service, the message as a JSON string), from which the report
 * recomputes top patterns.
 *
 * <p>Arguments: {@code --bootstrap HOST:PORT --records N --keys K --rate R --out DIR --logs-topic T
 * --metrics-topic T --metrics-only B}. {@code K} is the number of hosts, ten per service: the log
 * pipeline has K/10 keys, the metric pipeline 5K (five metric names per host). With {@code
 * --metrics-only true} all N records are metric points (the key-scaling runs, where the metric keys
 * are what grows).
 */
public final class BenchData {
    /** Service and metric name of the sentinel records; contenders leave them out. */
    public static final String SENTINEL = "zz-bench-sentinel";

    private BenchData() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> a = Args.parse(args);
        String bootstrap = a.get("bootstrap");
        long records = Long.parseLong(a.getOrDefault("records", "1000000"));
        int keys = Integer.parseInt(a.getOrDefault("keys", "1000"));
        long rate = Long.parseLong(a.getOrDefault("rate", "60000"));
        Path out = Path.of(a.get("out"));
        String logsTopic = a.getOrDefault("logs-topic", "bench.logs");
        String metricsTopic = a.getOrDefault("metrics-topic", "bench.metrics");
        boolean metricsOnly = Boolean.parseBoolean(a.getOrDefault("metrics-only", "false"));
        Files.createDirectories(out);

        int hostsPerService = Math.min(10, keys);
        int serviceCount = Math.max(1, keys / hostsPerService);
        List<String> services = new ArrayList<>();
        String[] known = {"checkout", "payments", "search", "inventory"};
        for (int i = 0; i < serviceCount; i++) {
            services.add(i < known.length ? known[i] : String.format("service-%04d", i));
        }
        SampleRecords samples = new SampleRecords(services, hostsPerService, List.of(), 42L);

        // The event-time span of the data, ending an hour before now.
        long spanMillis = records * 60_000L / rate;
        long start = (System.currentTimeMillis() - 2 * spanMillis - 5_400_000L) / 60_000L * 60_000L;

        Properties admin = new Properties();
        admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin client = Admin.create(admin)) {
            client.createTopics(
                            List.of(
                                    new NewTopic(logsTopic, 2, (short) 1),
                                    new NewTopic(metricsTopic, 2, (short) 1)))
                    .all()
                    .get(60, TimeUnit.SECONDS);
        }

        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, "262144");
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
        p.put(ProducerConfig.ACKS_CONFIG, "all");

        ObjectMapper mapper = new ObjectMapper();
        Map<String, long[]> logs = new TreeMap<>(); // window|service -> total, per level
        Map<String, double[]> metrics =
                new TreeMap<>(); // window|name|service|host -> n, sum, min, max
        // Every value of a metric key's window, for the exact quantiles.
        Map<String, Values> metricValues = new HashMap<>();
        // The ERROR/FATAL messages, for the check of a contender's top patterns.
        PrintWriter errors = new PrintWriter(Files.newBufferedWriter(out.resolve("errors.tsv")));
        long logCount = 0;
        long metricCount = 0;
        long bytes = 0;
        long last = start;
        long t0 = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            long produced = 0;
            while (produced < records) {
                long now = start + produced * 60_000L / rate + SampleRecordsJitter.MAX;
                Sample s = samples.next(now);
                if (s == null || (metricsOnly && s.stream() == SampleRecords.Stream.LOGS)) {
                    continue;
                }
                JsonNode node = mapper.readTree(s.value());
                long ts;
                if (s.stream() == SampleRecords.Stream.LOGS) {
                    ts = Instant.parse(node.get("timestamp").asText()).toEpochMilli();
                    String k = window(ts) + "\t" + node.get("service").asText();
                    long[] agg = logs.computeIfAbsent(k, x -> new long[Levels.NAMES.length + 1]);
                    agg[0]++;
                    String level = node.get("level").asText();
                    agg[1 + Levels.index(level)]++;
                    if (level.equals("ERROR") || level.equals("FATAL")) {
                        errors.println(k + "\t" + node.get("message").toString());
                    }
                    logCount++;
                } else {
                    ts = node.get("timestamp").asLong();
                    double v = node.get("value").asDouble();
                    String k =
                            window(ts)
                                    + "\t"
                                    + node.get("name").asText()
                                    + "|"
                                    + node.get("service").asText()
                                    + "|"
                                    + node.get("host").asText();
                    double[] agg =
                            metrics.computeIfAbsent(
                                    k,
                                    x -> new double[] {0, 0, Double.MAX_VALUE, -Double.MAX_VALUE});
                    agg[0]++;
                    agg[1] += v;
                    agg[2] = Math.min(agg[2], v);
                    agg[3] = Math.max(agg[3], v);
                    metricValues.computeIfAbsent(k, x -> new Values()).add(v);
                    metricCount++;
                }
                last = Math.max(last, ts);
                bytes += s.value().length;
                String topic = s.stream() == SampleRecords.Stream.LOGS ? logsTopic : metricsTopic;
                producer.send(
                        new ProducerRecord<>(
                                topic,
                                null,
                                ts,
                                s.key().getBytes(StandardCharsets.UTF_8),
                                s.value()));
                produced++;
            }
            producer.flush();
            long sentinelTs = last + (last - start) + 1_800_000L;
            for (int partition = 0; partition < 2; partition++) {
                String log =
                        String.format(
                                "{\"timestamp\":\"%s\",\"service\":\"%s\",\"host\":\"%s\","
                                        + "\"level\":\"INFO\",\"message\":\"end of the benchmark"
                                        + " data\"}",
                                Instant.ofEpochMilli(sentinelTs), SENTINEL, SENTINEL);
                String metric =
                        String.format(
                                "{\"timestamp\":%d,\"name\":\"%s\",\"value\":0,\"service\":\"%s\","
                                        + "\"host\":\"%s\"}",
                                sentinelTs, SENTINEL, SENTINEL, SENTINEL);
                producer.send(
                        new ProducerRecord<>(logsTopic, partition, sentinelTs, null, utf8(log)));
                producer.send(
                        new ProducerRecord<>(
                                metricsTopic, partition, sentinelTs, null, utf8(metric)));
            }
            producer.flush();
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        errors.close();

        // The fields beyond expected.tsv's: per metric key and window the mean and the exact
        // lower quantiles (rank floor(q * (count - 1)), the job's definition); per log key and
        // window the error ratio.
        try (PrintWriter w =
                new PrintWriter(Files.newBufferedWriter(out.resolve("expected-extra.tsv")))) {
            metrics.forEach(
                    (k, v) -> {
                        double[] sorted = metricValues.get(k).sorted();
                        StringBuilder sb = new StringBuilder("Q\t").append(k);
                        sb.append('\t').append(v[1] / v[0]);
                        for (double q : new double[] {0.5, 0.9, 0.95, 0.99}) {
                            sb.append('\t').append(sorted[(int) (q * (sorted.length - 1))]);
                        }
                        w.println(sb);
                    });
            logs.forEach(
                    (k, v) -> {
                        long errorsOf = v[1 + Levels.index("ERROR")] + v[1 + Levels.index("FATAL")];
                        w.println("E\t" + k + "\t" + (v[0] == 0 ? 0.0 : (double) errorsOf / v[0]));
                    });
        }

        try (PrintWriter w =
                new PrintWriter(Files.newBufferedWriter(out.resolve("expected.tsv")))) {
            logs.forEach((k, v) -> w.println("L\t" + k + "\t" + Levels.format(v)));
            metrics.forEach(
                    (k, v) ->
                            w.println(
                                    "M\t"
                                            + k
                                            + "\t"
                                            + (long) v[0]
                                            + "\t"
                                            + v[1]
                                            + "\t"
                                            + v[2]
                                            + "\t"
                                            + v[3]));
        }
        long logKeys =
                logs.keySet().stream()
                        .map(k -> k.substring(k.indexOf('\t') + 1))
                        .distinct()
                        .count();
        long metricKeys =
                metrics.keySet().stream()
                        .map(k -> k.substring(k.indexOf('\t') + 1))
                        .distinct()
                        .count();
        String meta =
                String.format(
                        "{\"records\":%d,\"log_records\":%d,\"metric_records\":%d,\"bytes\":%d,"
                                + "\"avg_bytes\":%.1f,\"keys\":%d,\"services\":%d,\"log_keys\":%d,"
                                + "\"metric_keys\":%d,\"log_aggregates\":%d,"
                                + "\"metric_aggregates\":%d,\"rate_per_minute\":%d,"
                                + "\"event_minutes\":%d,\"sentinels\":4,\"load_seconds\":%.1f}%n",
                        records,
                        logCount,
                        metricCount,
                        bytes,
                        bytes / (double) records,
                        keys,
                        serviceCount,
                        logKeys,
                        metricKeys,
                        logs.size(),
                        metrics.size(),
                        rate,
                        (last - start) / 60_000L + 1,
                        secs);
        Files.writeString(out.resolve("data.json"), meta);
        System.out.print(meta);
    }

    /** A growable list of doubles. */
    private static final class Values {
        private double[] v = new double[8];
        private int n;

        void add(double x) {
            if (n == v.length) {
                v = Arrays.copyOf(v, n * 2);
            }
            v[n++] = x;
        }

        double[] sorted() {
            double[] s = Arrays.copyOf(v, n);
            Arrays.sort(s);
            return s;
        }
    }

    static long window(long ts) {
        return Math.floorDiv(ts, 60_000L) * 60_000L;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** SampleRecords subtracts up to two seconds of jitter from the time it is given. */
    private static final class SampleRecordsJitter {
        static final long MAX = 2_000;
    }

    /** The levels in the order of the aggregate columns. */
    static final class Levels {
        static final String[] NAMES = {"TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"};

        static int index(String level) {
            for (int i = 0; i < NAMES.length; i++) {
                if (NAMES[i].equals(level)) {
                    return i;
                }
            }
            throw new IllegalArgumentException(level);
        }

        /** total, then NAME=count for the non-zero levels, comma separated. */
        static String format(long[] agg) {
            StringBuilder sb = new StringBuilder().append(agg[0]).append('\t');
            String sep = "";
            for (int i = 0; i < NAMES.length; i++) {
                if (agg[i + 1] > 0) {
                    sb.append(sep).append(NAMES[i]).append('=').append(agg[i + 1]);
                    sep = ",";
                }
            }
            return sb.toString();
        }

        private Levels() {}
    }

    static final class Args {
        static Map<String, String> parse(String[] args) {
            Map<String, String> m = new TreeMap<>();
            for (int i = 0; i + 1 < args.length; i += 2) {
                if (!args[i].startsWith("--")) {
                    throw new IllegalArgumentException("expected --name value, got " + args[i]);
                }
                m.put(args[i].substring(2), args[i + 1]);
            }
            return m;
        }

        private Args() {}
    }
}
