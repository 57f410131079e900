package io.streamwatch.aggregation;

import io.streamwatch.functions.PipelineMetrics;
import io.streamwatch.records.GroupKey;
import io.streamwatch.records.MetricAggregate;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/**
 * Turns a window's {@link MetricAccumulator} into the metric aggregate record: adds the metric
 * name, group fields, window bounds and pipeline, and reads the quantiles off the sketch.
 */
public class MetricWindowFunction
        extends ProcessWindowFunction<MetricAccumulator, MetricAggregate, String, TimeWindow> {
    private static final long serialVersionUID = 1L;

    /**
     * The quantiles of a metric aggregate, in the order {@link MetricAccumulator#quantiles} wants.
     */
    private static final double[] QUANTILES = {0.50, 0.90, 0.95, 0.99};

    private final String pipeline;
    private final List<String> groupBy;
    private transient Counter aggregatesOut;

    public MetricWindowFunction(String pipeline, List<String> groupBy) {
        this.pipeline = pipeline;
        this.groupBy = List.copyOf(groupBy);
    }

    @Override
    public void open(OpenContext openContext) {
        aggregatesOut =
                PipelineMetrics.group(getRuntimeContext().getMetricGroup(), pipeline)
                        .counter("aggregatesOut");
    }

    @Override
    public void process(
            String key,
            Context context,
            Iterable<MetricAccumulator> accumulators,
            Collector<MetricAggregate> out) {
        out.collect(toAggregate(key, context.window(), accumulators.iterator().next()));
        if (aggregatesOut != null) {
            aggregatesOut.inc();
        }
    }

    MetricAggregate toAggregate(String key, TimeWindow window, MetricAccumulator acc) {
        MetricAggregate a = new MetricAggregate();
        a.pipeline = pipeline;
        a.key = key;
        // Split once: the name is the first value, the group the others.
        List<String> values = GroupKey.split(key);
        a.name = values.get(0);
        a.group = GroupKey.toMap(groupBy, values, 1);
        a.windowStart = window.getStart();
        a.windowEnd = window.getEnd();
        a.count = acc.getCount();
        a.sum = acc.getSum();
        a.min = acc.getMin();
        a.max = acc.getMax();
        a.mean = acc.getCount() == 0 ? 0.0 : acc.getSum() / acc.getCount();
        double[] q = acc.quantiles(QUANTILES);
        a.p50 = q[0];
        a.p90 = q[1];
        a.p95 = q[2];
        a.p99 = q[3];
        return a;
    }
}
