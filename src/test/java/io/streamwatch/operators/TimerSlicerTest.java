package io.streamwatch.operators;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.flink.api.common.operators.MailboxExecutor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.tasks.mailbox.Mail;
import org.apache.flink.streaming.runtime.tasks.mailbox.TaskMailbox;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;

/**
 * {@link TimerSlicer} in a keyed operator: every element {@code "key@time"} sets an event-time
 * timer for its key, and a timer emits {@code "fired key@time"}. The slices are a single timer
 * long, so every step of the firing is visible.
 */
class TimerSlicerTest {
    private static final List<String> KEYS = List.of("a", "b", "c", "d", "e");

    @Test
    void firesInSlicesAndPassesTheWatermarkOnAfterTheLastTimer() throws Exception {
        try (var harness = harness(Duration.ofHours(1))) {
            harness.open();
            setTimers(harness, 100);

            harness.processWatermark(new Watermark(100));
            assertThat(fired(harness)).hasSize(1);
            assertThat(watermarks(harness)).isEmpty();

            int mails = runMails(harness);

            assertThat(fired(harness)).containsExactlyInAnyOrderElementsOf(expected(100));
            // A slice per timer (the last may stop right after the last timer, before it knows).
            assertThat(mails).isBetween(KEYS.size() - 1, KEYS.size());
            Object last = new ArrayList<>(harness.getOutput()).get(harness.getOutput().size() - 1);
            assertThat(last).isEqualTo(new Watermark(100));
        }
    }

    @Test
    void theInputGetsATurnBetweenSlicesAndSeesTheNewWatermark() throws Exception {
        try (var harness = harness(Duration.ofHours(1))) {
            harness.open();
            setTimers(harness, 100);
            harness.processWatermark(new Watermark(100));

            // A record between two slices: its timer (at 200) waits for a later watermark, and one
            // for the closing time (100) is already behind the watermark, so it fires at once.
            harness.processElement(new StreamRecord<>("x@200", 150));
            harness.processElement(new StreamRecord<>("y@100", 150));
            assertThat(fired(harness)).hasSize(2).contains("fired y@100");
            // The input had its turn and the turn is not over: the check lets it go on.
            runOneMail(harness);
            assertThat(fired(harness)).hasSize(2);
            // No input since the last check: the firing resumes.
            runMails(harness);

            List<String> want = expected(100);
            want.add("fired y@100");
            assertThat(fired(harness)).containsExactlyInAnyOrderElementsOf(want);
            assertThat(watermarks(harness)).containsExactly(new Watermark(100));
        }
    }

    @Test
    void aCheckpointBetweenSlicesKeepsTheTimersNotYetFired() throws Exception {
        OperatorSubtaskState snapshot;
        List<String> before;
        try (var harness = harness(Duration.ZERO)) {
            harness.open();
            setTimers(harness, 100);
            harness.processWatermark(new Watermark(100));
            runOneMail(harness);
            before = fired(harness);
            snapshot = harness.snapshot(1, 1);
        }
        assertThat(before).hasSize(2);

        try (var restored = harness(Duration.ZERO)) {
            restored.initializeState(snapshot);
            restored.open();
            restored.processWatermark(new Watermark(100));
            runMails(restored);

            List<String> all = new ArrayList<>(before);
            all.addAll(fired(restored));
            assertThat(all).containsExactlyInAnyOrderElementsOf(expected(100));
            assertThat(watermarks(restored)).containsExactly(new Watermark(100));
        }
    }

    @Test
    void theFinalWatermarkFiresEverythingAtOnce() throws Exception {
        try (var harness = harness(Duration.ofHours(1))) {
            harness.open();
            setTimers(harness, 100);
            harness.processWatermark(new Watermark(100));

            harness.processWatermark(Watermark.MAX_WATERMARK);

            assertThat(fired(harness)).containsExactlyInAnyOrderElementsOf(expected(100));
            assertThat(watermarks(harness)).containsExactly(Watermark.MAX_WATERMARK);
            // The resumption still in the mailbox finds nothing left and passes nothing on twice.
            runMails(harness);
            assertThat(watermarks(harness)).containsExactly(Watermark.MAX_WATERMARK);
        }
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, String, String> harness(
            Duration turn) throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new SlicedTimersOperator(turn), e -> e.substring(0, e.indexOf('@')), Types.STRING);
    }

    private static void setTimers(
            KeyedOneInputStreamOperatorTestHarness<String, String, String> harness, long time)
            throws Exception {
        for (String key : KEYS) {
            harness.processElement(new StreamRecord<>(key + "@" + time, time - 10));
        }
    }

    private static List<String> expected(long time) {
        List<String> want = new ArrayList<>();
        KEYS.forEach(k -> want.add("fired " + k + "@" + time));
        return want;
    }

    private static List<String> fired(
            KeyedOneInputStreamOperatorTestHarness<String, String, String> harness) {
        return harness.extractOutputValues();
    }

    private static List<Watermark> watermarks(
            KeyedOneInputStreamOperatorTestHarness<String, String, String> harness) {
        return harness.getOutput().stream()
                .filter(Watermark.class::isInstance)
                .map(Watermark.class::cast)
                .toList();
    }

    private static boolean runOneMail(
            KeyedOneInputStreamOperatorTestHarness<String, String, String> harness)
            throws Exception {
        Optional<Mail> mail = harness.getTaskMailbox().tryTake(TaskMailbox.MIN_PRIORITY);
        if (mail.isPresent()) {
            mail.get().run();
        }
        return mail.isPresent();
    }

    private static int runMails(
            KeyedOneInputStreamOperatorTestHarness<String, String, String> harness)
            throws Exception {
        int n = 0;
        while (runOneMail(harness)) {
            n++;
            assertThat(n).as("the firing ends").isLessThan(1000);
        }
        return n;
    }

    /** A keyed process operator whose timers fire through a slicer of one timer per slice. */
    private static final class SlicedTimersOperator
            extends KeyedProcessOperator<String, String, String> {
        private final Duration turn;
        private transient MailboxExecutor mailbox;
        private transient TimerSlicer slicer;

        SlicedTimersOperator(Duration turn) {
            super(new TimerPerElement());
            this.turn = turn;
        }

        @Override
        public void setMailboxExecutor(MailboxExecutor mailboxExecutor) {
            super.setMailboxExecutor(mailboxExecutor);
            mailbox = mailboxExecutor;
        }

        @Override
        public void open() throws Exception {
            super.open();
            slicer =
                    new TimerSlicer(
                            output,
                            mailbox,
                            getTimeServiceManager().orElseThrow(),
                            Duration.ZERO,
                            turn);
        }

        @Override
        public void processElement(StreamRecord<String> element) throws Exception {
            slicer.recordSeen();
            super.processElement(element);
        }

        @Override
        public void processWatermark(Watermark mark) throws Exception {
            slicer.processWatermark(mark);
        }
    }

    private static final class TimerPerElement
            extends KeyedProcessFunction<String, String, String> {
        @Override
        public void processElement(String value, Context ctx, Collector<String> out) {
            long time = Long.parseLong(value.substring(value.indexOf('@') + 1));
            if (time <= ctx.timerService().currentWatermark()) {
                out.collect("fired " + value);
            } else {
                ctx.timerService().registerEventTimeTimer(time);
            }
        }

        @Override
        public void onTimer(long timestamp, OnTimerContext ctx, Collector<String> out) {
            out.collect("fired " + ctx.getCurrentKey() + "@" + timestamp);
        }
    }
}
