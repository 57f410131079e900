package io.streamwatch.alerts;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The figures of one key's last windows that a rule with {@code over} merges: per window its start
 * and a few numbers that combine exactly across windows (sums, minima, maxima), newest span only,
 * and when the key was first seen (a span is evaluated only once the key has been watched for all
 * of it). Kept in keyed state as bytes ({@link #write}), one entry per rule and key; a window
 * without data takes no room, so a sparse key keeps little.
 *
 * <p>Layout (big-endian): format byte, figures per window {@code k} (byte), {@code over} in ms
 * (long), first window start (long), window count (int), then per window, oldest first, its start
 * (long) and {@code k} doubles: {@code 22 + n × (8 + 8k)} bytes for {@code n} windows.
 *
 * <p>Mutable and reused: one instance per rule, read and written for each aggregate, so its arrays
 * are allocated once.
 */
final class SpanWindows {
    static final byte FORMAT = 1;

    /** Bytes before the windows. */
    static final int HEADER = 22;

    /** How windows' figures combine. */
    enum Merge {
        SUM,
        MIN,
        MAX
    }

    private final long over;
    private final Merge[] merges;
    private final int k;
    private final long[] starts;
    private final double[] figures;
    private int n;
    private long firstStart;

    /**
     * @param over the span in ms
     * @param capacity the most windows a span holds ({@code over / window size})
     * @param merges how each figure combines, one per figure
     */
    SpanWindows(long over, int capacity, Merge... merges) {
        this.over = over;
        this.merges = merges.clone();
        this.k = merges.length;
        this.starts = new long[capacity];
        this.figures = new double[capacity * k];
    }

    /** Loads a key's stored windows; none (a new key, or a span of other settings) for null. */
    void read(byte[] stored) {
        n = 0;
        firstStart = Long.MIN_VALUE;
        if (stored == null || stored.length < HEADER) {
            return;
        }
        ByteBuffer b = ByteBuffer.wrap(stored);
        if (b.get() != FORMAT || b.get() != k) {
            return;
        }
        long storedOver = b.getLong();
        long first = b.getLong();
        int count = b.getInt();
        // A longer span before (the rule changed): its oldest windows are past this one's.
        int skip = Math.max(0, count - starts.length);
        b.position(b.position() + skip * (8 + 8 * k));
        for (int i = skip; i < count; i++) {
            starts[n] = b.getLong();
            for (int j = 0; j < k; j++) {
                figures[n * k + j] = b.getDouble();
            }
            n++;
        }
        // A span of another length (the rule changed): its windows still count, but the key
        // has been watched only since the oldest of them as far as this span knows.
        firstStart = storedOver == over || n == 0 ? first : Math.max(first, starts[0]);
    }

    byte[] write() {
        ByteBuffer b = ByteBuffer.allocate(HEADER + n * (8 + 8 * k));
        b.put(FORMAT).put((byte) k).putLong(over).putLong(firstStart).putInt(n);
        for (int i = 0; i < n; i++) {
            b.putLong(starts[i]);
            for (int j = 0; j < k; j++) {
                b.putDouble(figures[i * k + j]);
            }
        }
        return b.array();
    }

    /**
     * Records the figures of the window {@code [start, end)} (a later aggregate of the same window
     * replaces its earlier one) and drops the windows that left the newest span. False when the
     * window itself lies before the newest span: a late update that no span evaluated now holds.
     */
    boolean add(long start, long end, double[] windowFigures) {
        if (firstStart == Long.MIN_VALUE || start < firstStart) {
            firstStart = start;
        }
        long newestEnd = n == 0 ? end : Math.max(end, starts[n - 1] + (end - start));
        long from = newestEnd - over;
        // Drop what left the span (oldest first).
        int drop = 0;
        while (drop < n && starts[drop] < from) {
            drop++;
        }
        if (drop > 0) {
            System.arraycopy(starts, drop, starts, 0, n - drop);
            System.arraycopy(figures, drop * k, figures, 0, (n - drop) * k);
            n -= drop;
        }
        if (start < from) {
            return false;
        }
        int at = Arrays.binarySearch(starts, 0, n, start);
        if (at < 0) {
            at = -at - 1;
            if (n == starts.length) {
                // Only windows not aligned to the pipeline's could get here; keep the newest.
                return false;
            }
            System.arraycopy(starts, at, starts, at + 1, n - at);
            System.arraycopy(figures, at * k, figures, (at + 1) * k, (n - at) * k);
            n++;
            starts[at] = start;
        }
        System.arraycopy(windowFigures, 0, figures, at * k, k);
        return true;
    }

    /** The start of the key's first window this span has seen. */
    long firstStart() {
        return firstStart;
    }

    /** Windows held. */
    int size() {
        return n;
    }

    /**
     * Merges the windows starting in {@code [from, to)} into {@code out} (one value per figure);
     * returns how many there were.
     */
    int merge(long from, long to, double[] out) {
        for (int j = 0; j < k; j++) {
            out[j] =
                    switch (merges[j]) {
                        case SUM -> 0;
                        case MIN -> Double.POSITIVE_INFINITY;
                        case MAX -> Double.NEGATIVE_INFINITY;
                    };
        }
        int merged = 0;
        for (int i = 0; i < n; i++) {
            if (starts[i] < from || starts[i] >= to) {
                continue;
            }
            merged++;
            for (int j = 0; j < k; j++) {
                double x = figures[i * k + j];
                switch (merges[j]) {
                    case SUM -> out[j] += x;
                    case MIN -> out[j] = Math.min(out[j], x);
                    case MAX -> out[j] = Math.max(out[j], x);
                }
            }
        }
        return merged;
    }
}
