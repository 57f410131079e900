package io.streamwatch.operators;

import java.util.List;
import org.apache.flink.api.common.operators.MailboxExecutor;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Flink's operator for a {@link KeyedBroadcastProcessFunction}, with one difference: it lets a
 * checkpoint in while it fires timers (see {@link TimerSlicer}).
 *
 * <p>The alert rule evaluator keeps a timer per group for absence rules, and they all come due at
 * the same watermark, when the window before it closes. {@code
 * keyed.connect(broadcast).process(function)} would build Flink's operator, which fires them all
 * before it reads the checkpoint barrier behind that watermark; build this one with {@code
 * keyed.connect(updates.broadcast()).transform(name, type, new InterruptibleBroadcastOperator<>(
 * function, descriptors))}. Its state is Flink's operator's: keyed state and the broadcast state of
 * the same descriptors.
 */
public final class InterruptibleBroadcastOperator<KS, IN1, IN2, OUT>
        extends CoBroadcastWithKeyedOperator<KS, IN1, IN2, OUT> {
    private static final long serialVersionUID = 1L;

    private transient MailboxExecutor mailbox;
    private transient TimerSlicer slicer;

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
}
