package io.streamwatch.sources;

import io.streamwatch.records.Decoded;
import java.time.Duration;
import java.util.function.DoubleSupplier;
import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.util.clock.RelativeClock;

/**
 * Source idleness that never passes data Kafka still holds (SPEC section 6). Flink's own idleness
 * marks a split idle after a time without records, whatever the reason: during a broker outage
 * every partition goes idle, and when the broker is back the first partition to deliver moves the
 * watermark alone and the others' records become late. Here a split goes idle only after a whole
 * idle timeout without records <em>during which its consumer's fetches were answered</em>: while
 * the broker cannot be reached (or the job is backpressured and the consumer has stopped fetching)
 * the split keeps its watermark and holds the others back, as it would with data.
 *
 * <p>A dead letter is not activity: it carries no event time, so a partition that receives only bad
 * records goes idle like a quiet one instead of stalling every window.
 *
 * <p>Where the consumer's fetch count cannot be read (no such consumer in this JVM, e.g. a source
 * that is not Kafka), this is Flink's idleness. Not covered: a partition whose leader alone is
 * unreachable while other brokers answer the same consumer.
 */
public final class FetchAwareIdleness implements WatermarkGenerator<Decoded> {
    private static final long NONE = Long.MIN_VALUE;

    private final WatermarkGenerator<Decoded> watermarks;
    private final long idleNanos;
    private final long stallNanos;
    private final RelativeClock clock;
    private final DoubleSupplier fetchesAnswered;

    /** Events seen, and the count at the last periodic emit: no clock read per record. */
    private long events;

    private long eventsAtLastEmit;
    private long lastActivity;
    private double fetches = Double.NaN;
    private long lastAnswer = NONE;
    private long answeredSince = NONE;
    private boolean idleNow;

    /**
     * @param fetchesAnswered the consumer's count of answered fetches, NaN when it cannot be read
     */
    public FetchAwareIdleness(
            WatermarkGenerator<Decoded> watermarks,
            Duration idleness,
            RelativeClock clock,
            DoubleSupplier fetchesAnswered) {
        this.watermarks = watermarks;
        this.idleNanos = idleness.toNanos();
        this.stallNanos = stallAfter(idleness).toNanos();
        this.clock = clock;
        this.fetchesAnswered = fetchesAnswered;
        this.lastActivity = clock.relativeTimeNanos();
    }

    /**
     * How long without a fetch answer counts as not being answered: a caught-up consumer is
     * answered every {@code fetch.max.wait.ms} (500 ms by default).
     */
    @VisibleForTesting
    static Duration stallAfter(Duration idleness) {
        Duration half = idleness.dividedBy(2);
        return half.compareTo(Duration.ofSeconds(1)) < 0
                ? Duration.ofSeconds(1)
                : half.compareTo(Duration.ofSeconds(10)) > 0 ? Duration.ofSeconds(10) : half;
    }

    @Override
    public void onEvent(Decoded event, long timestamp, WatermarkOutput output) {
        if (event.deadLetter != null) {
            return;
        }
        watermarks.onEvent(event, timestamp, output);
        events++;
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
        long now = clock.relativeTimeNanos();
        if (events != eventsAtLastEmit) {
            // As Flink's idleness: activity is noted per periodic emit, not per record.
            eventsAtLastEmit = events;
            lastActivity = now;
        }
        long answeredFor = answeredFor(now);
        if (now - lastActivity >= idleNanos && answeredFor >= idleNanos) {
            if (!idleNow) {
                output.markIdle();
                idleNow = true;
            }
        } else {
            watermarks.onPeriodicEmit(output);
            idleNow = false;
        }
    }

    /** How long fetches have been answered without a stall; unbounded when that is not known. */
    private long answeredFor(long now) {
        double f = fetchesAnswered.getAsDouble();
        if (Double.isNaN(f)) {
            return Long.MAX_VALUE;
        }
        if (f != fetches) {
            if (lastAnswer == NONE || now - lastAnswer > stallNanos) {
                answeredSince = now;
            }
            fetches = f;
            lastAnswer = now;
        }
        if (lastAnswer == NONE || now - lastAnswer > stallNanos) {
            return 0;
        }
        return now - answeredSince;
    }
}
