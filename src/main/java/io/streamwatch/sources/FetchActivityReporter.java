package io.streamwatch.sources;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.DoubleSupplier;
import org.apache.flink.metrics.MetricGroup;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.metrics.KafkaMetric;
import org.apache.kafka.common.metrics.MetricsReporter;

/**
 * A Kafka metrics reporter, set on every pipeline source's consumer ({@code metric.reporters}),
 * that reports nothing anywhere: it hands the consumer's fetch metrics to the watermark idleness of
 * the same source subtask, through a registry by client id ({@code <client.id.prefix>-<subtask>},
 * as Flink's Kafka source names its consumers). Kafka offers no other way to see, from outside the
 * consumer, whether fetches are being answered.
 */
public final class FetchActivityReporter implements MetricsReporter {
    private static final Map<String, FetchActivity> BY_CLIENT_ID = new ConcurrentHashMap<>();

    private String clientId;
    private final FetchActivity activity = new FetchActivity();

    /** The fetch activity of the consumer with this client id in this JVM, or null. */
    public static FetchActivity of(String clientId) {
        return BY_CLIENT_ID.get(clientId);
    }

    /**
     * The count of answered fetches of the consumer of the source subtask whose metrics are {@code
     * group}, NaN while it cannot be read (no such consumer in this JVM).
     */
    public static DoubleSupplier fetchesAnswered(String clientIdPrefix, MetricGroup group) {
        String subtask = group.getAllVariables().get("<subtask_index>");
        if (subtask == null) {
            return () -> Double.NaN;
        }
        String clientId = clientIdPrefix + "-" + subtask;
        return () -> {
            FetchActivity a = BY_CLIENT_ID.get(clientId);
            return a == null ? Double.NaN : a.fetchesAnswered();
        };
    }

    @Override
    public void configure(Map<String, ?> configs) {
        Object id = configs.get(CommonClientConfigs.CLIENT_ID_CONFIG);
        if (id != null) {
            clientId = id.toString();
            BY_CLIENT_ID.put(clientId, activity);
        }
    }

    @Override
    public void init(List<KafkaMetric> metrics) {
        metrics.forEach(activity::add);
    }

    @Override
    public void metricChange(KafkaMetric metric) {
        activity.add(metric);
    }

    @Override
    public void metricRemoval(KafkaMetric metric) {
        activity.remove(metric);
    }

    @Override
    public void close() {
        if (clientId != null) {
            BY_CLIENT_ID.remove(clientId, activity);
        }
    }
}
