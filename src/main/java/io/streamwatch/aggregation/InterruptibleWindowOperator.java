package io.streamwatch.aggregation;

import java.time.Duration;
import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.assigners.WindowAssigner;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.streaming.runtime.operators.windowing.WindowOperator;
import org.apache.flink.streaming.runtime.operators.windowing.WindowOperatorBuilder;
import org.apache.flink.util.OutputTag;

/**
 * Flink's window operator, with one difference: it lets a checkpoint in while it fires timers.
 *
 * <p>When a tumbling window closes, every key's window fires at the same watermark: for a million
 * keys, a million aggregates from one mailbox action, during which no checkpoint barrier can pass
 * and checkpoints time out. Flink can interrupt timer firing for an unaligned checkpoint ({@code
 * execution.checkpointing.unaligned.interruptible-timers.enabled}), but only in operators that
 * declare they support it, and its window operator does not (Flink 2.2). Window firing resumes
 * where it stopped: timers are taken off the queue one at a time, and the state of those not yet
 * fired is part of the checkpoint. With unaligned checkpoints off (the default), this is Flink's
 * window operator exactly.
 */
public final class InterruptibleWindowOperator<IN, ACC, OUT>
        extends WindowOperator<String, IN, ACC, OUT, TimeWindow> {
    private static final long serialVersionUID = 1L;

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
    public boolean useInterruptibleTimers() {
        return true;
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
