package io.streamwatch.operators;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.api.windowing.assigners.SlidingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.assigners.WindowAssigner;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.tasks.mailbox.Mail;
import org.apache.flink.streaming.runtime.tasks.mailbox.TaskMailbox;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link WindowAggregateOperator} in Flink's keyed operator harness. Records are {@code
 * "key,value"}; the window emits {@code "key@start:count:sum"}. Expected outputs come from the
 * test's own model of the input: for every key and window, the count and sum of the records that
 * were on time when they arrived.
 */
class WindowAggregateOperatorTest {
    private static final long SIZE = 10_000;
    private static final OutputTag<String> LATE = new OutputTag<>("late", Types.STRING);

    @Test
    void emitsEveryKeysWindowAtTheWatermarkWithoutTimersOrState() throws Exception {
        try (var h = harness(tumbling(), 1000, Duration.ofHours(1))) {
            h.open();
            record(h, "a,1", 1_000);
            record(h, "a,2", 9_999);
            record(h, "b,5", 2_000);
            record(h, "a,7", 10_000);
            assertThat(h.numEventTimeTimers()).isZero();
            assertThat(h.numKeyedStateEntries()).isZero();

            h.processWatermark(new Watermark(9_999));
            runMails(h);

            assertThat(values(h)).containsExactlyInAnyOrder("a@0:2:3", "b@0:1:5");
            assertThat(watermarks(h)).containsExactly(new Watermark(9_999));
            record(h, "c,1", 9_999);
            assertThat(h.getSideOutput(LATE)).extracting(StreamRecord::getValue).contains("c,1");
            assertThat(((WindowAggregateOperator<?, ?, ?>) h.getOperator()).heapEntries())
                    .isEqualTo(1);
        }
    }

    @Test
    void aCheckpointWritesOpenWindowsToStateAndARestoreEmitsThemOnce() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness(tumbling(), 1000, Duration.ofHours(1))) {
            h.setStateBackend(new EmbeddedRocksDBStateBackend());
            h.open();
            record(h, "a,1", 1_000);
            record(h, "b,2", 12_000);
            h.processWatermark(new Watermark(10_000));
            runMails(h);
            assertThat(values(h)).containsExactly("a@0:1:1");
            record(h, "b,3", 13_000);
            snapshot = h.snapshot(1, 1);
        }
        try (var h = harness(tumbling(), 1000, Duration.ofHours(1))) {
            h.setStateBackend(new EmbeddedRocksDBStateBackend());
            h.initializeState(snapshot);
            h.open();
            // The restored job remembers its watermark: window [0, 10s) stays emitted.
            record(h, "a,100", 5_000);
            record(h, "b,4", 14_000);
            h.processWatermark(new Watermark(5_000));
            runMails(h);
            h.processWatermark(new Watermark(19_999));
            runMails(h);

            assertThat(values(h)).containsExactly("b@10000:3:9");
            assertThat(h.getSideOutput(LATE)).extracting(StreamRecord::getValue).contains("a,100");
        }
    }

    /**
     * A checkpoint writes the heap's entries as raw keyed state, one stream, not one keyed-state
     * entry per key and window; a restore reads them back and emits each window once.
     */
    @Test
    void aCheckpointWritesTheHeapsEntriesAsRawKeyedStateNotPerKey() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness(tumbling(), 1000, Duration.ofHours(1))) {
            h.open();
            record(h, "a,1", 1_000);
            record(h, "b,2", 2_000);
            record(h, "a,3", 12_000);
            snapshot = h.snapshot(1, 1);
            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(snapshot.getRawKeyedState()).isNotEmpty();
        }
        try (var h = harness(tumbling(), 1000, Duration.ofHours(1))) {
            h.initializeState(snapshot);
            h.open();
            record(h, "b,4", 3_000);
            h.processWatermark(new Watermark(19_999));
            runMails(h);
            assertThat(values(h)).containsExactlyInAnyOrder("a@0:1:1", "b@0:2:6", "a@10000:1:3");
        }
    }

    /**
     * Entries a checkpoint holds in keyed state (a spilled window's; every entry, in checkpoints of
     * the release before raw keyed state) are loaded onto the heap and move to raw keyed state at
     * the next checkpoint: keyed state is then empty, and each window is still emitted once.
     */
    @Test
    void entriesRestoredFromKeyedStateMoveToRawKeyedState() throws Exception {
        OperatorSubtaskState inKeyedState;
        try (var h = harness(tumbling(), 2, Duration.ofHours(1))) {
            h.setStateBackend(new EmbeddedRocksDBStateBackend());
            h.open();
            for (String k : List.of("a", "b", "c", "d", "e")) {
                record(h, k + ",1", 1_000);
            }
            inKeyedState = h.snapshot(1, 1);
        }
        OperatorSubtaskState moved;
        try (var h = harness(tumbling(), 1000, Duration.ofHours(1))) {
            h.setStateBackend(new EmbeddedRocksDBStateBackend());
            h.initializeState(inKeyedState);
            h.open();
            assertThat(storedKeys(h)).as("loaded from keyed state").isEqualTo(5);
            record(h, "a,10", 2_000);
            moved = h.snapshot(2, 2);
            assertThat(storedKeys(h)).as("moved to raw keyed state").isZero();
        }
        try (var h = harness(tumbling(), 1000, Duration.ofHours(1))) {
            h.setStateBackend(new EmbeddedRocksDBStateBackend());
            h.initializeState(moved);
            h.open();
            h.processWatermark(new Watermark(9_999));
            runMails(h);
            assertThat(values(h))
                    .containsExactlyInAnyOrder(
                            "a@0:2:11", "b@0:1:1", "c@0:1:1", "d@0:1:1", "e@0:1:1");
        }
    }

    @Test
    void aCheckpointBetweenSlicesHoldsTheKeysNotEmittedYet() throws Exception {
        OperatorSubtaskState snapshot;
        List<String> before;
        try (var h = harness(tumbling(), 1000, Duration.ofHours(1))) {
            h.open();
            for (String k : List.of("a", "b", "c", "d", "e")) {
                record(h, k + ",1", 1_000);
            }
            h.processWatermark(new Watermark(10_000));
            runOneMail(h);
            before = values(h);
            assertThat(watermarks(h)).isEmpty();
            snapshot = h.snapshot(1, 1);
        }
        assertThat(before).hasSize(2);
        try (var h = harness(tumbling(), 1000, Duration.ofHours(1))) {
            h.initializeState(snapshot);
            h.open();
            // No new watermark needed: the restored one emits the rest.
            runMails(h);
            List<String> all = new ArrayList<>(before);
            all.addAll(values(h));
            assertThat(all)
                    .containsExactlyInAnyOrder(
                            "a@0:1:1", "b@0:1:1", "c@0:1:1", "d@0:1:1", "e@0:1:1");
        }
    }

    @Test
    void theInputGetsATurnBetweenSlicesAndSeesTheNewWatermark() throws Exception {
        try (var h = harness(tumbling(), 1000, Duration.ofHours(1))) {
            h.open();
            for (String k : List.of("a", "b", "c")) {
                record(h, k + ",1", 1_000);
            }
            h.processWatermark(new Watermark(10_000));
            record(h, "z,1", 2_000);
            record(h, "z,2", 15_000);
            runMails(h);
            assertThat(values(h)).containsExactlyInAnyOrder("a@0:1:1", "b@0:1:1", "c@0:1:1");
            assertThat(h.getSideOutput(LATE)).extracting(StreamRecord::getValue).contains("z,1");
            h.processWatermark(Watermark.MAX_WATERMARK);
            assertThat(values(h)).contains("z@10000:1:2");
        }
    }

    @Test
    void slidingWindowsCountARecordInEveryWindowItFallsIn() throws Exception {
        WindowAssigner<Object, TimeWindow> sliding =
                SlidingEventTimeWindows.of(Duration.ofSeconds(20), Duration.ofSeconds(10));
        try (var h = harness(sliding, 1000, Duration.ZERO)) {
            h.open();
            record(h, "a,1", 15_000);
            h.processWatermark(Watermark.MAX_WATERMARK);
            assertThat(values(h)).containsExactly("a@0:1:1", "a@10000:1:1");
        }
    }

    /** Rescaling from one subtask to two: each emits its key groups' windows, once. */
    @Test
    void aRestoreAtAnotherParallelismSplitsTheWindowsByKeyGroup() throws Exception {
        OperatorSubtaskState snapshot;
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            keys.add("k" + i);
        }
        try (var h = harness(tumbling(), 1000, Duration.ofHours(1), 128, 1, 0)) {
            h.setStateBackend(new EmbeddedRocksDBStateBackend());
            h.open();
            for (String k : keys) {
                record(h, k + ",2", 11_000);
            }
            h.processWatermark(new Watermark(10_000));
            snapshot = h.snapshot(1, 1);
        }
        List<String> all = new ArrayList<>();
        for (int subtask = 0; subtask < 2; subtask++) {
            OperatorSubtaskState part =
                    AbstractStreamOperatorTestHarness.repartitionOperatorState(
                            snapshot, 128, 1, 2, subtask);
            try (var h = harness(tumbling(), 1000, Duration.ofHours(1), 128, 2, subtask)) {
                h.setStateBackend(new EmbeddedRocksDBStateBackend());
                h.initializeState(part);
                h.open();
                // A record of this subtask for the window both had emitted: late in each.
                int me = subtask;
                String own =
                        keys.stream()
                                .filter(
                                        k ->
                                                KeyGroupRangeAssignment.assignKeyToParallelOperator(
                                                                k, 128, 2)
                                                        == me)
                                .findFirst()
                                .orElseThrow();
                record(h, own + ",1", 400);
                h.processWatermark(Watermark.MAX_WATERMARK);
                List<String> mine = values(h);
                assertThat(mine).isNotEmpty();
                all.addAll(mine);
                assertThat(h.getSideOutput(LATE)).hasSize(1);
            }
        }
        assertThat(all)
                .containsExactlyInAnyOrderElementsOf(
                        keys.stream().map(k -> k + "@10000:1:2").toList());
    }

    /**
     * Scale-in, 2 to 1, on either backend: the open windows of both subtasks are emitted once by
     * the one left, and its restored watermark still makes a record for a window they had emitted
     * late.
     */
    @ParameterizedTest
    @CsvSource({"rocksdb", "hashmap"})
    void aRestoreAtALowerParallelismMergesTheWindowsOfBoth(String backend) throws Exception {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            keys.add("k" + i);
        }
        OperatorSubtaskState[] parts = new OperatorSubtaskState[2];
        for (int subtask = 0; subtask < 2; subtask++) {
            try (var h = harness(tumbling(), 1000, Duration.ofHours(1), 128, 2, subtask)) {
                h.setStateBackend(
                        backend.equals("rocksdb")
                                ? new EmbeddedRocksDBStateBackend()
                                : new HashMapStateBackend());
                h.open();
                int me = subtask;
                for (String k : keys) {
                    if (KeyGroupRangeAssignment.assignKeyToParallelOperator(k, 128, 2) == me) {
                        record(h, k + ",3", 1_000);
                        record(h, k + ",2", 11_000);
                    }
                }
                h.processWatermark(new Watermark(10_000));
                runMails(h);
                // The first window is out before the checkpoint; the second is open in it.
                assertThat(values(h)).isNotEmpty().allMatch(v -> v.endsWith("@0:1:3"));
                parts[subtask] = h.snapshot(1, 1);
            }
        }
        OperatorSubtaskState merged =
                AbstractStreamOperatorTestHarness.repartitionOperatorState(
                        AbstractStreamOperatorTestHarness.repackageState(parts[0], parts[1]),
                        128,
                        2,
                        1,
                        0);
        try (var h = harness(tumbling(), 1000, Duration.ofHours(1), 128, 1, 0)) {
            h.setStateBackend(
                    backend.equals("rocksdb")
                            ? new EmbeddedRocksDBStateBackend()
                            : new HashMapStateBackend());
            h.initializeState(merged);
            h.open();
            record(h, "k7,5", 2_000); // its window closed before the checkpoint: late
            h.processWatermark(Watermark.MAX_WATERMARK);
            runMails(h);
            assertThat(values(h))
                    .containsExactlyInAnyOrderElementsOf(
                            keys.stream().map(k -> k + "@10000:1:2").toList());
            assertThat(h.getSideOutput(LATE)).hasSize(1);
        }
    }

    /**
     * Two window subtasks on RocksDB drawing on one small pool: the busy one takes what the quiet
     * one does not use and keeps its keys on the heap; the quiet one, with the pool empty, spills
     * beyond its guarantee. Both emit exactly, and everything taken goes back to the pool.
     */
    @Test
    void subtasksShareOnePoolOfHeapEntries() throws Exception {
        int chunk = 1024;
        HeapEntryBudget pool = new HeapEntryBudget(2 * chunk, chunk);
        var busy = pooledHarness(pool, 1000);
        var quiet = pooledHarness(pool, 1000);
        busy.open();
        quiet.open();

        for (int k = 0; k < 1000 + 2 * chunk; k++) {
            record(busy, "b" + k + ",1", 1_000);
        }
        assertThat(heapEntries(busy)).as("nothing spilled").isEqualTo(1000 + 2 * chunk);
        assertThat(pool.free()).isZero();

        for (int k = 0; k < 1500; k++) {
            record(quiet, "q" + k + ",2", 1_000);
        }
        assertThat(heapEntries(quiet))
                .as("its first 1000 keys spilled at the 1001st")
                .isEqualTo(500);

        busy.processWatermark(new Watermark(SIZE - 1));
        runMails(busy);
        assertThat(values(busy)).hasSize(1000 + 2 * chunk).allMatch(v -> v.endsWith("@0:1:1"));
        assertThat(heapEntries(busy)).isZero();
        assertThat(pool.free()).as("given back but one spare chunk").isEqualTo(chunk);

        quiet.processWatermark(new Watermark(SIZE - 1));
        runMails(quiet);
        List<String> want = new ArrayList<>();
        for (int k = 0; k < 1500; k++) {
            want.add("q" + k + "@0:1:2");
        }
        assertThat(values(quiet)).containsExactlyInAnyOrderElementsOf(want);

        busy.close();
        quiet.close();
        assertThat(pool.free()).isEqualTo(2 * chunk);
    }

    /**
     * The bound counts what the entries weigh, not how many there are: here an entry weighs its
     * record count. Growing entries fill the bound without a new key; the next new key that does
     * not fit spills them (on RocksDB), and a window emitted in part from the heap and in part from
     * the state still counts every record once. The weight goes back to zero when all is emitted.
     */
    @Test
    void theHeapBoundCountsWhatEntriesWeigh() throws Exception {
        WindowAggregateOperator<String, long[], String> op =
                WindowAggregateOperator.create(
                        tumbling(),
                        LATE,
                        new CountAndSum(),
                        new Format(),
                        PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO,
                        acc -> acc[0],
                        10,
                        Duration.ZERO,
                        Duration.ofHours(1));
        try (var h = harness(op, 128, 1, 0)) {
            h.setStateBackend(new EmbeddedRocksDBStateBackend());
            h.open();
            for (int i = 0; i < 5; i++) {
                record(h, "a,1", 1_000);
            }
            for (int i = 0; i < 4; i++) {
                record(h, "b,2", 1_000);
            }
            record(h, "c,3", 1_000);
            assertThat(op.heapWeight()).isEqualTo(10);
            assertThat(op.heapEntries()).as("three keys weighing 10: all fit").isEqualTo(3);
            record(h, "a,1", 1_000);
            assertThat(op.heapEntries()).as("a grew; nothing new yet").isEqualTo(3);
            record(h, "d,4", 1_000);
            assertThat(op.heapEntries()).as("d did not fit: the rest spilled").isEqualTo(1);
            assertThat(op.heapWeight()).isEqualTo(1);
            record(h, "a,1", 1_000);
            assertThat(op.heapWeight()).isEqualTo(2);

            h.processWatermark(new Watermark(SIZE - 1));
            runMails(h);

            assertThat(values(h))
                    .containsExactlyInAnyOrder("a@0:7:7", "b@0:4:8", "c@0:1:3", "d@0:1:4");
            assertThat(op.heapWeight()).isZero();
        }
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, String, String> pooledHarness(
            HeapEntryBudget pool, int guaranteed) throws Exception {
        WindowAggregateOperator<String, long[], String> op = operator(tumbling(), 0, Duration.ZERO);
        op.usePool(pool, guaranteed);
        var h = harness(op, 128, 1, 0);
        h.setStateBackend(new EmbeddedRocksDBStateBackend());
        return h;
    }

    /** Keys of window [0, SIZE) in the operator's keyed state (RocksDB too). */
    private static long storedKeys(KeyedOneInputStreamOperatorTestHarness<String, String, String> h)
            throws Exception {
        try (Stream<String> keys =
                ((WindowAggregateOperator<?, ?, ?>) h.getOperator())
                        .<String>getKeyedStateBackend()
                        .getKeys("window-accumulators", new TimeWindow(0, SIZE))) {
            return keys.count();
        }
    }

    private static int heapEntries(
            KeyedOneInputStreamOperatorTestHarness<String, String, String> h) {
        return ((WindowAggregateOperator<?, ?, ?>) h.getOperator()).heapEntries();
    }

    /**
     * Random records, watermarks, checkpoints with a restore right after them (a crash), and slices
     * left unfinished, against the model; a heap of three entries makes RocksDB runs spill all the
     * time.
     */
    @ParameterizedTest
    @CsvSource({"rocksdb,3,1", "rocksdb,1000,2", "hashmap,3,3", "hashmap,1000,4"})
    void matchesTheModelThroughSpillsCheckpointsAndRestores(
            String backend, int maxEntries, long seed) throws Exception {
        Random random = new Random(seed);
        Map<String, long[]> model = new TreeMap<>();
        long modelWatermark = Long.MIN_VALUE;
        int modelLate = 0;
        List<String> out = new ArrayList<>();
        int late = 0;
        var h = harness(tumbling(), maxEntries, Duration.ZERO);
        h.setStateBackend(backend(backend));
        h.open();
        long now = 0;
        for (int step = 0; step < 1500; step++) {
            int action = random.nextInt(100);
            if (action < 80) {
                String key = "k" + random.nextInt(12);
                long ts = Math.max(0, now + random.nextInt(25_000) - 5_000);
                long value = random.nextInt(100);
                record(h, key + "," + value, ts);
                long windowStart = ts - ts % SIZE;
                if (windowStart + SIZE - 1 <= modelWatermark) {
                    modelLate++;
                } else {
                    long[] cs = model.computeIfAbsent(key + "@" + windowStart, x -> new long[2]);
                    cs[0]++;
                    cs[1] += value;
                }
            } else if (action < 97) {
                now += random.nextInt(6_000);
                modelWatermark = Math.max(modelWatermark, now);
                h.processWatermark(new Watermark(now));
                if (random.nextBoolean()) {
                    runMails(h);
                } else {
                    for (int i = random.nextInt(4); i > 0; i--) {
                        runOneMail(h);
                    }
                }
            } else {
                OperatorSubtaskState snapshot = h.snapshot(step, step);
                out.addAll(values(h));
                late += h.getSideOutput(LATE) == null ? 0 : h.getSideOutput(LATE).size();
                h.close();
                h = harness(tumbling(), maxEntries, Duration.ZERO);
                h.setStateBackend(backend(backend));
                h.initializeState(snapshot);
                h.open();
            }
        }
        h.processWatermark(Watermark.MAX_WATERMARK);
        out.addAll(values(h));
        late += h.getSideOutput(LATE) == null ? 0 : h.getSideOutput(LATE).size();
        h.close();

        List<String> want = new ArrayList<>();
        model.forEach((kw, cs) -> want.add(kw + ":" + cs[0] + ":" + cs[1]));
        assertThat(out).containsExactlyInAnyOrderElementsOf(want);
        assertThat(late).isEqualTo(modelLate);
        assertThat(modelLate).as("the run has late records").isPositive();
    }

    // ---------------------------------------------------------------------------------------

    private static org.apache.flink.runtime.state.StateBackend backend(String name) {
        return name.equals("rocksdb")
                ? new EmbeddedRocksDBStateBackend()
                : new HashMapStateBackend();
    }

    private static WindowAssigner<Object, TimeWindow> tumbling() {
        return TumblingEventTimeWindows.of(Duration.ofMillis(SIZE));
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, String, String> harness(
            WindowAssigner<Object, TimeWindow> assigner, int maxEntries, Duration turn)
            throws Exception {
        return harness(assigner, maxEntries, turn, 128, 1, 0);
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, String, String> harness(
            WindowAssigner<Object, TimeWindow> assigner,
            int maxEntries,
            Duration turn,
            int maxParallelism,
            int parallelism,
            int subtask)
            throws Exception {
        return harness(operator(assigner, maxEntries, turn), maxParallelism, parallelism, subtask);
    }

    private static WindowAggregateOperator<String, long[], String> operator(
            WindowAssigner<Object, TimeWindow> assigner, int maxEntries, Duration turn) {
        // A slice of zero: one key per slice, so every step of the emitting is visible.
        return WindowAggregateOperator.create(
                assigner,
                LATE,
                new CountAndSum(),
                new Format(),
                PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO,
                // Each entry weighs one: the bounds of these tests count entries.
                acc -> 1,
                maxEntries,
                Duration.ZERO,
                turn);
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, String, String> harness(
            WindowAggregateOperator<String, long[], String> op,
            int maxParallelism,
            int parallelism,
            int subtask)
            throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                op,
                r -> r.substring(0, r.indexOf(',')),
                Types.STRING,
                maxParallelism,
                parallelism,
                subtask);
    }

    private static void record(
            KeyedOneInputStreamOperatorTestHarness<String, String, String> h, String r, long ts)
            throws Exception {
        h.processElement(new StreamRecord<>(r, ts));
    }

    /** The values emitted since the last call. */
    private static List<String> values(
            KeyedOneInputStreamOperatorTestHarness<String, String, String> h) {
        List<String> v = h.extractOutputValues();
        h.getOutput().removeIf(StreamRecord.class::isInstance);
        return v;
    }

    private static List<Watermark> watermarks(
            KeyedOneInputStreamOperatorTestHarness<String, String, String> h) {
        return h.getOutput().stream()
                .filter(Watermark.class::isInstance)
                .map(Watermark.class::cast)
                .toList();
    }

    private static boolean runOneMail(
            KeyedOneInputStreamOperatorTestHarness<String, String, String> h) throws Exception {
        Optional<Mail> mail = h.getTaskMailbox().tryTake(TaskMailbox.MIN_PRIORITY);
        if (mail.isPresent()) {
            mail.get().run();
        }
        return mail.isPresent();
    }

    private static void runMails(KeyedOneInputStreamOperatorTestHarness<String, String, String> h)
            throws Exception {
        int n = 0;
        while (runOneMail(h)) {
            assertThat(++n).as("the emitting ends").isLessThan(100_000);
        }
    }

    /** Count and sum of the records' values. */
    static final class CountAndSum implements AggregateFunction<String, long[], long[]> {
        @Override
        public long[] createAccumulator() {
            return new long[2];
        }

        @Override
        public long[] add(String r, long[] acc) {
            acc[0]++;
            acc[1] += Long.parseLong(r.substring(r.indexOf(',') + 1));
            return acc;
        }

        @Override
        public long[] getResult(long[] acc) {
            return acc;
        }

        @Override
        public long[] merge(long[] a, long[] b) {
            a[0] += b[0];
            a[1] += b[1];
            return a;
        }
    }

    static final class Format extends ProcessWindowFunction<long[], String, String, TimeWindow> {
        @Override
        public void process(String key, Context ctx, Iterable<long[]> accs, Collector<String> out) {
            long[] acc = accs.iterator().next();
            out.collect(key + "@" + ctx.window().getStart() + ":" + acc[0] + ":" + acc[1]);
        }
    }
}
