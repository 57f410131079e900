package io.streamwatch.aggregation;

import io.streamwatch.operators.CheckpointedWatermark;
import io.streamwatch.records.Level;
import io.streamwatch.records.LogEvent;
import io.streamwatch.records.MetricPoint;
import io.streamwatch.records.OtelPoint;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.api.common.operators.MailboxExecutor;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;

/**
 * Combines the events of one key and tumbling window in the source task, before the keyBy, and
 * sends one partial event in their place (a log event with a count, a metric point with several
 * values). The windows' cost is per record reaching them: a network hop, a state read and write and
 * a timer each. With thousands of events per key and window, combining first removes most of it;
 * the window folds a partial exactly as it would fold the events it stands for.
 *
 * <p>Why the results stay exact:
 *
 * <ul>
 *   <li>A window's partials are sent before the watermark that closes it, so a partial is never
 *       late downstream: the windows' watermark is the minimum over the source tasks, never ahead
 *       of this one's. An event whose window this task's watermark has already passed is sent on as
 *       it is, so the windows judge its lateness themselves (and the late-events topic gets the
 *       real event).
 *   <li>What is held at a checkpoint goes into the checkpoint as operator state (as the partial
 *       events it would send), with the source offsets past the events it stands for; a restored
 *       task sends it on at once. Sending it before every barrier instead would hand the windows
 *       several partials per key and window, each kept there across the checkpoint: the windows
 *       would write all their keys to state at every checkpoint. Held to the window's end, the
 *       partials reach the windows just before the watermark that closes them. Everything held is
 *       also sent before the task turns idle.
 *   <li>While a task is idle, the others' watermark moves on without it; when it gets events again,
 *       its own watermark may be behind the windows' for a while, and what it combined could arrive
 *       late. So after idleness it sends events on as they are until its watermark has moved a
 *       whole window past the first one it emitted again. Should a partial still arrive late (the
 *       others being more than that ahead), it goes to the late-events topic as one record with its
 *       count (and values), not as the events it stands for.
 *   <li>Only events the window would fold alike are combined: ERROR/FATAL lines go on one by one,
 *       since the template miner after the keyBy learns from each message.
 * </ul>
 *
 * <p>At most {@code maxEntries} partials are held; beyond, all are sent (early, which is always
 * correct). A partial is sent early too when it is full ({@link #add} says so).
 *
 * <p><b>When combining does not pay.</b> With many keys and few events per key and window (a
 * million keys at two points each a minute), almost every event starts a partial of its own, and
 * the entry bound sends it on alone: the windows get as many records as without combining, and the
 * map, the partial and its copy were pure cost (a tenth of the job's CPU, and garbage). So the
 * operator watches itself: when, of {@link #TRIAL_EVENTS} events it could combine, more than {@link
 * #BYPASS_START_SHARE} started a partial, it sends the next {@link #BYPASS_EVENTS} on as they are
 * (counted in {@code eventsNotCombined}), then tries again. Sending an event on is always correct;
 * what is held stays held and goes as before.
 *
 * <p><b>Records.</b> With object reuse, the event received may be reused by whoever sent it once
 * {@link #processElement} returns, and other chained operators may receive the same object. So a
 * partial never holds the event it started from: {@link #start} copies the fields it needs into an
 * object of its own (strings and the {@code record} array are shared: nothing writes into them). An
 * event sent on uncombined is passed on as it came, unchanged. A partial, once sent, belongs to the
 * receiver: it has left this operator's map before it is sent.
 *
 * @param <T> the event type
 * @param <P> a partial in the making
 */
public abstract class PreAggregator<T, P> extends AbstractStreamOperator<T>
        implements OneInputStreamOperator<T, T>, BoundedOneInput {
    private static final long serialVersionUID = 1L;

    /** Events that could be combined, over which the operator judges whether combining pays. */
    static final int TRIAL_EVENTS = 100_000;

    /**
     * Combining stops when more than this share of a trial's events started a partial (fewer than
     * one in five joined one): the threshold Trino's adaptive partial aggregation uses.
     */
    static final double BYPASS_START_SHARE = 0.8;

    /** Events sent on uncombined after a trial that did not pay, before the next trial. */
    static final int BYPASS_EVENTS = 20 * TRIAL_EVENTS;

    private final long windowSize;
    private final int maxEntries;
    private final int slotsPerKey;
    private final int trialEvents;
    private final int bypassEvents;

    /**
     * Held partials by window end (the window's max timestamp), then by key, then by slot (the
     * level, for logs).
     */
    private transient NavigableMap<Long, Map<String, Object[]>> byWindow;

    /** The window of the last event combined, and its partials: most events fall in it. */
    private transient long currentWindowMax;

    private transient Map<String, Object[]> currentWindow;

    private transient int entries;
    private transient long watermark;

    /** After idleness: events pass as they are until the watermark reaches this. */
    private transient long combineFrom;

    private transient boolean resumed;
    private transient StreamRecord<T> out;

    /** The partials held at the last checkpoint, as the events that stand for them. */
    private transient ListState<T> heldState;

    private transient CheckpointedWatermark checkpointedWatermark;

    private transient long restoredWatermark;

    private transient MailboxExecutor mailbox;

    /** Events of the current trial that could be combined, and how many of them started one. */
    private transient int tried;

    private transient int started;

    /** Events still to send on uncombined: combining did not pay in the last trial. */
    private transient int bypass;

    private transient Counter notCombined;

    /**
     * @param slotsPerKey how many partials one key may have per window (see {@link #slot})
     */
    protected PreAggregator(Duration windowSize, int maxEntries, int slotsPerKey) {
        this(windowSize, maxEntries, slotsPerKey, TRIAL_EVENTS, BYPASS_EVENTS);
    }

    /** With trials of a test's own size (see {@link #TRIAL_EVENTS}). */
    @VisibleForTesting
    PreAggregator(
            Duration windowSize,
            int maxEntries,
            int slotsPerKey,
            int trialEvents,
            int bypassEvents) {
        this.windowSize = windowSize.toMillis();
        this.maxEntries = maxEntries;
        this.slotsPerKey = slotsPerKey;
        this.trialEvents = trialEvents;
        this.bypassEvents = bypassEvents;
    }

    /**
     * Which of its key's partials an event joins, from 0 to {@code slotsPerKey - 1}, or -1 to send
     * it on as it is.
     */
    protected abstract int slot(T event);

    /** The key an event is combined under. */
    protected abstract String key(T event);

    /** A new partial holding {@code event}. */
    protected abstract P start(T event);

    /** Adds {@code event} to {@code partial}; true when the partial is full and must go now. */
    protected abstract boolean add(P partial, T event);

    /** The event that stands for {@code partial}, stamped with its window's max timestamp. */
    protected abstract T result(P partial, long windowMaxTimestamp);

    /** The type of the events, for the checkpointed partials. */
    protected abstract TypeInformation<T> eventType();

    /** The time of an event {@link #result} made: its window's max timestamp. */
    protected abstract long timestamp(T partialEvent);

    @Override
    public void setMailboxExecutor(MailboxExecutor mailboxExecutor) {
        super.setMailboxExecutor(mailboxExecutor);
        this.mailbox = mailboxExecutor;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        heldState =
                context.getOperatorStateStore()
                        .getListState(new ListStateDescriptor<>("held-partials", eventType()));
        checkpointedWatermark = CheckpointedWatermark.register(context.getOperatorStateStore());
        // Events at or before it pass uncombined, as they did before the restore, so the windows
        // judge them one by one (passing an event on is always correct).
        restoredWatermark = checkpointedWatermark.restored();
    }

    /** The partials held go into the checkpoint; they stay held. */
    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        List<T> held = new ArrayList<>(entries);
        for (Map.Entry<Long, Map<String, Object[]>> w : byWindow.entrySet()) {
            for (Object[] slots : w.getValue().values()) {
                for (Object partial : slots) {
                    if (partial != null) {
                        @SuppressWarnings("unchecked")
                        P p = (P) partial;
                        held.add(result(p, w.getKey()));
                    }
                }
            }
        }
        heldState.update(held);
        checkpointedWatermark.save(watermark);
    }

    @Override
    public void open() throws Exception {
        super.open();
        byWindow = new TreeMap<>();
        currentWindow = null;
        entries = 0;
        watermark = restoredWatermark;
        combineFrom = Long.MIN_VALUE;
        out = new StreamRecord<>(null);
        tried = 0;
        started = 0;
        bypass = 0;
        notCombined = getMetricGroup().counter("eventsNotCombined");
        List<T> restored = new ArrayList<>();
        heldState.get().forEach(restored::add);
        if (!restored.isEmpty()) {
            // Sent on at once, from the mailbox (before any input): early is always correct, and
            // after a rescale two of them may be for the same key and window.
            mailbox.execute(
                    () -> {
                        for (T e : restored) {
                            output.collect(new StreamRecord<>(e, timestamp(e)));
                        }
                    },
                    "Send the partials held at the checkpoint");
        }
    }

    @Override
    public void processElement(StreamRecord<T> element) throws Exception {
        T event = element.getValue();
        int slot = element.hasTimestamp() ? slot(event) : -1;
        if (slot < 0) {
            output.collect(element);
            return;
        }
        if (bypass > 0) {
            bypass--;
            notCombined.inc();
            output.collect(element);
            return;
        }
        long ts = element.getTimestamp();
        long windowMax = ts - Math.floorMod(ts, windowSize) + windowSize - 1;
        if (windowMax <= watermark || resumed || watermark < combineFrom) {
            // Late for this task already, or maybe for the windows (back from idleness): the
            // windows decide, with the event itself.
            output.collect(element);
            return;
        }
        if (currentWindow == null || windowMax != currentWindowMax) {
            currentWindow = byWindow.computeIfAbsent(windowMax, w -> new HashMap<>());
            currentWindowMax = windowMax;
        }
        // get and put, not computeIfAbsent: its lambda captures this and was allocated per record.
        String key = key(event);
        Object[] slots = currentWindow.get(key);
        if (slots == null) {
            slots = new Object[slotsPerKey];
            currentWindow.put(key, slots);
        }
        @SuppressWarnings("unchecked")
        P partial = (P) slots[slot];
        if (partial == null) {
            slots[slot] = start(event);
            started++;
            if (++entries >= maxEntries) {
                flushAll();
            }
        } else if (add(partial, event)) {
            slots[slot] = null;
            entries--;
            emit(partial, windowMax);
        }
        if (++tried == trialEvents) {
            if (started > BYPASS_START_SHARE * tried) {
                bypass = bypassEvents;
            }
            tried = 0;
            started = 0;
        }
    }

    /** Sends the partials of every window this watermark closes, then the watermark. */
    @Override
    public void processWatermark(Watermark mark) throws Exception {
        watermark = Math.max(watermark, mark.getTimestamp());
        if (resumed) {
            resumed = false;
            combineFrom = watermark + windowSize;
        }
        while (!byWindow.isEmpty() && byWindow.firstKey() <= watermark) {
            Map.Entry<Long, Map<String, Object[]>> first = byWindow.pollFirstEntry();
            flush(first.getKey(), first.getValue());
        }
        super.processWatermark(mark);
    }

    @Override
    public void processWatermarkStatus(WatermarkStatus status) throws Exception {
        if (status.isIdle()) {
            // Once idle, the other tasks' watermark may pass windows held here.
            flushAll();
            resumed = true;
        }
        super.processWatermarkStatus(status);
    }

    @Override
    public void endInput() throws Exception {
        flushAll();
    }

    private void flushAll() {
        while (!byWindow.isEmpty()) {
            Map.Entry<Long, Map<String, Object[]>> first = byWindow.pollFirstEntry();
            flush(first.getKey(), first.getValue());
        }
        entries = 0;
    }

    private void flush(long windowMax, Map<String, Object[]> window) {
        if (window == currentWindow) {
            currentWindow = null;
        }
        for (Object[] slots : window.values()) {
            for (Object partial : slots) {
                if (partial != null) {
                    @SuppressWarnings("unchecked")
                    P p = (P) partial;
                    emit(p, windowMax);
                    entries--;
                }
            }
        }
    }

    private void emit(P partial, long windowMax) {
        output.collect(out.replace(result(partial, windowMax), windowMax));
    }

    /**
     * Log lines: per key, window and level, all but ERROR/FATAL (the miner needs each of those).
     */
    public static final class Logs extends PreAggregator<LogEvent, LogEvent> {
        private static final long serialVersionUID = 1L;

        public Logs(Duration windowSize, int maxEntries) {
            super(windowSize, maxEntries, Level.values().length);
        }

        @VisibleForTesting
        Logs(Duration windowSize, int maxEntries, int trialEvents, int bypassEvents) {
            super(windowSize, maxEntries, Level.values().length, trialEvents, bypassEvents);
        }

        @Override
        protected int slot(LogEvent e) {
            return Level.of(e.level).isError() ? -1 : e.level;
        }

        @Override
        protected String key(LogEvent e) {
            return e.key;
        }

        @Override
        protected LogEvent start(LogEvent e) {
            LogEvent partial = new LogEvent();
            partial.key = e.key;
            partial.level = e.level;
            partial.count = e.count;
            // Where the first of them came from, should the partial ever be late.
            partial.topic = e.topic;
            partial.partition = e.partition;
            partial.offset = e.offset;
            // While it stands for that one line, it can still be written out whole if late.
            partial.record = e.count == 1 ? e.record : null;
            return partial;
        }

        @Override
        protected boolean add(LogEvent partial, LogEvent e) {
            partial.count += e.count;
            partial.record = null;
            return false;
        }

        @Override
        protected LogEvent result(LogEvent partial, long windowMaxTimestamp) {
            partial.timestamp = windowMaxTimestamp;
            return partial;
        }

        @Override
        protected TypeInformation<LogEvent> eventType() {
            return TypeInformation.of(LogEvent.class);
        }

        @Override
        protected long timestamp(LogEvent partialEvent) {
            return partialEvent.timestamp;
        }
    }

    /**
     * Metric points: the values of one key and window, up to {@link #MAX_VALUES} per partial.
     * Values rather than a sketch, so the window's figures are computed from the very samples.
     */
    public static final class Metrics extends PreAggregator<MetricPoint, Metrics.Values> {
        private static final long serialVersionUID = 1L;

        /** Values per partial point: bounds what a key holds and the record's size. */
        public static final int MAX_VALUES = 256;

        public Metrics(Duration windowSize, int maxEntries) {
            super(windowSize, maxEntries, 1);
        }

        @VisibleForTesting
        Metrics(Duration windowSize, int maxEntries, int trialEvents, int bypassEvents) {
            super(windowSize, maxEntries, 1, trialEvents, bypassEvents);
        }

        /**
         * A growing array of one key's values, and what the partial point takes from the first of
         * them: copied, since the point itself may be reused once the operator returns.
         */
        static final class Values {
            final String key;
            final String name;
            final String topic;
            final int partition;
            final long offset;
            final byte[] record;
            double[] values = new double[8];
            int size;

            Values(MetricPoint first) {
                key = first.key;
                name = first.name;
                topic = first.topic;
                partition = first.partition;
                offset = first.offset;
                record = first.record;
            }
        }

        /** A histogram or summary point of the {@code otel} format goes on as it is. */
        @Override
        protected int slot(MetricPoint p) {
            return p instanceof OtelPoint ? -1 : 0;
        }

        @Override
        protected String key(MetricPoint p) {
            return p.key;
        }

        @Override
        protected Values start(MetricPoint p) {
            Values v = new Values(p);
            add(v, p);
            return v;
        }

        @Override
        protected boolean add(Values v, MetricPoint p) {
            if (p.values == null) {
                append(v, p.value);
            } else {
                for (double x : p.values) {
                    append(v, x);
                }
            }
            return v.size >= MAX_VALUES;
        }

        private static void append(Values v, double x) {
            if (v.size == v.values.length) {
                v.values = Arrays.copyOf(v.values, v.size * 2);
            }
            v.values[v.size++] = x;
        }

        @Override
        protected MetricPoint result(Values v, long windowMaxTimestamp) {
            MetricPoint partial = new MetricPoint();
            partial.key = v.key;
            partial.name = v.name;
            partial.timestamp = windowMaxTimestamp;
            partial.topic = v.topic;
            partial.partition = v.partition;
            partial.offset = v.offset;
            partial.value = v.values[0];
            // One value needs no array: the point is sent as the event it was.
            partial.values = v.size == 1 ? null : Arrays.copyOf(v.values, v.size);
            partial.record = v.size == 1 ? v.record : null;
            return partial;
        }

        @Override
        protected TypeInformation<MetricPoint> eventType() {
            return TypeInformation.of(MetricPoint.class);
        }

        @Override
        protected long timestamp(MetricPoint partialEvent) {
            return partialEvent.timestamp;
        }
    }
}
