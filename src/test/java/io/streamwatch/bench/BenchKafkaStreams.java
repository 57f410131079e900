package io.streamwatch.bench;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.EmitStrategy;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.kstream.Windowed;

/**
 * The Kafka Streams contender: the same 1-minute aggregates as the Python consumer (per service:
 * total and count per level; per metric name, service and host: count, sum, min, max) with {@code
 * exactly_once_v2}, RocksDB window stores, the data's span + 20 min grace and final results only
 * ({@code EmitStrategy.onWindowClose()}: the window store emits a window once it closes; {@code
 * suppress} would hold every window of that grace on the heap, which at 60M records is millions and
 * slowed the peer to a crawl), two stream threads. Event time is the record timestamp, which the
 * loader set to the event time. Output records use Streamwatch's field names so the same watchers
 * check them.
 *
 * <p>Arguments: {@code --bootstrap --name --run --expected N --records N --state-dir --out --warmup
 * F} (the steady span as in {@link BenchStreamwatch}).
 */
public final class BenchKafkaStreams {
    private BenchKafkaStreams() {}

    /** Only the fields the aggregates need. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Fields(String service, String host, String level, String name, double value) {}

    public static void main(String[] args) throws Exception {
        Map<String, String> a = BenchData.Args.parse(args);
        String bootstrap = a.get("bootstrap");
        String name = a.get("name");
        String run = a.get("run");
        long expected = Long.parseLong(a.get("expected"));
        long records = Long.parseLong(a.get("records"));
        Path out = Path.of(a.get("out"));
        String prefix = "bench." + run + "." + name + ".";
        String logsOut = prefix + "log-aggregates";
        String metricsOut = prefix + "metric-aggregates";
        Properties adminProps = new Properties();
        adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(adminProps)) {
            admin.createTopics(
                            List.of(
                                    new NewTopic(logsOut, 1, (short) 1),
                                    new NewTopic(metricsOut, 1, (short) 1)))
                    .all()
                    .get(60, TimeUnit.SECONDS);
        }
        ObjectReader reader = new ObjectMapper().readerFor(Fields.class);
        Serde<String> strings = Serdes.String();
        Serde<byte[]> bytes = Serdes.ByteArray();
        Serde<double[]> doubles = new DoublesSerde();
        Duration size = Duration.ofMinutes(1);
        // Much more than Streamwatch's 5 s: the two input tasks feed one repartition topic and
        // can drift apart by many minutes of event time (with 2 minutes, 290k records were
        // dropped as late; with 20 minutes, on 167 minutes of data, enough to lose whole windows
        // and wait for them until the deadline). So the data's whole span (--event-minutes) plus
        // 20 minutes: windows close at the sentinels, which BenchData puts the span plus 30
        // minutes after the data.
        Duration grace =
                Duration.ofMinutes(Long.parseLong(a.getOrDefault("event-minutes", "0")) + 20);

        StreamsBuilder b = new StreamsBuilder();
        b.stream("bench.logs", Consumed.with(bytes, bytes))
                .flatMap(
                        (k, v) -> {
                            Fields f = read(reader, v);
                            return keyed(f.service(), new double[] {levelIndex(f.level())});
                        })
                .groupByKey(Grouped.with(strings, doubles))
                .windowedBy(TimeWindows.ofSizeAndGrace(size, grace))
                .emitStrategy(EmitStrategy.onWindowClose())
                .aggregate(
                        () -> new double[BenchData.Levels.NAMES.length + 1],
                        (k, v, agg) -> {
                            agg[0]++;
                            agg[1 + (int) v[0]]++;
                            return agg;
                        },
                        Materialized.with(strings, doubles))
                .toStream()
                .map((w, agg) -> KeyValue.pair(w.key(), logJson(w, agg)))
                .to(logsOut, Produced.with(strings, strings));
        b.stream("bench.metrics", Consumed.with(bytes, bytes))
                .flatMap(
                        (k, v) -> {
                            Fields f = read(reader, v);
                            return keyed(
                                    f.name() + "|" + f.service() + "|" + f.host(),
                                    new double[] {f.value()});
                        })
                .groupByKey(Grouped.with(strings, doubles))
                .windowedBy(TimeWindows.ofSizeAndGrace(size, grace))
                .emitStrategy(EmitStrategy.onWindowClose())
                .aggregate(
                        () -> new double[] {0, 0, Double.MAX_VALUE, -Double.MAX_VALUE},
                        (k, v, agg) -> {
                            agg[0]++;
                            agg[1] += v[0];
                            agg[2] = Math.min(agg[2], v[0]);
                            agg[3] = Math.max(agg[3], v[0]);
                            return agg;
                        },
                        Materialized.with(strings, doubles))
                .toStream()
                .map((w, agg) -> KeyValue.pair(w.key(), metricJson(w, agg)))
                .to(metricsOut, Produced.with(strings, strings));

        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "bench-" + run + "-" + name);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 2);
        // Emit-on-close checks for closed windows at most once a second by default (an internal
        // setting): the sentinels, the input's last records, would then close nothing.
        p.put("__emit.interval.ms.kstreams.windowed.aggregation__", 0L);
        p.put(StreamsConfig.STATE_DIR_CONFIG, a.get("state-dir"));
        p.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
        // Streamwatch's transaction timeout (kafka.transaction_timeout in jobs-config), not
        // Kafka Streams' 10 s for exactly-once: a commit that stalled that long on the shared
        // machine had the coordinator abort the transaction and fence the producers, and the run
        // never recovered (fenced again at every attempt, 45M of 60M records in).
        p.put(
                StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG),
                (int) Duration.ofMinutes(10).toMillis());

        BenchStreamwatch.Watcher uncommitted =
                new BenchStreamwatch.Watcher(
                        bootstrap, "read_uncommitted", List.of(logsOut, metricsOut));
        BenchStreamwatch.Watcher committed =
                new BenchStreamwatch.Watcher(
                        bootstrap, "read_committed", List.of(logsOut, metricsOut));
        uncommitted.start();
        committed.start();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(20);
        KafkaStreams streams = new KafkaStreams(b.build(), p);
        long submit = System.nanoTime();
        streams.start();
        while (streams.state() != KafkaStreams.State.RUNNING) {
            check(deadline, "not RUNNING: " + streams.state());
            Thread.sleep(20);
        }
        Measure m = Measure.start(name).exclude(uncommitted, committed);
        double warmup = Double.parseDouble(a.getOrDefault("warmup", "0"));
        Progress progress = new Progress(Set.of("bench.logs", "bench.metrics"));
        long warmupRecords = (long) Math.ceil(warmup * records);
        long progressCheckedAt = 0;
        long progressPrintedAt = System.nanoTime();
        if (warmupRecords == 0) {
            m.mark(0);
        }
        double startup = (System.nanoTime() - submit) / 1e9;
        while (uncommitted.count.get() < expected) {
            check(deadline, "written aggregates " + uncommitted.count.get() + " of " + expected);
            if (streams.state() == KafkaStreams.State.ERROR) {
                throw new IllegalStateException("Kafka Streams failed");
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
        long done = System.nanoTime();
        m.stop();
        while (committed.count.get() < expected) {
            check(deadline, "committed aggregates " + committed.count.get() + " of " + expected);
            Thread.sleep(10);
        }
        double commitWait = (System.nanoTime() - done) / 1e9;
        uncommitted.stopped = true;
        committed.stopped = true;
        committed.join(10_000);
        long duplicates =
                BenchStreamwatch.writeAggregates(
                        BenchStreamwatch.committedOutput(bootstrap, List.of(logsOut, metricsOut)),
                        out.resolve(name + ".tsv"));
        m.finish(
                out,
                records,
                String.format(
                        Locale.ROOT,
                        "\"job_startup_s\":%.3f,\"commit_wait_s\":%.3f,\"aggregates\":%d,"
                                + "\"duplicates\":%d",
                        startup,
                        commitWait,
                        committed.count.get(),
                        duplicates));
        streams.close(Duration.ofSeconds(20));
        System.exit(0);
    }

    private static void check(long deadline, String what) {
        if (System.nanoTime() > deadline) {
            System.err.println("TIMEOUT: " + what);
            System.exit(3);
        }
    }

    private static Fields read(ObjectReader reader, byte[] value) {
        try {
            return reader.readValue(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // Sentinels seen per pipeline ("logs", "metrics"), over both input tasks of this JVM.
    private static final Map<String, java.util.concurrent.atomic.AtomicInteger> SENTINELS =
            new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * The record under its new key. The two input partitions are two tasks that race each other
     * into the repartition topic, whose stream time is the highest timestamp it has seen: one
     * task's sentinel would expire the windows the other task still has data for. So the first
     * sentinel of a pipeline is dropped, and the second (its task's last record, the other task
     * being done) goes out under 16 keys, so every repartitioned partition passes the data. A
     * sentinel seen again (its transaction aborted and replayed, e.g. after the repartition
     * producer's OUT_OF_ORDER_SEQUENCE_NUMBER) goes out again: with {@code == 2} a replay left
     * every window open and the run waiting until its deadline.
     */
    private static List<KeyValue<String, double[]>> keyed(String key, double[] value) {
        if (!key.startsWith(BenchData.SENTINEL)) {
            return List.of(KeyValue.pair(key, value));
        }
        String pipeline = key.equals(BenchData.SENTINEL) ? "logs" : "metrics";
        int seen =
                SENTINELS
                        .computeIfAbsent(
                                pipeline, p -> new java.util.concurrent.atomic.AtomicInteger())
                        .incrementAndGet();
        List<KeyValue<String, double[]>> out = new java.util.ArrayList<>();
        for (int i = 0; seen >= 2 && i < 16; i++) {
            out.add(KeyValue.pair(key + "-" + i, value));
        }
        return out;
    }

    private static int levelIndex(String level) {
        return BenchData.Levels.index(level);
    }

    private static String logJson(Windowed<String> w, double[] agg) {
        StringBuilder sb =
                new StringBuilder("{\"type\":\"log_aggregate\",\"group\":{\"service\":\"")
                        .append(w.key())
                        .append("\"},\"window_start\":\"")
                        .append(Instant.ofEpochMilli(w.window().start()))
                        .append("\",\"total\":")
                        .append((long) agg[0])
                        .append(",\"levels\":{");
        String sep = "";
        for (int i = 0; i < BenchData.Levels.NAMES.length; i++) {
            if (agg[i + 1] > 0) {
                sb.append(sep)
                        .append('"')
                        .append(BenchData.Levels.NAMES[i])
                        .append("\":")
                        .append((long) agg[i + 1]);
                sep = ",";
            }
        }
        return sb.append("}}").toString();
    }

    private static String metricJson(Windowed<String> w, double[] agg) {
        String[] k = w.key().split("\\|", 3);
        return String.format(
                Locale.ROOT,
                "{\"type\":\"metric_aggregate\",\"name\":\"%s\",\"group\":{\"service\":\"%s\","
                        + "\"host\":\"%s\"},\"window_start\":\"%s\",\"count\":%d,\"sum\":%s,"
                        + "\"min\":%s,\"max\":%s}",
                k[0],
                k[1],
                k[2],
                Instant.ofEpochMilli(w.window().start()),
                (long) agg[0],
                Double.toString(agg[1]),
                Double.toString(agg[2]),
                Double.toString(agg[3]));
    }

    /** double[] as its length and the values, big-endian. */
    static final class DoublesSerde implements Serde<double[]> {
        @Override
        public org.apache.kafka.common.serialization.Serializer<double[]> serializer() {
            return (topic, v) -> {
                if (v == null) {
                    return null;
                }
                ByteBuffer buf = ByteBuffer.allocate(8 * v.length);
                for (double d : v) {
                    buf.putDouble(d);
                }
                return buf.array();
            };
        }

        @Override
        public org.apache.kafka.common.serialization.Deserializer<double[]> deserializer() {
            return (topic, data) -> {
                if (data == null) {
                    return null;
                }
                ByteBuffer buf = ByteBuffer.wrap(data);
                double[] v = new double[data.length / 8];
                for (int i = 0; i < v.length; i++) {
                    v[i] = buf.getDouble();
                }
                return v;
            };
        }
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
