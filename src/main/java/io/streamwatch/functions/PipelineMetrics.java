package io.streamwatch.functions;

import org.apache.flink.metrics.MetricGroup;

/**
 * Where every per-pipeline metric lives: {@code streamwatch.pipeline.<name>}, a key-value group, so
 * reporters such as Prometheus turn the pipeline into a label. One place, so dashboards can rely on
 * the names.
 */
public final class PipelineMetrics {
    private PipelineMetrics() {}

    public static MetricGroup group(MetricGroup parent, String pipeline) {
        return parent.addGroup("streamwatch").addGroup("pipeline", pipeline);
    }
}
