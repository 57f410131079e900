package io.streamwatch.operators;

import io.streamwatch.records.GroupKey;
import io.streamwatch.records.MetricPoint;
import io.streamwatch.records.OtelPoint;
import java.time.Duration;
import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Turns the running totals of the {@code otel} format (cumulative monotonic sums, cumulative
 * histograms, summaries' count and sum) into what happened between two points of a series, so that
 * a window adds up what happened in it: the SDKs' default temporality is cumulative, and a window
 * that added the totals themselves (1000 then 1060) would report 2060 instead of 60. Keyed by
 * {@link OtelPoint#series} (metric name, type, unit and every attribute); only otel pipelines have
 * this operator, and only their cumulative points reach it.
 *
 * <p>Rules, after the Collector's {@code cumulativetodelta} processor (with {@code initial_value:
 * auto}), in event time:
 *
 * <ul>
 *   <li>A series' points are handled in event-time order: each waits in state for the watermark, so
 *       points of one series read from several Kafka partitions (the Collector's exporter spreads a
 *       batch over partitions) or behind a backlog still pair with their true predecessor. The
 *       delta keeps its point's event time and is sent before the watermark that passes it, so it
 *       is never late for the window. A point that comes after the watermark has passed it is
 *       handled at once, if it is newer than the series' last point; an older point or a duplicate
 *       is dropped: the delta of the point after it already holds its increment.
 *   <li>Delta = this point minus the previous one: value, count, sum, and every bucket count.
 *       Histogram buckets may change layout only by merging (an exponential histogram's scale goes
 *       down): the old buckets are added up into the new ones. A delta's min and max are the
 *       point's when they moved (a new max was observed in between); otherwise unknown, and the
 *       buckets, clamped to the series' min and max, stand in for them.
 *   <li>A reset starts the series afresh: its start time ({@code startTimeUnixNano}) changed, or a
 *       total went down (a monotonic sum's value, a histogram's count or a bucket, a bucket layout
 *       that does not contain the old one). The point then counts whole (its totals are its delta)
 *       only if its start time lies at or after the previous point, so all it holds happened since;
 *       otherwise (a total that fell with the same start time, as the Collector does) it counts
 *       nothing and the next point is measured from it.
 *   <li>The first point of a series counts whole only if its start time lies at or after the
 *       operator's epoch (the watermark when it first handled a point, kept in checkpoints) and
 *       before its own time: the Collector's {@code auto} rule, with the processor's start replaced
 *       by event time. So a series that began while the job was watching counts from its start, and
 *       one that began before (its total holds days the job never saw) counts from its second point
 *       on.
 * </ul>
 *
 * <p>State: per series the last point, and the points waiting for the watermark (both as {@link
 * OtelPoint}, a POJO); a series not seen for {@link #SERIES_TTL} (processing time) is forgotten and
 * starts again as a first point. Everything is in checkpoints, so a restored job goes on with the
 * same deltas.
 */
public class CumulativeToDelta extends KeyedProcessFunction<String, OtelPoint, MetricPoint>
        implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;

    /** How long a series that sends nothing keeps its state. */
    public static final Duration SERIES_TTL = Duration.ofDays(7);

    private static final long NANOS_PER_MILLI = 1_000_000L;

    private transient ValueState<OtelPoint> last;
    private transient MapState<Long, OtelPoint> waiting;
    private transient ListState<Long> epochState;

    /** Event time (ms) from which a new series' start counts as seen; MIN_VALUE until set. */
    private transient long epoch;

    @Override
    public void open(OpenContext openContext) {
        StateTtlConfig ttl =
                StateTtlConfig.newBuilder(SERIES_TTL)
                        .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                        .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                        .build();
        ValueStateDescriptor<OtelPoint> lastDescriptor =
                new ValueStateDescriptor<>("last", TypeInformation.of(OtelPoint.class));
        lastDescriptor.enableTimeToLive(ttl);
        last = getRuntimeContext().getState(lastDescriptor);
        MapStateDescriptor<Long, OtelPoint> waitingDescriptor =
                new MapStateDescriptor<>(
                        "waiting", Types.LONG, TypeInformation.of(OtelPoint.class));
        waiting = getRuntimeContext().getMapState(waitingDescriptor);
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        epochState =
                context.getOperatorStateStore()
                        .getUnionListState(new ListStateDescriptor<>("epoch", Types.LONG));
        epoch = Long.MIN_VALUE;
        for (Long e : epochState.get()) {
            // After a rescale every task gets every epoch: the earliest is when watching began.
            epoch = epoch == Long.MIN_VALUE ? e : Math.min(epoch, e);
        }
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        epochState.clear();
        if (epoch != Long.MIN_VALUE) {
            epochState.add(epoch);
        }
    }

    @Override
    public void processElement(OtelPoint point, Context ctx, Collector<MetricPoint> out)
            throws Exception {
        long watermark = ctx.timerService().currentWatermark();
        if (point.timestamp <= watermark) {
            // Too late to be put in order; handled now (or dropped if older than the last).
            handle(point, watermark, out);
            return;
        }
        OtelPoint held = waiting.get(point.timestamp);
        if (held == null || point.timeNanos > held.timeNanos) {
            // A copy: the received object is not ours to keep (object reuse).
            waiting.put(point.timestamp, copy(point));
        }
        ctx.timerService().registerEventTimeTimer(point.timestamp);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<MetricPoint> out)
            throws Exception {
        OtelPoint point = waiting.get(timestamp);
        if (point != null) {
            waiting.remove(timestamp);
            handle(point, ctx.timerService().currentWatermark(), out);
        }
    }

    private void handle(OtelPoint point, long watermark, Collector<MetricPoint> out)
            throws Exception {
        if (epoch == Long.MIN_VALUE) {
            epoch = watermark;
        }
        OtelPoint previous = last.value();
        if (previous != null && point.timeNanos <= previous.timeNanos) {
            return; // older than the last point, or the same again: already counted
        }
        // A copy: a point handled at once is the received object, not ours to keep.
        last.update(copy(point));
        if (previous == null) {
            long start = point.startTimeNanos;
            if (start != 0 && start >= epochNanos() && start < point.timeNanos) {
                emitWhole(point, out);
            }
            return;
        }
        boolean restarted =
                point.startTimeNanos != 0
                        && previous.startTimeNanos != 0
                        && point.startTimeNanos != previous.startTimeNanos;
        if (!restarted) {
            MetricPoint delta = delta(point, previous);
            if (delta != null) {
                emit(delta, point, out);
                return;
            }
        }
        // A reset: the point counts whole only if all it holds happened after the previous one.
        if (point.startTimeNanos != 0 && point.startTimeNanos >= previous.timeNanos) {
            emitWhole(point, out);
        }
    }

    private long epochNanos() {
        if (epoch <= Long.MIN_VALUE / NANOS_PER_MILLI) {
            return Long.MIN_VALUE;
        }
        return epoch >= Long.MAX_VALUE / NANOS_PER_MILLI ? Long.MAX_VALUE : epoch * NANOS_PER_MILLI;
    }

    /** The point's totals as its delta: everything since its start time. */
    private void emitWhole(OtelPoint point, Collector<MetricPoint> out) {
        if (point.kind == OtelPoint.SUM) {
            emit(scalar(point, point.value), point, out);
        } else {
            OtelPoint whole = copy(point);
            whole.series = null;
            emit(whole, point, out);
        }
    }

    /** {@code point} minus {@code previous}; null when a total went down (a reset). */
    @VisibleForTesting
    static MetricPoint delta(OtelPoint point, OtelPoint previous) {
        if (point.kind != previous.kind) {
            return null;
        }
        if (point.kind == OtelPoint.SUM) {
            double d = point.value - previous.value;
            return d < 0 ? null : scalar(point, d);
        }
        long count = point.count - previous.count;
        if (count < 0) {
            return null;
        }
        OtelPoint d = copy(point);
        d.series = null;
        d.count = count;
        d.sum =
                Double.isNaN(point.sum) || Double.isNaN(previous.sum)
                        ? Double.NaN
                        : point.sum - previous.sum;
        if (point.kind == OtelPoint.SUMMARY) {
            // Quantiles are of some recent period already: they are taken as they are.
            return d;
        }
        // The series' min and max bound every observation since its start; a delta's own are
        // known only when they moved.
        d.min = point.min < previous.min ? point.min : Double.NaN;
        d.max = point.max > previous.max ? point.max : Double.NaN;
        if (!subtractBuckets(d, point, previous)) {
            return null;
        }
        return d;
    }

    /**
     * Sets the buckets of {@code d} to those of {@code point} less those of {@code previous}, each
     * old bucket taken from the new bucket that contains it; false when one is contained in none,
     * or a count would go below zero.
     */
    private static boolean subtractBuckets(OtelPoint d, OtelPoint point, OtelPoint previous) {
        int n = point.counts.length;
        long[] taken = new long[n];
        int i = 0;
        for (int j = 0; j < previous.counts.length; j++) {
            while (i < n && point.upper[i] < previous.upper[j]) {
                i++;
            }
            if (i == n || point.lower[i] > previous.lower[j]) {
                return false;
            }
            taken[i] += previous.counts[j];
        }
        int used = 0;
        for (int k = 0; k < n; k++) {
            long c = point.counts[k] - taken[k];
            if (c < 0) {
                return false;
            }
            used += c > 0 ? 1 : 0;
        }
        double[] lower = new double[used];
        double[] upper = new double[used];
        long[] counts = new long[used];
        int k = 0;
        for (int m = 0; m < n; m++) {
            long c = point.counts[m] - taken[m];
            if (c > 0) {
                lower[k] = point.lower[m];
                upper[k] = point.upper[m];
                counts[k++] = c;
            }
        }
        if (used > 0) {
            // The series' min and max bound the interval's observations too.
            if (!Double.isNaN(point.min)) {
                lower[0] = Math.max(lower[0], Math.min(point.min, upper[0]));
            }
            if (!Double.isNaN(point.max)) {
                upper[used - 1] = Math.min(upper[used - 1], Math.max(point.max, lower[used - 1]));
            }
        }
        d.lower = lower;
        d.upper = upper;
        d.counts = counts;
        return true;
    }

    private static MetricPoint scalar(OtelPoint point, double value) {
        return new MetricPoint(point.key, point.name, point.timestamp, value).withOriginOf(point);
    }

    /**
     * Sends a delta: a sum as it is; a distribution (if it saw anything) with its {@code
     * <name>.count} and {@code <name>.sum}, which the decoder sends for delta distributions too.
     */
    private static void emit(MetricPoint delta, OtelPoint point, Collector<MetricPoint> out) {
        if (!(delta instanceof OtelPoint d)) {
            out.collect(delta);
            return;
        }
        if (d.count > 0) {
            d.value = Double.isNaN(d.sum) ? 0 : d.sum / d.count;
            out.collect(d);
        }
        out.collect(companion(point, ".count", d.count));
        if (!Double.isNaN(d.sum)) {
            out.collect(companion(point, ".sum", d.sum));
        }
    }

    private static MetricPoint companion(OtelPoint point, String suffix, double value) {
        String name = point.name + suffix;
        return new MetricPoint(GroupKey.withFirst(point.key, name), name, point.timestamp, value)
                .withOriginOf(point);
    }

    /** A copy of the fields (arrays are shared: nothing writes into them once made). */
    static OtelPoint copy(OtelPoint p) {
        OtelPoint c = new OtelPoint();
        c.key = p.key;
        c.name = p.name;
        c.timestamp = p.timestamp;
        c.value = p.value;
        c.withOriginOf(p);
        c.kind = p.kind;
        c.series = p.series;
        c.startTimeNanos = p.startTimeNanos;
        c.timeNanos = p.timeNanos;
        c.count = p.count;
        c.sum = p.sum;
        c.min = p.min;
        c.max = p.max;
        c.lower = p.lower;
        c.upper = p.upper;
        c.counts = p.counts;
        c.quantiles = p.quantiles;
        c.quantileValues = p.quantileValues;
        return c;
    }
}
