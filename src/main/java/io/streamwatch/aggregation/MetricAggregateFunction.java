package io.streamwatch.aggregation;

import io.streamwatch.records.MetricPoint;
import io.streamwatch.records.OtelPoint;
import org.apache.flink.api.common.functions.AggregateFunction;

/**
 * The incremental half of the metric window: folds each {@link MetricPoint} into the key's {@link
 * MetricAccumulator} as it arrives, so a window holds a sketch per key rather than its samples.
 *
 * <p>{@link #getResult} returns the accumulator itself, not a copy: the window function that
 * follows reads its figures and must not modify it (with heap state it is the state object).
 */
public final class MetricAggregateFunction
        implements AggregateFunction<MetricPoint, MetricAccumulator, MetricAccumulator> {

    private static final long serialVersionUID = 1L;

    @Override
    public MetricAccumulator createAccumulator() {
        return new MetricAccumulator();
    }

    @Override
    public MetricAccumulator add(MetricPoint point, MetricAccumulator acc) {
        if (point.values == null) {
            if (point instanceof OtelPoint o && o.isDistribution()) {
                DistributionFold.fold(o, acc);
            } else {
                acc.add(point.value);
            }
        } else {
            for (double v : point.values) {
                acc.add(v);
            }
        }
        return acc;
    }

    @Override
    public MetricAccumulator getResult(MetricAccumulator acc) {
        return acc;
    }

    /** Merges into {@code a}, which Flink allows and which saves a copy. */
    @Override
    public MetricAccumulator merge(MetricAccumulator a, MetricAccumulator b) {
        return a.merge(b);
    }
}
