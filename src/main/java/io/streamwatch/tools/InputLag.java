package io.streamwatch.tools;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The playground tail's progress figures: how fast records arrive on the job's input topics and how
 * far the job's consumer group is behind them. A Flink Kafka source commits its offsets to the
 * group when a checkpoint completes, so the lag includes up to one checkpoint interval of records;
 * a lag that keeps growing means the job does not keep up. Reads metadata only, never records.
 */
final class InputLag implements AutoCloseable {
    private static final long TIMEOUT_MS = 3_000;

    private final Admin admin;
    private final String group;
    private final List<String> topics;
    private long lastEnd = -1;
    private long lastAt;

    InputLag(String bootstrapServers, String group, List<String> topics) {
        this.admin =
                Admin.create(
                        Map.of(
                                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                                bootstrapServers,
                                AdminClientConfig.CLIENT_ID_CONFIG,
                                "streamwatch-tail-lag"));
        this.group = group;
        this.topics = List.copyOf(topics);
    }

    /** "; input 812.3 rec/s, lag 4021" or a short reason why it is not known (yet). */
    String status() {
        try {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            Map<String, TopicDescription> described =
                    admin.describeTopics(topics)
                            .allTopicNames()
                            .get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
            described.values().stream()
                    .flatMap(
                            d ->
                                    d.partitions().stream()
                                            .map(p -> new TopicPartition(d.name(), p.partition())))
                    .forEach(tp -> latest.put(tp, OffsetSpec.latest()));
            Map<TopicPartition, ListOffsetsResultInfo> ends =
                    admin.listOffsets(latest).all().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
            Map<TopicPartition, OffsetAndMetadata> committed =
                    admin.listConsumerGroupOffsets(group)
                            .partitionsToOffsetAndMetadata()
                            .get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
            long end = 0;
            long lag = 0;
            for (Map.Entry<TopicPartition, ListOffsetsResultInfo> e : ends.entrySet()) {
                long partitionEnd = e.getValue().offset();
                OffsetAndMetadata c = committed.get(e.getKey());
                end += partitionEnd;
                lag += partitionEnd - (c == null ? 0 : c.offset());
            }
            long now = System.nanoTime();
            String rate =
                    lastEnd < 0
                            ? ""
                            : String.format(
                                    "input %.1f rec/s, ", (end - lastEnd) / ((now - lastAt) / 1e9));
            lastEnd = end;
            lastAt = now;
            return "; " + rate + (committed.isEmpty() ? "no offsets committed yet" : "lag " + lag);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "; lag unknown";
        } catch (Exception e) {
            return "; lag unknown (" + e.getClass().getSimpleName() + ")";
        }
    }

    @Override
    public void close() {
        admin.close();
    }
}
