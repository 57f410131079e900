package io.streamwatch.formats;

import io.streamwatch.functions.PipelineMetrics;
import io.streamwatch.records.RejectReason;
import java.util.EnumMap;
import java.util.Map;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

/**
 * The input metrics of one pipeline: records in, records rejected by reason, and event-time lag
 * (wall clock minus the newest event time read), registered under {@code
 * streamwatch.pipeline.<name>}.
 */
final class DecoderMetrics {
    private final Counter recordsIn;
    private final Map<RejectReason, Counter> rejected = new EnumMap<>(RejectReason.class);
    private volatile long newestEventTime = Long.MIN_VALUE;

    DecoderMetrics(MetricGroup parent, String pipeline) {
        MetricGroup group = PipelineMetrics.group(parent, pipeline);
        recordsIn = group.counter("recordsIn");
        for (RejectReason r : RejectReason.values()) {
            rejected.put(r, group.addGroup("reason", r.code()).counter("recordsRejected"));
        }
        group.gauge(
                "eventTimeLagMs",
                () ->
                        newestEventTime == Long.MIN_VALUE
                                ? 0L
                                : System.currentTimeMillis() - newestEventTime);
    }

    void recordIn() {
        recordsIn.inc();
    }

    void rejected(RejectReason reason) {
        rejected.get(reason).inc();
    }

    void eventTime(long ts) {
        if (ts > newestEventTime) {
            newestEventTime = ts;
        }
    }
}
