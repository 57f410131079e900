package io.streamwatch.operators;

import java.time.Duration;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.api.common.operators.MailboxExecutor;
import org.apache.flink.streaming.api.operators.InternalTimeServiceManager;
import org.apache.flink.streaming.api.operators.Output;
import org.apache.flink.streaming.api.watermark.Watermark;

/**
 * Fires what a watermark makes due (an operator's event-time timers, or the windows of {@link
 * WindowAggregateOperator}) in slices, with a turn for the task's input in between, so that a
 * window closing for a million keys does not hold a checkpoint back for a minute.
 *
 * <p>Flink fires every timer a watermark makes due in one go. An aligned checkpoint barrier queued
 * behind that watermark waits until the last timer has fired, and so does the checkpoint: 70 s when
 * a window closed for 800k keys. Flink's own remedy ({@code
 * execution.checkpointing.unaligned.interruptible-timers.enabled}) only takes effect with unaligned
 * checkpoints, and only lets mails in, not input. Here the firing stops after {@link #SLICE}; then
 * the task reads input (records of later windows, and the barrier) until it has none or {@link
 * #TURN} has passed, and the firing goes on. It also stops at once for a mail, such as an unaligned
 * checkpoint.
 *
 * <p>Like Flink's {@code MailboxWatermarkProcessor}, the operator passes the watermark on only when
 * every timer it makes due has fired, and a checkpoint taken in between holds the timers not yet
 * fired: after a restore they fire when the watermark passes them again. Records read in between
 * see the new watermark, so a record for a window that is closing is late just as it would be after
 * the firing. (With allowed lateness, such a record makes the window fire at once, as a late record
 * does, and its timer fires it again: a second aggregate with the same key and figures, which the
 * evaluator and a compacted topic take as the update it is.) The final watermark of a bounded input
 * fires everything at once.
 */
public final class TimerSlicer {
    /** How long timers fire before the input gets a turn. */
    public static final Duration SLICE = Duration.ofMillis(50);

    /** The longest turn of the input between two slices. */
    public static final Duration TURN = Duration.ofMillis(10);

    /**
     * What fires: everything a watermark makes due, one piece at a time. (Flink's timers, or the
     * windows of {@link WindowAggregateOperator}.)
     */
    @FunctionalInterface
    public interface Firing {
        /**
         * Fires what {@code watermark} makes due, asking {@code stop} between two pieces; true when
         * everything due has fired, false when it stopped early.
         */
        boolean fireUpTo(long watermark, BooleanSupplier stop) throws Exception;
    }

    private final Output<?> output;
    private final MailboxExecutor mailbox;
    private final Firing firing;
    private final long sliceNanos;
    private final long turnNanos;

    private long watermark = Long.MIN_VALUE;
    private long emitted = Long.MIN_VALUE;
    private boolean resumeScheduled;
    private long inputSeen;
    private long inputSeenAtCheck;
    private long turnEnd;

    /** Slices the firing of an operator's event-time timers. */
    public TimerSlicer(
            Output<?> output, MailboxExecutor mailbox, InternalTimeServiceManager<?> timers) {
        this(output, mailbox, timers(timers), SLICE, TURN);
    }

    @VisibleForTesting
    TimerSlicer(
            Output<?> output,
            MailboxExecutor mailbox,
            InternalTimeServiceManager<?> timers,
            Duration slice,
            Duration turn) {
        this(output, mailbox, timers(timers), slice, turn);
    }

    /** Slices {@code firing}, with a slice and a turn of the given lengths. */
    public TimerSlicer(
            Output<?> output,
            MailboxExecutor mailbox,
            Firing firing,
            Duration slice,
            Duration turn) {
        this.output = output;
        this.mailbox = Objects.requireNonNull(mailbox, "the operator's mailbox executor");
        this.firing = firing;
        this.sliceNanos = slice.toNanos();
        this.turnNanos = turn.toNanos();
    }

    private static Firing timers(InternalTimeServiceManager<?> timers) {
        return (watermark, stop) ->
                timers.tryAdvanceWatermark(new Watermark(watermark), stop::getAsBoolean);
    }

    /**
     * Call for every record the operator receives: it tells a turn of the input from idle input.
     */
    public void recordSeen() {
        inputSeen++;
    }

    /**
     * Call instead of Flink's watermark handling: fires what the watermark makes due, in slices.
     */
    public void processWatermark(Watermark mark) throws Exception {
        inputSeen++;
        watermark = Math.max(watermark, mark.getTimestamp());
        if (watermark == Long.MAX_VALUE) {
            // The end of a bounded input: the task finishes next, and would not run a resumption.
            fire(false);
        } else if (!resumeScheduled) {
            fire(true);
        }
    }

    /**
     * Passes a watermark on before everything the current one makes due has fired: the firing calls
     * this once nothing it has still to emit is at or before {@code to} (the window operator, after
     * each window). Capped at the current watermark; never moves back.
     *
     * <p>Why: a watermark that jumps over several windows (a source reading a backlog at start or
     * after a restore sends its first watermark late) made the window operator emit every window it
     * passed and only then the watermark. Downstream, the rule evaluator saw a silent group's data
     * come back before any watermark reached the group's silence instant, and its absence alert
     * fired and resolved at once, on that data. Passed on window by window, the watermark reaches
     * the silence instant before the windows after it.
     */
    public void passOn(long to) {
        long w = Math.min(to, watermark);
        if (w > emitted) {
            emitted = w;
            output.emitWatermark(new Watermark(w));
        }
    }

    private void fire(boolean sliced) throws Exception {
        long sliceEnd = System.nanoTime() + sliceNanos;
        boolean done =
                firing.fireUpTo(
                        watermark,
                        () ->
                                sliced
                                        && (System.nanoTime() >= sliceEnd
                                                || mailbox.shouldInterrupt()));
        if (done) {
            if (watermark > emitted) {
                emitted = watermark;
                output.emitWatermark(new Watermark(watermark));
            }
        } else {
            resumeScheduled = true;
            turnEnd = System.nanoTime() + turnNanos;
            inputSeenAtCheck = inputSeen;
            scheduleCheck();
        }
    }

    /**
     * A mail runs between two reads of the input (Flink's mailbox loop runs the mails that were
     * there before it reads the next record), so a mail that puts itself back lets the input in one
     * record at a time, and sees when the input has nothing more to give.
     */
    private void scheduleCheck() {
        mailbox.execute(
                MailboxExecutor.MailOptions.deferrable(),
                this::checkTurn,
                "Fire the remaining due timers after the input's turn");
    }

    private void checkTurn() throws Exception {
        if (inputSeen != inputSeenAtCheck && System.nanoTime() < turnEnd) {
            inputSeenAtCheck = inputSeen;
            scheduleCheck();
            return;
        }
        resumeScheduled = false;
        fire(true);
    }
}
