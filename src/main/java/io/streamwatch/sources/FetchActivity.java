package io.streamwatch.sources;

import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.KafkaMetric;

/**
 * What one Kafka consumer of a source knows about its fetching, read from its own metrics: how many
 * fetch responses the brokers have answered so far. The watermark idleness reads it ({@link
 * FetchAwareIdleness}) to tell a partition without traffic from a broker that cannot be reached, or
 * a consumer that has stopped fetching because the job is backpressured. Filled by {@link
 * FetchActivityReporter} on the consumer's thread, read on the task's.
 */
public final class FetchActivity {
    private static final String GROUP = "consumer-fetch-manager-metrics";

    private volatile KafkaMetric fetchTotal;

    void add(KafkaMetric m) {
        MetricName n = m.metricName();
        if (!GROUP.equals(n.group())) {
            return;
        }
        if ("fetch-total".equals(n.name()) && !n.tags().containsKey("topic")) {
            fetchTotal = m;
        }
    }

    void remove(KafkaMetric m) {
        if (m == fetchTotal) {
            fetchTotal = null;
        }
    }

    /** Fetch responses answered so far; NaN before the consumer has registered its metrics. */
    public double fetchesAnswered() {
        return value(fetchTotal);
    }

    private static double value(KafkaMetric m) {
        if (m == null) {
            return Double.NaN;
        }
        Object v = m.metricValue();
        return v instanceof Number ? ((Number) v).doubleValue() : Double.NaN;
    }
}
