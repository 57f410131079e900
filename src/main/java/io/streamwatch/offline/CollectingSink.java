package io.streamwatch.offline;

import io.streamwatch.records.KafkaMessage;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * A sink for offline runs (rule tests, backtests) in a local MiniCluster: it keeps what the job
 * writes in memory of this JVM, per run and topic, instead of writing to Kafka.
 */
public class CollectingSink implements Sink<KafkaMessage> {
    private static final long serialVersionUID = 1L;
    private static final Map<String, Queue<KafkaMessage>> COLLECTED = new ConcurrentHashMap<>();
    private static final Map<String, AtomicLong> COUNTED = new ConcurrentHashMap<>();

    private final String id;
    private final boolean keep;

    /**
     * @param keep whether to keep the records, or only count them (a long backtest's aggregates
     *     would not fit in memory)
     */
    public CollectingSink(String run, String topic, boolean keep) {
        this.id = run + "/" + topic;
        this.keep = keep;
    }

    /** How many records a run wrote to a topic, and forgets it. */
    public static long count(String run, String topic) {
        AtomicLong n = COUNTED.remove(run + "/" + topic);
        return n == null ? 0 : n.get();
    }

    /** What a run wrote to a topic, and forgets it. */
    public static List<KafkaMessage> take(String run, String topic) {
        Queue<KafkaMessage> q = COLLECTED.remove(run + "/" + topic);
        return q == null ? List.of() : List.copyOf(q);
    }

    @Override
    public SinkWriter<KafkaMessage> createWriter(WriterInitContext context) {
        Queue<KafkaMessage> queue =
                COLLECTED.computeIfAbsent(id, k -> new ConcurrentLinkedQueue<>());
        AtomicLong counter = COUNTED.computeIfAbsent(id, k -> new AtomicLong());
        return new SinkWriter<>() {
            @Override
            public void write(KafkaMessage m, Context ctx) {
                counter.incrementAndGet();
                if (keep) {
                    queue.add(m);
                }
            }

            @Override
            public void flush(boolean endOfInput) {}

            @Override
            public void close() {}
        };
    }
}
