package io.streamwatch.operators;

import java.util.List;
import org.apache.flink.api.common.operators.MailboxExecutor;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.runtime.event.WatermarkEvent;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;

/**
 * Flink's operator for a {@link KeyedBroadcastProcessFunction}, with two differences: it lets a
 * checkpoint in while it fires timers (see {@link TimerSlicer}), and its event time is that of the
 * keyed (data) input alone.
 *
 * <p>The alert rule evaluator keeps a timer per group for absence rules, and they all come due at
 * the same watermark, when the window before it closes. {@code
 * keyed.connect(broadcast).process(function)} would build Flink's operator, which fires them all
 * before it reads the checkpoint barrier behind that watermark; build this one with {@code
 * keyed.connect(updates.broadcast()).transform(name, type, new InterruptibleBroadcastOperator<>(
 * function, descriptors))}. Its state is Flink's operator's: keyed state and the broadcast state of
 * the same descriptors.
 *
 * <p>Event time: Flink's two-input operators take the minimum of both inputs' watermarks, and leave
 * an idle input out. The broadcast input carries rule changes, which have no event time: had it a
 * watermark of "done", event time jumped to the end of time as soon as every data input was idle
 * (every absence timer fired, and rule-change resolves carried that instant); had it none, it held
 * event time back for ever. So this operator ignores the broadcast input's watermarks and watermark
 * status: the data input's watermark is the operator's, and its idleness is the operator's.
 *
 * <p>A function that is a {@link KeyedWriteBack} gets the operator's key context once open.
 */
public final class InterruptibleBroadcastOperator<KS, IN1, IN2, OUT>
        extends CoBroadcastWithKeyedOperator<KS, IN1, IN2, OUT> {
    private static final long serialVersionUID = 1L;

    private transient MailboxExecutor mailbox;
    private transient TimerSlicer slicer;
    private transient boolean dataIdle;

    public InterruptibleBroadcastOperator(
            KeyedBroadcastProcessFunction<KS, IN1, IN2, OUT> function,
            List<MapStateDescriptor<?, ?>> broadcastStateDescriptors) {
        super(function, broadcastStateDescriptors);
    }

    @Override
    public void setMailboxExecutor(MailboxExecutor mailboxExecutor) {
        super.setMailboxExecutor(mailboxExecutor);
        this.mailbox = mailboxExecutor;
    }

    @Override
    public void open() throws Exception {
        super.open();
        slicer = new TimerSlicer(output, mailbox, getTimeServiceManager().orElseThrow());
        if (userFunction instanceof KeyedWriteBack writeBack) {
            writeBack.writeBackThrough(this);
        }
    }

    @Override
    public void processElement1(StreamRecord<IN1> element) throws Exception {
        slicer.recordSeen();
        super.processElement1(element);
    }

    @Override
    public void processElement2(StreamRecord<IN2> element) throws Exception {
        slicer.recordSeen();
        super.processElement2(element);
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        slicer.processWatermark(mark);
    }

    /** The data input's watermark is the operator's: no minimum with the broadcast input. */
    @Override
    public void processWatermark1(Watermark mark) throws Exception {
        processWatermark(mark);
    }

    /** Rule changes carry no event time. */
    @Override
    public void processWatermark2(Watermark mark) {}

    /** Rule changes carry no event time. */
    @Override
    public void processWatermark2(WatermarkEvent watermark) {}

    /**
     * The data input's status is the operator's: idle while it is idle, with its event time
     * standing still (the broadcast input's watermark no longer takes over).
     */
    @Override
    protected void processWatermarkStatus(WatermarkStatus status, int index) {
        if (index == 0 && status.isIdle() != dataIdle) {
            dataIdle = status.isIdle();
            output.emitWatermarkStatus(status);
        }
    }
}
