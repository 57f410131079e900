package io.streamwatch.operators;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamwatch.testing.Mailboxes;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.SimpleOperatorFactory;
import org.apache.flink.streaming.api.transformations.OneInputTransformation;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.Test;

/**
 * The window operator of pipelines with allowed lateness (Flink's, with timers in slices and a
 * checkpointed watermark): after a restore, a record for a window already emitted and purged goes
 * to late events, as in an uninterrupted run, instead of opening that window again.
 */
class InterruptibleWindowOperatorTest {
    private static final long SIZE = 10_000;
    private static final long LATENESS = 5_000;
    private static final OutputTag<String> LATE = new OutputTag<>("late", Types.STRING);

    @Test
    void aRestoredOperatorKeepsWindowsPastTheirLatenessClosed() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness()) {
            h.open();
            h.processElement(new StreamRecord<>("a,1", 1_000));
            h.processElement(new StreamRecord<>("a,2", 12_000));
            // Window [0, 10 s) fires at its end and is purged at its end plus the lateness.
            h.processWatermark(new Watermark(15_000));
            runMails(h);
            assertThat(values(h)).containsExactly("a@0:1:1");
            h.processElement(new StreamRecord<>("a,4", 2_000));
            assertThat(late(h)).containsExactly("a,4");
            snapshot = h.snapshot(1, 1);
        }
        try (var h = harness()) {
            h.initializeState(snapshot);
            h.open();
            // Before any watermark of the restored input: late as it was before the restore.
            h.processElement(new StreamRecord<>("a,8", 3_000));
            // Within the open window, on time.
            h.processElement(new StreamRecord<>("a,16", 11_000));
            h.processWatermark(new Watermark(40_000));
            runMails(h);
            assertThat(late(h)).containsExactly("a,8");
            assertThat(values(h)).containsExactly("a@10000:2:18");
        }
    }

    @SuppressWarnings("unchecked")
    private static KeyedOneInputStreamOperatorTestHarness<String, String, String> harness()
            throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        SingleOutputStreamOperator<String> windowed =
                InterruptibleWindowOperator.aggregate(
                        env.fromData("a,0")
                                .keyBy(r -> r.substring(0, r.indexOf(',')), Types.STRING),
                        TumblingEventTimeWindows.of(Duration.ofMillis(SIZE)),
                        Duration.ofMillis(LATENESS),
                        LATE,
                        new WindowAggregateOperatorTest.CountAndSum(),
                        new WindowAggregateOperatorTest.Format(),
                        PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO,
                        Types.STRING,
                        "windows");
        var factory =
                (SimpleOperatorFactory<String>)
                        ((OneInputTransformation<String, String>) windowed.getTransformation())
                                .getOperatorFactory();
        var h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        (OneInputStreamOperator<String, String>) factory.getOperator(),
                        r -> r.substring(0, r.indexOf(',')),
                        Types.STRING);
        h.setStateBackend(new EmbeddedRocksDBStateBackend());
        return h;
    }

    private static List<String> values(
            KeyedOneInputStreamOperatorTestHarness<String, String, String> h) {
        return h.extractOutputValues();
    }

    private static List<String> late(
            KeyedOneInputStreamOperatorTestHarness<String, String, String> h) {
        return h.getSideOutput(LATE) == null
                ? List.of()
                : h.getSideOutput(LATE).stream().map(StreamRecord::getValue).toList();
    }

    private static void runMails(KeyedOneInputStreamOperatorTestHarness<String, String, String> h)
            throws Exception {
        Mailboxes.runAll(h.getTaskMailbox());
    }
}
