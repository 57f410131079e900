package io.streamwatch.records;

/**
 * A metric point of the {@code otel} format that is more than one value: a histogram or summary
 * point (a distribution of {@link #count} observations), or a cumulative point that must become a
 * delta first ({@link #series} set). A subclass rather than fields of {@link MetricPoint}, so that
 * the points of every other format stay as small and as fast to serialize as before: Flink's POJO
 * serializer writes a subclass's class name with each such record, which only these points pay.
 * Still a flat Flink POJO (public fields, no-argument constructor), never serialized by Kryo.
 *
 * <p>{@link MetricPoint#value} holds the point's mean (for a distribution) or its value (for a
 * sum), so the late-events topic shows something meaningful; the window reads the fields below.
 *
 * <p>Buckets are kept sparse and sorted: only buckets with a count, each with its own lower and
 * upper bound, so explicit-bounds and exponential histograms look alike, and one layout can be
 * compared with another of a coarser scale when cumulative points are turned into deltas.
 */
public class OtelPoint extends MetricPoint {
    private static final long serialVersionUID = 1L;

    /** A monotonic sum: {@link MetricPoint#value} is the running total. */
    public static final byte SUM = 0;

    /**
     * A histogram (explicit bounds or exponential): {@link #lower}, {@link #upper}, {@link
     * #counts}.
     */
    public static final byte HISTOGRAM = 1;

    /** A summary: {@link #quantiles} and {@link #quantileValues}. */
    public static final byte SUMMARY = 2;

    /** {@link #SUM}, {@link #HISTOGRAM} or {@link #SUMMARY}. */
    public byte kind;

    /**
     * The identity of a cumulative series (metric name, type, unit, and every attribute of the
     * point, its scope and its resource, hashed): set while the point is a running total, null once
     * it is a delta (or when it was one to begin with).
     */
    public String series;

    /** {@code startTimeUnixNano}; 0 when the point has none. */
    public long startTimeNanos;

    /** {@code timeUnixNano} (the event time in full precision). */
    public long timeNanos;

    /** How many observations a distribution stands for. */
    public long count;

    /** Their sum; NaN when the point has none (a histogram may leave it out). */
    public double sum = Double.NaN;

    /** The smallest observation; NaN when unknown. */
    public double min = Double.NaN;

    /** The largest observation; NaN when unknown. */
    public double max = Double.NaN;

    /** Lower bounds of the buckets with a count, ascending (exclusive, as in OTLP). */
    public double[] lower;

    /** Upper bounds of those buckets (inclusive); infinite for an open-ended bucket. */
    public double[] upper;

    /** Their counts, all positive. */
    public long[] counts;

    /** A summary's quantiles in [0, 1], ascending. */
    public double[] quantiles;

    /** The values of {@link #quantiles}. */
    public double[] quantileValues;

    public OtelPoint() {}

    /** Whether the point is a distribution (histogram or summary). */
    public boolean isDistribution() {
        return kind != SUM;
    }

    @Override
    public String toString() {
        return "OtelPoint{"
                + key
                + " @"
                + timestamp
                + " "
                + name
                + (kind == SUM ? " total=" + value : " count=" + count + " sum=" + sum)
                + (series != null ? " cumulative" : "")
                + "}";
    }
}
