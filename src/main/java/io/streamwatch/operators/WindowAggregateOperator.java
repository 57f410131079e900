package io.streamwatch.operators;

import java.io.BufferedInputStream;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.api.common.operators.MailboxExecutor;
import org.apache.flink.api.common.state.KeyedStateStore;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.core.memory.DataInputViewStreamWrapper;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.runtime.state.KeyGroupStatePartitionStreamProvider;
import org.apache.flink.runtime.state.KeyGroupsList;
import org.apache.flink.runtime.state.KeyedStateCheckpointOutputStream;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.runtime.state.internal.InternalValueState;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.operators.AbstractUdfStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.TimestampedCollector;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.api.windowing.assigners.WindowAssigner;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.types.StringValue;
import org.apache.flink.util.OutputTag;

/**
 * Keyed event-time window aggregation whose open windows live on the heap and reach keyed state
 * only when a checkpoint is taken. It replaces Flink's window operator on the job's hot path.
 *
 * <p>Why: Flink's window operator reads and writes each key's accumulator in the state backend for
 * every record (with RocksDB, a native round trip and a serialization of the sketch each way) and
 * keeps an event-time timer per key and window. Most of a window's records arrive in the seconds
 * before it closes (the pre-aggregator sends its partials then), so most accumulators are born,
 * folded and emitted between two checkpoints and never need the state backend at all. Here:
 *
 * <ul>
 *   <li>Each window's accumulators are in a hash map by key; a record folds into it in place.
 *   <li>No timers: when the watermark passes a window's end, the operator walks that window's map
 *       and emits every key's aggregate, in slices with the input's turn in between (as {@link
 *       TimerSlicer} does for timers), so a checkpoint barrier never waits behind a million keys.
 *   <li>At each checkpoint, the accumulators on the heap are written to raw keyed state, key group
 *       by key group, in one sequential stream, so the checkpoint holds every open window without a
 *       state backend write per key (and no delete when the window is done). On restore and
 *       rescale, each subtask loads the entries of its key groups back onto the heap.
 *   <li>The highest watermark the operator has acted on is checkpointed too, so a restored job
 *       treats a record for a window it already emitted as late, as the uninterrupted run did,
 *       instead of opening that window again (SPEC section 6).
 *   <li>When the heap holds more accumulators than this subtask may (a million keys), and the state
 *       backend keeps state off the heap (RocksDB), the heap is spilled: every entry is written to
 *       state and dropped, and later records of those windows are folded into fresh entries that
 *       are merged into the state at the next checkpoint or spill. Such a window is emitted by
 *       iterating its keys in the state backend. How much it may hold is counted in the heap bytes
 *       the {@link Weigher} says each entry takes: a fixed bound (tests), or {@link
 *       HeapEntryBudget#GUARANTEED} plus what it takes from the pool that all window subtasks of
 *       the job in this TaskManager share ({@link HeapEntryBudget}).
 * </ul>
 *
 * <p>A record whose window the watermark has passed goes to {@code lateData}. There is no allowed
 * lateness: a window is emitted once and forgotten (a pipeline with allowed lateness uses {@link
 * InterruptibleWindowOperator}, Flink's window operator). Results carry the window's max timestamp.
 * The window function sees one accumulator per key and window, as with Flink's {@code aggregate}.
 *
 * @param <IN> the records
 * @param <ACC> the accumulator
 * @param <OUT> the aggregates
 */
public final class WindowAggregateOperator<IN, ACC, OUT>
        extends AbstractUdfStreamOperator<OUT, ProcessWindowFunction<ACC, OUT, String, TimeWindow>>
        implements OneInputStreamOperator<IN, OUT> {
    private static final long serialVersionUID = 1L;

    private static final String STATE_NAME = "window-accumulators";

    /**
     * Starts each key group this operator writes to raw keyed state ("SWA1"): a key group without
     * it (Flink's legacy timer snapshot of a release before, which held no timers) is passed over.
     */
    private static final int RAW_MAGIC = 0x53574131;

    private final WindowAssigner<Object, TimeWindow> assigner;
    private final AggregateFunction<IN, ACC, ACC> aggregate;
    private final TypeInformation<ACC> accumulatorType;
    private final OutputTag<IN> lateData;

    /** What an entry weighs, in the unit of the bounds below. */
    private final Weigher<ACC> weigher;

    /** What the entries on the heap may weigh at most, or 0 for the shared pool. */
    private final long configuredMaxWeight;

    private final Duration slice;
    private final Duration turn;

    /** The shared pool, or null: a fixed bound, or heap state (which never spills). */
    private transient HeapEntryBudget budget;

    /** Weight on the heap allowed now: the fixed bound, or the guaranteed plus what was taken. */
    private transient long allowed;

    /** What this subtask may always hold when it draws on the pool. */
    private transient long guaranteed;

    // A pool of the test's own instead of the shared one, and its guarantee (see usePool).
    private transient HeapEntryBudget testPool;
    private transient long testGuaranteed;
    private transient MailboxExecutor mailbox;
    private transient InternalValueState<String, TimeWindow, ACC> state;
    private transient CheckpointedWatermark checkpointedWatermark;
    private transient TypeSerializer<ACC> accumulatorSerializer;
    private transient boolean stateOffHeap;

    /** Windows not yet emitted, by max timestamp. */
    private transient TreeMap<Long, Pane<ACC>> open;

    private transient int entries;

    /** What the entries on the heap weigh together. */
    private transient long weight;

    /** The watermark: the highest seen, restored included. */
    private transient long watermark;

    /** The highest watermark passed on downstream. */
    private transient long emittedWatermark;

    // The window being emitted in slices, and where the walk stands: over its heap entries, or
    // over its keys in the state when it was spilled.
    private transient Pane<ACC> emitting;
    private transient Iterator<Map.Entry<String, Entry<ACC>>> entryWalk;
    private transient Stream<String> storedKeys;
    private transient Iterator<String> keyWalk;

    private transient TimerSlicer slicer;

    private transient TimestampedCollector<OUT> collector;
    private transient WindowContext context;
    private transient SingleValue<ACC> single;
    private transient WindowAssigner.WindowAssignerContext assignerContext;
    private transient Counter lateRecordsDropped;

    private WindowAggregateOperator(
            WindowAssigner<Object, TimeWindow> assigner,
            AggregateFunction<IN, ACC, ACC> aggregate,
            ProcessWindowFunction<ACC, OUT, String, TimeWindow> function,
            TypeInformation<ACC> accumulatorType,
            OutputTag<IN> lateData,
            Weigher<ACC> weigher,
            long maxWeight,
            Duration slice,
            Duration turn) {
        super(function);
        if (!assigner.isEventTime()) {
            throw new IllegalArgumentException("event-time windows only: " + assigner);
        }
        this.assigner = assigner;
        this.aggregate = aggregate;
        this.accumulatorType = accumulatorType;
        this.lateData = lateData;
        this.weigher = weigher;
        this.configuredMaxWeight = maxWeight;
        this.slice = slice;
        this.turn = turn;
    }

    /**
     * As {@code input.window(assigner).sideOutputLateData(lateData).aggregate(..)}, with this
     * operator.
     */
    public static <IN, ACC, OUT> SingleOutputStreamOperator<OUT> aggregate(
            KeyedStream<IN, String> input,
            WindowAssigner<Object, TimeWindow> assigner,
            OutputTag<IN> lateData,
            AggregateFunction<IN, ACC, ACC> aggregate,
            ProcessWindowFunction<ACC, OUT, String, TimeWindow> function,
            TypeInformation<ACC> accumulatorType,
            Weigher<ACC> heapBytes,
            TypeInformation<OUT> outputType,
            String name) {
        return input.transform(
                name,
                outputType,
                create(
                        assigner,
                        lateData,
                        aggregate,
                        function,
                        accumulatorType,
                        heapBytes,
                        0,
                        TimerSlicer.SLICE,
                        TimerSlicer.TURN));
    }

    /**
     * What one key's entry of one window takes on the heap, for the budget: the accumulator, plus
     * {@link #ENTRY_BYTES} for the key, the map's node and the entry. Called on every record, so it
     * must be cheap: an estimate from a field or two, not a walk over the object.
     */
    @FunctionalInterface
    public interface Weigher<ACC> extends Serializable {
        long weigh(ACC accumulator);
    }

    /** Heap bytes of an entry besides its accumulator: key string, map node, entry. */
    public static final int ENTRY_BYTES = 160;

    /**
     * The operator alone, for test harnesses: {@code maxWeight} bounds what the heap entries weigh
     * by {@code weigher} (0: the shared pool).
     */
    @VisibleForTesting
    static <IN, ACC, OUT> WindowAggregateOperator<IN, ACC, OUT> create(
            WindowAssigner<Object, TimeWindow> assigner,
            OutputTag<IN> lateData,
            AggregateFunction<IN, ACC, ACC> aggregate,
            ProcessWindowFunction<ACC, OUT, String, TimeWindow> function,
            TypeInformation<ACC> accumulatorType,
            Weigher<ACC> weigher,
            long maxWeight,
            Duration slice,
            Duration turn) {
        return new WindowAggregateOperator<>(
                assigner,
                aggregate,
                function,
                accumulatorType,
                lateData,
                weigher,
                maxWeight,
                slice,
                turn);
    }

    @Override
    public void setMailboxExecutor(MailboxExecutor mailboxExecutor) {
        super.setMailboxExecutor(mailboxExecutor);
        this.mailbox = mailboxExecutor;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        accumulatorSerializer =
                accumulatorType.createSerializer(getExecutionConfig().getSerializerConfig());
        @SuppressWarnings("unchecked")
        InternalValueState<String, TimeWindow, ACC> s =
                (InternalValueState<String, TimeWindow, ACC>)
                        getOrCreateKeyedState(
                                new TimeWindow.Serializer(),
                                new ValueStateDescriptor<>(STATE_NAME, accumulatorSerializer));
        state = s;
        // RocksDB serializes on every write, so the heap object may change afterwards, and
        // spilling frees memory. The heap backend keeps the object itself.
        stateOffHeap = getKeyedStateBackend().isSafeToReuseKVState();
        HeapEntryBudget pool = testPool != null ? testPool : HeapEntryBudget.shared();
        guaranteed = testPool != null ? testGuaranteed : HeapEntryBudget.GUARANTEED;
        budget = configuredMaxWeight > 0 || !stateOffHeap ? null : pool;
        allowed = configuredMaxWeight > 0 ? configuredMaxWeight : guaranteed;
        checkpointedWatermark = CheckpointedWatermark.register(context.getOperatorStateStore());
        open = new TreeMap<>();
        entries = 0;
        weight = 0;
        watermark = Long.MIN_VALUE;
        emittedWatermark = Long.MIN_VALUE;
        if (context.isRestored()) {
            // No window emitted anywhere before the checkpoint opens again.
            watermark = checkpointedWatermark.restored();
            restoreEntries();
            restoreRawEntries(context.getRawKeyedStateInputs());
        }
    }

    /**
     * Loads the entries of this subtask's key groups in keyed state (those of spilled windows, and
     * every entry of a checkpoint taken before the heap's entries went to raw keyed state) back
     * onto the heap.
     */
    private void restoreEntries() throws Exception {
        List<Tuple2<String, TimeWindow>> stored = new ArrayList<>();
        try (Stream<Tuple2<String, TimeWindow>> keys =
                this.<String>getKeyedStateBackend().<TimeWindow>getKeysAndNamespaces(STATE_NAME)) {
            keys.forEach(stored::add);
        }
        boolean spilled = false;
        for (Tuple2<String, TimeWindow> kw : stored) {
            Pane<ACC> pane = pane(kw.f1);
            if (spilled) {
                pane.spilled = true;
                continue;
            }
            setCurrentKey(kw.f0);
            state.setCurrentNamespace(kw.f1);
            ACC acc = state.value();
            long w = weigher.weigh(acc);
            if (stateOffHeap && !room(weight + w)) {
                // The rest stays in the state; what was loaded goes back (it is there already).
                spill();
                spilled = true;
                pane.spilled = true;
                continue;
            }
            Entry<ACC> e = new Entry<>(acc);
            e.persisted = true;
            pane.entries.put(kw.f0, e);
            entries++;
            weight += w;
        }
    }

    /**
     * Loads the heap's entries of the checkpoint ({@link #snapshotState}), of this subtask's key
     * groups, onto the heap again; what does not fit goes to keyed state, as a spill would.
     */
    private void restoreRawEntries(Iterable<KeyGroupStatePartitionStreamProvider> inputs)
            throws Exception {
        for (KeyGroupStatePartitionStreamProvider input : inputs) {
            // Not closed: Flink reads the key groups of one file through one stream.
            DataInputViewStreamWrapper in =
                    new DataInputViewStreamWrapper(new BufferedInputStream(input.getStream()));
            if (in.readInt() != RAW_MAGIC) {
                continue;
            }
            TypeSerializer<ACC> reader = rawReader(in);
            for (int n = in.readInt(); n > 0; n--) {
                String key = StringValue.readString(in);
                TimeWindow w = new TimeWindow(in.readLong(), in.readLong());
                restoreEntry(key, w, reader.deserialize(in));
            }
        }
    }

    /**
     * The serializer that reads the accumulators of a key group: the bytes' own serializer snapshot
     * is there, so a build whose accumulator format changed reads them as keyed state would
     * (migrated, as {@code MetricAccumulatorSerializer} does for another accuracy), or refuses.
     */
    private TypeSerializer<ACC> rawReader(DataInputViewStreamWrapper in) throws Exception {
        TypeSerializerSnapshot<ACC> written =
                TypeSerializerSnapshot.readVersionedSnapshot(in, getUserCodeClassloader());
        TypeSerializerSchemaCompatibility<ACC> compatibility =
                accumulatorSerializer.snapshotConfiguration().resolveSchemaCompatibility(written);
        if (compatibility.isCompatibleAsIs()) {
            return accumulatorSerializer;
        }
        if (compatibility.isCompatibleWithReconfiguredSerializer()) {
            return compatibility.getReconfiguredSerializer();
        }
        if (compatibility.isCompatibleAfterMigration()) {
            return written.restoreSerializer();
        }
        throw new IllegalStateException(
                "The window accumulators of this checkpoint were written by "
                        + written.restoreSerializer()
                        + ", which this build cannot read (restore with the release that wrote"
                        + " them)");
    }

    private void restoreEntry(String key, TimeWindow w, ACC acc) throws Exception {
        Pane<ACC> pane = pane(w);
        long added = weigher.weigh(acc);
        if (!pane.spilled && (!stateOffHeap || room(weight + added))) {
            Entry<ACC> e = new Entry<>(acc);
            e.dirty = true;
            pane.entries.put(key, e);
            entries++;
            weight += added;
            return;
        }
        if (!pane.spilled) {
            spill();
        }
        setCurrentKey(key);
        state.setCurrentNamespace(w);
        ACC stored = state.value();
        state.update(stored == null ? acc : aggregate.merge(stored, acc));
    }

    @Override
    public void open() throws Exception {
        super.open();
        collector = new TimestampedCollector<>(output);
        context = new WindowContext();
        single = new SingleValue<>();
        assignerContext =
                new WindowAssigner.WindowAssignerContext() {
                    @Override
                    public long getCurrentProcessingTime() {
                        return getProcessingTimeService().getCurrentProcessingTime();
                    }
                };
        lateRecordsDropped = getMetricGroup().counter("numLateRecordsDropped");
        slicer = new TimerSlicer(output, mailbox, this::emitUpTo, slice, turn);
        if (watermark != Long.MIN_VALUE) {
            // Restored: the windows the watermark had passed are emitted without waiting for
            // the input's next watermark.
            long restored = watermark;
            mailbox.execute(
                    () -> slicer.processWatermark(new Watermark(restored)),
                    "Emit the windows the restored watermark has passed");
        }
    }

    @Override
    public void processElement(StreamRecord<IN> element) throws Exception {
        slicer.recordSeen();
        IN value = element.getValue();
        long ts = element.getTimestamp();
        boolean late = true;
        for (TimeWindow w : assigner.assignWindows(value, ts, assignerContext)) {
            if (w.maxTimestamp() > watermark) {
                late = false;
                add(w, value);
            }
        }
        if (late) {
            if (lateData != null) {
                output.collect(lateData, element);
            } else {
                lateRecordsDropped.inc();
            }
        }
    }

    private void add(TimeWindow w, IN value) throws Exception {
        String key = (String) getCurrentKey();
        Pane<ACC> pane = open.get(w.maxTimestamp());
        Entry<ACC> e = pane == null ? null : pane.entries.get(key);
        if (e == null) {
            ACC acc = aggregate.add(value, aggregate.createAccumulator());
            long added = weigher.weigh(acc);
            if (weight + added > allowed && stateOffHeap && !room(weight + added)) {
                spill();
            }
            pane = pane(w);
            e = new Entry<>(acc);
            pane.entries.put(key, e);
            entries++;
            weight += added;
        } else {
            // An entry that grows past the bound is caught at the next new one.
            long before = weigher.weigh(e.accumulator);
            e.accumulator = aggregate.add(value, e.accumulator);
            weight += weigher.weigh(e.accumulator) - before;
        }
        e.dirty = true;
    }

    private Pane<ACC> pane(TimeWindow w) {
        Pane<ACC> pane = open.get(w.maxTimestamp());
        if (pane == null) {
            pane = new Pane<>(w);
            open.put(w.maxTimestamp(), pane);
        }
        return pane;
    }

    // ---------------------------------------------------------------------------------------
    // Watermarks: emitting windows in slices (TimerSlicer)

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        // Records read between two slices see the new watermark: a record for a window being
        // emitted is late.
        watermark = Math.max(watermark, mark.getTimestamp());
        slicer.processWatermark(new Watermark(watermark));
    }

    /** Emits the windows {@code upTo} has passed, oldest first; false if {@code stop} said so. */
    private boolean emitUpTo(long upTo, BooleanSupplier stop) throws Exception {
        while (emitting != null || startNextWindow(upTo)) {
            if (emitStep()) {
                finishWindow();
                // Every aggregate before the next open window's end is out: downstream may act on
                // that time now (its timers fire between this window and the next, as they would
                // had the watermarks come one window at a time; see TimerSlicer.passOn).
                Long next = open.isEmpty() ? null : open.firstKey();
                slicer.passOn(next == null ? upTo : Math.min(upTo, next - 1));
            } else if (stop.getAsBoolean()) {
                return false;
            }
        }
        return true;
    }

    /** Takes the oldest window the watermark has passed for emitting; false if there is none. */
    private boolean startNextWindow(long upTo) throws Exception {
        Map.Entry<Long, Pane<ACC>> first = open.firstEntry();
        if (first == null || first.getKey() > upTo) {
            return false;
        }
        open.pollFirstEntry();
        emitting = first.getValue();
        if (emitting.spilled) {
            // What came since the spill joins the stored figures; then the walk is over the keys
            // in the state (RocksDB's iterator reads a snapshot, so deleting behind it is safe).
            write(emitting);
            giveBackSpare();
            storedKeys = this.<String>getKeyedStateBackend().getKeys(STATE_NAME, emitting.window);
            keyWalk = storedKeys.iterator();
        } else {
            entryWalk = emitting.entries.entrySet().iterator();
        }
        return true;
    }

    /** Emits one key of the window being emitted; true when the window is done. */
    private boolean emitStep() throws Exception {
        TimeWindow w = emitting.window;
        if (keyWalk != null) {
            if (!keyWalk.hasNext()) {
                return true;
            }
            String key = keyWalk.next();
            setCurrentKey(key);
            state.setCurrentNamespace(w);
            ACC acc = state.value();
            if (acc != null) {
                emit(key, w, acc);
                state.clear();
            }
            return false;
        }
        if (!entryWalk.hasNext()) {
            return true;
        }
        Map.Entry<String, Entry<ACC>> next = entryWalk.next();
        // Off the heap before it is emitted: a checkpoint between two slices holds only the
        // entries not emitted yet.
        entryWalk.remove();
        Entry<ACC> e = next.getValue();
        entries--;
        weight -= weigher.weigh(e.accumulator);
        giveBackSpare();
        emit(next.getKey(), w, e.accumulator);
        if (e.persisted) {
            setCurrentKey(next.getKey());
            state.setCurrentNamespace(w);
            state.clear();
        }
        return false;
    }

    private void finishWindow() {
        if (storedKeys != null) {
            storedKeys.close();
        }
        emitting = null;
        entryWalk = null;
        storedKeys = null;
        keyWalk = null;
    }

    private void emit(String key, TimeWindow w, ACC acc) throws Exception {
        collector.setAbsoluteTimestamp(w.maxTimestamp());
        context.window = w;
        single.value = acc;
        userFunction.process(key, context, single, collector);
    }

    // ---------------------------------------------------------------------------------------
    // State: written at checkpoints, and when the heap is full

    /**
     * The heap's entries go to raw keyed state, by key group, in one sequential write; a spilled
     * window's go into its keyed state. Why raw: with a million keys, a put of each entry into
     * RocksDB at every checkpoint and a delete of each when its window was emitted were 19% of the
     * job's CPU. Raw keyed state is a stream per checkpoint, not incremental, but it is read back
     * by key group, so restore and rescale find each key where keyed state would.
     */
    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        List<Pane<ACC>> onHeap = new ArrayList<>(open.size() + 1);
        if (emitting != null && !emitting.spilled) {
            onHeap.add(emitting);
        }
        for (Pane<ACC> pane : open.values()) {
            if (pane.spilled) {
                write(pane);
            } else {
                onHeap.add(pane);
            }
        }
        writeRaw(context.getRawKeyedOperatorStateOutput(), onHeap);
        checkpointedWatermark.save(watermark);
        super.snapshotState(context);
    }

    /** This operator writes raw keyed state, so the timer service must not. */
    @Override
    protected boolean isUsingCustomRawKeyedState() {
        return true;
    }

    /** Writes the entries of windows that are not spilled, every key group of this subtask. */
    private void writeRaw(KeyedStateCheckpointOutputStream out, List<Pane<ACC>> panes)
            throws Exception {
        // This subtask's key groups: a contiguous range.
        KeyGroupsList range = out.getKeyGroupList();
        int first = range.getKeyGroupId(0);
        int groups = range.getNumberOfKeyGroups();
        int maxParallelism = getRuntimeContext().getTaskInfo().getMaxNumberOfParallelSubtasks();
        int n = 0;
        for (Pane<ACC> pane : panes) {
            n += pane.entries.size();
        }
        // Entries sorted by key group (a counting sort): each group is written in one piece.
        String[] keys = new String[n];
        int[] group = new int[n];
        @SuppressWarnings("unchecked")
        Pane<ACC>[] paneOf = new Pane[n];
        @SuppressWarnings("unchecked")
        Entry<ACC>[] entryOf = new Entry[n];
        int[] starts = new int[groups + 1];
        int i = 0;
        for (Pane<ACC> pane : panes) {
            for (Map.Entry<String, Entry<ACC>> kv : pane.entries.entrySet()) {
                Entry<ACC> e = kv.getValue();
                if (e.persisted) {
                    // Restored from keyed state: it lives in the raw state from now on.
                    setCurrentKey(kv.getKey());
                    state.setCurrentNamespace(pane.window);
                    state.clear();
                    e.persisted = false;
                    e.dirty = true;
                }
                keys[i] = kv.getKey();
                paneOf[i] = pane;
                entryOf[i] = e;
                group[i] =
                        KeyGroupRangeAssignment.assignToKeyGroup(keys[i], maxParallelism) - first;
                starts[group[i] + 1]++;
                i++;
            }
        }
        for (int g = 0; g < groups; g++) {
            starts[g + 1] += starts[g];
        }
        int[] order = new int[n];
        int[] next = Arrays.copyOf(starts, groups);
        for (int j = 0; j < n; j++) {
            order[next[group[j]]++] = j;
        }
        // Each key group is serialized into one buffer and copied out in one write: a
        // DataOutputStream over a BufferedOutputStream took the stream's lock on every field.
        DataOutputSerializer view = new DataOutputSerializer(1 << 16);
        TypeSerializerSnapshot<ACC> format = accumulatorSerializer.snapshotConfiguration();
        for (int g = 0; g < groups; g++) {
            out.startNewKeyGroup(first + g);
            view.clear();
            view.writeInt(RAW_MAGIC);
            TypeSerializerSnapshot.writeVersionedSnapshot(view, format);
            view.writeInt(starts[g + 1] - starts[g]);
            for (int k = starts[g]; k < starts[g + 1]; k++) {
                int j = order[k];
                Pane<ACC> pane = paneOf[j];
                StringValue.writeString(keys[j], view);
                view.writeLong(pane.window.getStart());
                view.writeLong(pane.window.getEnd());
                accumulatorSerializer.serialize(entryOf[j].accumulator, view);
            }
            out.write(view.getSharedBuffer(), 0, view.length());
        }
    }

    /**
     * Writes a window's changed entries to the state. The entries of a spilled window are additions
     * to what the state holds: they are merged into it and leave the heap.
     */
    private void write(Pane<ACC> pane) throws Exception {
        Iterator<Map.Entry<String, Entry<ACC>>> it = pane.entries.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<String, Entry<ACC>> kv = it.next();
            Entry<ACC> e = kv.getValue();
            if (!e.dirty) {
                continue;
            }
            setCurrentKey(kv.getKey());
            state.setCurrentNamespace(pane.window);
            if (pane.spilled) {
                entries--;
                weight -= weigher.weigh(e.accumulator);
                ACC stored = state.value();
                state.update(
                        stored == null ? e.accumulator : aggregate.merge(stored, e.accumulator));
                it.remove();
            } else {
                state.update(
                        stateOffHeap ? e.accumulator : accumulatorSerializer.copy(e.accumulator));
                e.dirty = false;
                e.persisted = true;
            }
        }
    }

    /** Moves every open window's entries to the state, to free the heap. */
    private void spill() throws Exception {
        for (Pane<ACC> pane : open.values()) {
            write(pane);
            pane.entries.clear();
            pane.spilled = true;
        }
        entries = 0;
        weight = 0;
        giveBackSpare();
    }

    /**
     * Whether the heap may hold entries of weight {@code needed}, taking from the shared pool what
     * is missing; false if the pool has not enough left (or the bound is fixed).
     */
    private boolean room(long needed) {
        while (needed > allowed) {
            if (budget == null || !budget.take()) {
                return false;
            }
            allowed += budget.chunk();
        }
        return true;
    }

    /** Gives the pool back what this subtask took and no longer needs, keeping a chunk spare. */
    private void giveBackSpare() {
        if (budget == null) {
            return;
        }
        long chunk = budget.chunk();
        while (allowed - chunk >= guaranteed && weight + 2 * chunk <= allowed) {
            budget.give(chunk);
            allowed -= chunk;
        }
    }

    @Override
    public void close() throws Exception {
        if (storedKeys != null) {
            storedKeys.close();
        }
        if (budget != null) {
            // close() comes on failure and cancellation too: the pool outlives the subtask.
            budget.give(allowed - guaranteed);
            allowed = guaranteed;
        }
        super.close();
    }

    /**
     * Draws on {@code pool} instead of the shared one, with {@code guaranteed} weight of its own;
     * before the operator's state is initialized. The bound must have been 0 (the pool) at create.
     */
    @VisibleForTesting
    void usePool(HeapEntryBudget pool, long guaranteed) {
        this.testPool = pool;
        this.testGuaranteed = guaranteed;
    }

    /** Accumulators on the heap now, for tests. */
    @VisibleForTesting
    int heapEntries() {
        return entries;
    }

    /** What the accumulators on the heap weigh now, for tests. */
    @VisibleForTesting
    long heapWeight() {
        return weight;
    }

    /** One key's accumulator in one window. */
    private static final class Entry<ACC> {
        ACC accumulator;

        /** Changed since it was last written to the state. */
        boolean dirty;

        /** The state holds a copy, to delete when the window is done. */
        boolean persisted;

        Entry(ACC accumulator) {
            this.accumulator = accumulator;
        }
    }

    /** One window's accumulators by key. */
    private static final class Pane<ACC> {
        final TimeWindow window;
        final Map<String, Entry<ACC>> entries = new HashMap<>();

        /**
         * Its entries were moved to the state: the state holds the window's figures, the heap only
         * what came since.
         */
        boolean spilled;

        Pane(TimeWindow window) {
            this.window = window;
        }
    }

    /** The window function's view of one accumulator. */
    private static final class SingleValue<T> implements Iterable<T> {
        T value;

        @Override
        public Iterator<T> iterator() {
            return Collections.singletonList(value).iterator();
        }
    }

    /** What the window function may ask: the window, the time, and side outputs. */
    private final class WindowContext
            extends ProcessWindowFunction<ACC, OUT, String, TimeWindow>.Context {
        TimeWindow window;

        WindowContext() {
            userFunction.super();
        }

        @Override
        public TimeWindow window() {
            return window;
        }

        @Override
        public long currentProcessingTime() {
            return getProcessingTimeService().getCurrentProcessingTime();
        }

        @Override
        public long currentWatermark() {
            return watermark;
        }

        @Override
        public KeyedStateStore windowState() {
            throw new UnsupportedOperationException("no per-window state in this operator");
        }

        @Override
        public KeyedStateStore globalState() {
            return getKeyedStateStore();
        }

        @Override
        public <X> void output(OutputTag<X> outputTag, X value) {
            output.collect(outputTag, new StreamRecord<>(value, window.maxTimestamp()));
        }
    }
}
