package io.streamwatch.offline;

import io.streamwatch.records.KafkaMessage;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
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
    private static final Map<String, Set<Long>> KEYS = new ConcurrentHashMap<>();

    private static final byte[] WINDOW_START =
            ",\"window_start\":".getBytes(java.nio.charset.StandardCharsets.UTF_8);

    private final String run;
    private final String id;
    private final boolean keep;
    private final boolean deadLetters;

    /**
     * @param keep whether to keep the records, or only count them (a long backtest's aggregates
     *     would not fit in memory)
     */
    public CollectingSink(String run, String topic, boolean keep) {
        this(run, topic, keep, false);
    }

    /**
     * @param deadLetters whether the topic is the dead-letter topic, whose records are also counted
     *     by reason ({@link DeadLetterReasons})
     */
    public CollectingSink(String run, String topic, boolean keep, boolean deadLetters) {
        this.run = run;
        this.id = run + "/" + topic;
        this.keep = keep;
        this.deadLetters = deadLetters;
    }

    /** How many records a run wrote to a topic, and forgets it. */
    public static long count(String run, String topic) {
        AtomicLong n = COUNTED.remove(run + "/" + topic);
        return n == null ? 0 : n.get();
    }

    /**
     * How many distinct record keys a run wrote to a topic (for aggregates: the groups, with the
     * metric name), and forgets them. Keys are told apart by a 64-bit hash, so a backtest over a
     * million groups holds a million longs, not their texts.
     */
    public static long keys(String run, String topic) {
        // (An aggregate's key names its window too; that part is left out.)
        Set<Long> k = KEYS.remove(run + "/" + topic);
        return k == null ? 0 : k.size();
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
        Set<Long> keys = KEYS.computeIfAbsent(id, k -> ConcurrentHashMap.newKeySet());
        return new SinkWriter<>() {
            @Override
            public void write(KafkaMessage m, Context ctx) {
                counter.incrementAndGet();
                if (m.key != null) {
                    keys.add(hash(m.key));
                }
                if (keep) {
                    queue.add(m);
                }
                if (deadLetters) {
                    DeadLetterReasons.add(run, m.value);
                }
            }

            @Override
            public void flush(boolean endOfInput) {}

            private long hash(byte[] key) {
                // An aggregate's key ends with its window: the group is what comes before it.
                int end = lastIndexOf(key, WINDOW_START);
                long h = 0xcbf29ce484222325L;
                for (int i = 0; i < (end < 0 ? key.length : end); i++) {
                    byte b = key[i];
                    h ^= b & 0xff;
                    h *= 0x100000001b3L;
                }
                return h;
            }

            @Override
            public void close() {}
        };
    }

    private static int lastIndexOf(byte[] a, byte[] b) {
        outer:
        for (int i = a.length - b.length; i >= 0; i--) {
            for (int j = 0; j < b.length; j++) {
                if (a[i + j] != b[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
