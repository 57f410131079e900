package io.streamwatch.bench;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import io.streamwatch.cli.LoadedJob;
import io.streamwatch.config.PipelineConfig;
import io.streamwatch.config.PipelineKind;
import io.streamwatch.config.StreamwatchConfig;
import io.streamwatch.formats.RecordDecoder;
import io.streamwatch.formats.RecordOrigin;
import io.streamwatch.records.Decoded;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The floor: a plain {@code KafkaConsumer} reading every partition of both input topics from the
 * beginning to the end offsets taken at start, and ({@code --parse true}) the same with each value
 * bound by Jackson to a log or metric record type. One consumer, one thread, no group.
 *
 * <p>With {@code --decode CONFIG} each value goes through Streamwatch's own {@link RecordDecoder}
 * (the pipelines of that configuration file) instead: the job's parsing cost alone, without Flink,
 * beside the floor's.
 *
 * <p>Arguments: {@code --bootstrap --logs-topic --metrics-topic --parse true|false --decode CONFIG
 * --name --out --warmup F}: the steady span starts once the share {@code F} of the input has been
 * consumed (see {@link Measure}).
 */
public final class BenchConsume {
    private BenchConsume() {}

    /** A log event as the SPEC's default format writes it. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record LogLine(
            String timestamp,
            String service,
            String host,
            String level,
            String message,
            String logger,
            @JsonProperty("trace_id") String traceId) {}

    /** A metric point as the SPEC's default format writes it. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record MetricLine(
            long timestamp,
            String name,
            double value,
            String service,
            String host,
            Map<String, String> tags) {}

    public static void main(String[] args) throws Exception {
        Map<String, String> a = BenchData.Args.parse(args);
        boolean parse = Boolean.parseBoolean(a.getOrDefault("parse", "false"));
        String logsTopic = a.getOrDefault("logs-topic", "bench.logs");
        String metricsTopic = a.getOrDefault("metrics-topic", "bench.metrics");
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, a.get("bootstrap"));
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, "4194304");
        ObjectMapper mapper = new ObjectMapper();
        ObjectReader logReader = mapper.readerFor(LogLine.class);
        ObjectReader metricReader = mapper.readerFor(MetricLine.class);
        RecordDecoder logDecoder = null;
        RecordDecoder metricDecoder = null;
        if (a.containsKey("decode")) {
            StreamwatchConfig config = LoadedJob.load(Path.of(a.get("decode")), List.of()).config();
            for (PipelineConfig pc : config.pipelines()) {
                RecordDecoder d = RecordDecoder.standalone(pc, config.limits());
                if (pc.kind() == PipelineKind.LOGS) {
                    logDecoder = d;
                } else {
                    metricDecoder = d;
                }
            }
        }
        RecordOrigin origin = new RecordOrigin();

        double warmup = Double.parseDouble(a.getOrDefault("warmup", "0"));
        Measure m = Measure.start(a.getOrDefault("name", parse ? "java-parse" : "java-consume"));
        long records = 0;
        long bytes = 0;
        long checksum = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : List.of(logsTopic, metricsTopic)) {
                for (PartitionInfo info : consumer.partitionsFor(topic)) {
                    partitions.add(new TopicPartition(topic, info.partition()));
                }
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions));
            end.values().removeIf(offset -> offset == 0L);
            long total = end.values().stream().mapToLong(Long::longValue).sum();
            long warmupRecords = (long) Math.ceil(warmup * total);
            if (warmupRecords == 0) {
                m.mark(0);
            }
            long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
            while (!end.isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("not at the end after 30 minutes: " + end);
                }
                ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(500));
                for (ConsumerRecord<byte[], byte[]> r : batch) {
                    records++;
                    bytes += r.value().length;
                    if (logDecoder != null) {
                        RecordDecoder d = r.topic().equals(logsTopic) ? logDecoder : metricDecoder;
                        origin.set(r.topic(), r.partition(), r.offset(), r.timestamp());
                        for (Decoded decoded : d.decodeAll(r.value(), origin)) {
                            checksum += decoded.deadLetter == null ? 1 : 1_000_000;
                        }
                    } else if (parse) {
                        if (r.topic().equals(logsTopic)) {
                            LogLine l = logReader.readValue(r.value());
                            checksum += l.level().length() + l.service().length();
                        } else {
                            MetricLine mp = metricReader.readValue(r.value());
                            checksum += (long) mp.value() + mp.name().length();
                        }
                    }
                }
                if (!m.marked() && records >= warmupRecords) {
                    m.mark(records);
                }
                for (TopicPartition tp : batch.partitions()) {
                    if (consumer.position(tp) >= end.get(tp)) {
                        end.remove(tp);
                        consumer.pause(List.of(tp));
                    }
                }
            }
        }
        m.finish(
                Path.of(a.get("out")), records, "\"bytes\":" + bytes + ",\"checksum\":" + checksum);
    }
}
