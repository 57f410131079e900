package io.streamwatch.sinks;

import io.streamwatch.records.KafkaMessage;
import io.streamwatch.records.MetricAggregate;
import org.apache.flink.api.common.functions.MapFunction;

/** Writes a metric aggregate in the SPEC's "Metric aggregate" shape, keyed by group and window. */
public class MetricAggregateEncoder implements MapFunction<MetricAggregate, KafkaMessage> {
    private static final long serialVersionUID = 1L;

    @Override
    public KafkaMessage map(MetricAggregate a) {
        byte[] value =
                JsonOutput.object(
                        g -> {
                            g.writeStringField("type", "metric_aggregate");
                            g.writeStringField("pipeline", a.pipeline);
                            g.writeStringField("name", a.name);
                            JsonOutput.stringMap(g, "group", a.group);
                            JsonOutput.time(g, "window_start", a.windowStart);
                            JsonOutput.time(g, "window_end", a.windowEnd);
                            g.writeNumberField("count", a.count);
                            g.writeNumberField("sum", a.sum);
                            g.writeNumberField("min", a.min);
                            g.writeNumberField("max", a.max);
                            g.writeNumberField("mean", a.mean);
                            g.writeNumberField("p50", a.p50);
                            g.writeNumberField("p90", a.p90);
                            g.writeNumberField("p95", a.p95);
                            g.writeNumberField("p99", a.p99);
                        });
        return new KafkaMessage(
                JsonOutput.aggregateKey(a.pipeline, a.name, a.group, a.windowStart), value);
    }
}
