package io.streamwatch.operators;

import java.time.Duration;
import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.api.common.operators.MailboxExecutor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.api.windowing.assigners.WindowAssigner;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.streaming.runtime.operators.windowing.WindowOperator;
import org.apache.flink.streaming.runtime.operators.windowing.WindowOperatorBuilder;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;

/**
 * Flink's window operator, with one difference: it lets a checkpoint in while it fires timers.
 *
 * <p>When a tumbling window closes, every key's window fires at the same watermark: for a million
 * keys, a million aggregates, during which Flink's window operator reads no input, so an aligned
 * checkpoint's barrier waits behind them (70 s at 800k keys). Here the timers fire in slices with
 * the input's turn in between (see {@link TimerSlicer}), for aligned and unaligned checkpoints
 * alike. Window firing resumes where it stopped: timers are taken off the queue one at a time, and
 * the state of those not yet fired is part of the checkpoint.
 *
 * <p>And one more: its watermark is checkpointed ({@link CheckpointedWatermark}). Flink's window
 * operator starts a restored job's event time from nothing, so a record for a window it had already
 * emitted and purged (its end plus the allowed lateness passed) was taken as on time, and the
 * window emitted again with that record alone. Here a record or window is late against the higher
 * of the restored watermark and the current one, as in an uninterrupted run (SPEC section 6).
 * Otherwise this is Flink's window operator exactly.
 */
public final class InterruptibleWindowOperator<IN, ACC, OUT>
        extends WindowOperator<String, IN, ACC, OUT, TimeWindow> {
    private static final long serialVersionUID = 1L;

    private transient MailboxExecutor mailbox;
    private transient TimerSlicer slicer;
    private transient CheckpointedWatermark checkpointedWatermark;

    /** The watermark of the checkpoint restored, or {@link Long#MIN_VALUE}. */
    private transient long restoredWatermark;

    private InterruptibleWindowOperator(
            WindowOperator<String, IN, ACC, OUT, TimeWindow> built,
            ExecutionConfig config,
            KeyedStream<IN, String> input,
            long allowedLateness,
            OutputTag<IN> lateData) {
        super(
                built.getWindowAssigner(),
                built.getWindowAssigner().getWindowSerializer(config),
                built.getKeySelector(),
                input.getKeyType().createSerializer(config.getSerializerConfig()),
                built.getStateDescriptor(),
                built.getUserFunction(),
                built.getTrigger(),
                allowedLateness,
                lateData);
    }

    @Override
    public void setMailboxExecutor(MailboxExecutor mailboxExecutor) {
        super.setMailboxExecutor(mailboxExecutor);
        this.mailbox = mailboxExecutor;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        checkpointedWatermark = CheckpointedWatermark.register(context.getOperatorStateStore());
        restoredWatermark =
                context.isRestored() ? checkpointedWatermark.restored() : Long.MIN_VALUE;
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        checkpointedWatermark.save(watermark());
        super.snapshotState(context);
    }

    /** The operator's event time: the restored watermark until the input's passes it. */
    private long watermark() {
        return Math.max(restoredWatermark, internalTimerService.currentWatermark());
    }

    @Override
    protected boolean isWindowLate(TimeWindow window) {
        long cleanup = window.maxTimestamp() + allowedLateness;
        // As Flink's cleanupTime: an overflow means never.
        return cleanup >= window.maxTimestamp() && cleanup <= watermark();
    }

    @Override
    protected boolean isElementLate(StreamRecord<IN> element) {
        return element.getTimestamp() + allowedLateness <= watermark();
    }

    @Override
    public void open() throws Exception {
        super.open();
        slicer = new TimerSlicer(output, mailbox, getTimeServiceManager().orElseThrow());
    }

    @Override
    public void processElement(StreamRecord<IN> element) throws Exception {
        slicer.recordSeen();
        super.processElement(element);
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        slicer.processWatermark(mark);
    }

    /**
     * As {@code input.window(assigner).allowedLateness(..).sideOutputLateData(..).aggregate(..)},
     * with this operator.
     */
    @SuppressWarnings("unchecked")
    public static <IN, ACC, OUT> SingleOutputStreamOperator<OUT> aggregate(
            KeyedStream<IN, String> input,
            WindowAssigner<Object, TimeWindow> assigner,
            Duration allowedLateness,
            OutputTag<IN> lateData,
            AggregateFunction<IN, ACC, ACC> aggregate,
            ProcessWindowFunction<ACC, OUT, String, TimeWindow> function,
            TypeInformation<ACC> accumulatorType,
            TypeInformation<OUT> outputType,
            String name) {
        ExecutionConfig config = input.getExecutionEnvironment().getConfig();
        WindowOperatorBuilder<IN, String, TimeWindow> builder =
                new WindowOperatorBuilder<>(
                        assigner,
                        assigner.getDefaultTrigger(),
                        config,
                        input.getType(),
                        input.getKeySelector(),
                        input.getKeyType());
        builder.allowedLateness(allowedLateness);
        builder.sideOutputLateData(lateData);
        WindowOperator<String, IN, ACC, OUT, TimeWindow> built =
                (WindowOperator<String, IN, ACC, OUT, TimeWindow>)
                        builder.aggregate(aggregate, function, accumulatorType);
        return input.transform(
                name,
                outputType,
                new InterruptibleWindowOperator<>(
                        built, config, input, allowedLateness.toMillis(), lateData));
    }
}
