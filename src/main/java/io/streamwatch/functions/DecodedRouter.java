package io.streamwatch.functions;

import io.streamwatch.records.DeadLetter;
import io.streamwatch.records.Decoded;
import io.streamwatch.records.LogEvent;
import io.streamwatch.records.MetricPoint;
import io.streamwatch.records.OtelPoint;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Splits what the source decoded: events go on to their windows, dead letters to the {@link
 * #DEAD_LETTERS} side output. Chained to the source, so it costs no network hop.
 */
public abstract class DecodedRouter<T> extends ProcessFunction<Decoded, T> {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("dead-letters", TypeInformation.of(DeadLetter.class));

    @Override
    public void processElement(Decoded d, Context ctx, Collector<T> out) {
        if (d.deadLetter != null) {
            ctx.output(DEAD_LETTERS, d.deadLetter);
            return;
        }
        T event = event(d);
        if (event != null) {
            out.collect(event);
        }
    }

    /** The event of this pipeline's kind, or null. */
    protected abstract T event(Decoded d);

    /** Routes log events. */
    public static class Logs extends DecodedRouter<LogEvent> {
        private static final long serialVersionUID = 1L;

        @Override
        protected LogEvent event(Decoded d) {
            return d.log;
        }
    }

    /** Routes metric points. */
    public static class Metrics extends DecodedRouter<MetricPoint> {
        private static final long serialVersionUID = 1L;

        @Override
        protected MetricPoint event(Decoded d) {
            return d.metric;
        }
    }

    /**
     * Routes the metric points of the {@code otel} format: cumulative ones (running totals, {@link
     * OtelPoint#series} set) to the {@link #CUMULATIVE} side output, which turns them into deltas
     * per series, the others on. Only otel pipelines have this router, so the others pay nothing
     * for the check.
     */
    public static class OtelMetrics extends Metrics {
        private static final long serialVersionUID = 1L;

        public static final OutputTag<OtelPoint> CUMULATIVE =
                new OutputTag<>("cumulative", TypeInformation.of(OtelPoint.class));

        @Override
        public void processElement(Decoded d, Context ctx, Collector<MetricPoint> out) {
            if (d.metric instanceof OtelPoint o && o.series != null) {
                ctx.output(CUMULATIVE, o);
                return;
            }
            super.processElement(d, ctx, out);
        }
    }
}
