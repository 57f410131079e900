package io.streamwatch.aggregation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.streamwatch.records.Level;
import io.streamwatch.records.LogEvent;
import io.streamwatch.records.MetricPoint;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.tasks.mailbox.Mail;
import org.apache.flink.streaming.runtime.tasks.mailbox.TaskMailbox;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The pre-aggregator in a test harness: what it holds, when it lets go (watermark, idleness, end of
 * input, the entry bound, a full partial, a restore from a checkpoint), and that the windows fold
 * its partials to the very figures they fold from the events themselves.
 */
class PreAggregatorTest {
    private static final long MINUTE = 60_000;
    private static final long T0 = 1_700_000_040_000L; // a minute boundary

    private OneInputStreamOperatorTestHarness<LogEvent, LogEvent> logs;
    private OneInputStreamOperatorTestHarness<MetricPoint, MetricPoint> metrics;

    private void openLogs(int maxEntries) throws Exception {
        logs =
                new OneInputStreamOperatorTestHarness<>(
                        new PreAggregator.Logs(Duration.ofMinutes(1), maxEntries));
        logs.open();
    }

    private void openMetrics(int maxEntries) throws Exception {
        openMetrics(maxEntries, PreAggregator.TRIAL_EVENTS, PreAggregator.BYPASS_EVENTS);
    }

    /** With trials of {@code trialEvents}, and {@code bypassEvents} sent on after one failed. */
    private void openMetrics(int maxEntries, int trialEvents, int bypassEvents) throws Exception {
        metrics =
                new OneInputStreamOperatorTestHarness<>(
                        new PreAggregator.Metrics(
                                Duration.ofMinutes(1), maxEntries, trialEvents, bypassEvents));
        metrics.open();
    }

    @AfterEach
    void close() throws Exception {
        if (logs != null) {
            logs.close();
        }
        if (metrics != null) {
            metrics.close();
        }
    }

    private static LogEvent line(String key, long ts, Level level, String message) {
        LogEvent e = new LogEvent(key, ts, level, message);
        e.topic = "logs";
        e.offset = ts;
        return e;
    }

    private static MetricPoint point(String key, long ts, double value) {
        return new MetricPoint(key, key.substring(0, key.indexOf('|')), ts, value);
    }

    private static <T> List<Object> output(OneInputStreamOperatorTestHarness<T, T> h) {
        List<Object> out = new ArrayList<>(h.getOutput());
        h.getOutput().clear();
        return out;
    }

    @SuppressWarnings("unchecked")
    private static <T> List<StreamRecord<T>> records(List<Object> out) {
        List<StreamRecord<T>> records = new ArrayList<>();
        for (Object o : out) {
            if (o instanceof StreamRecord) {
                records.add((StreamRecord<T>) o);
            }
        }
        return records;
    }

    /**
     * With object reuse, the sender may refill the point it sent once the operator returns: the
     * partial it started must not change with it.
     */
    @Test
    void aPartialKeepsNothingOfThePointItStartedFrom() throws Exception {
        openMetrics(1000);
        MetricPoint reused = point("cpu|a", T0 + 1000, 1.0);
        reused.topic = "metrics";
        reused.partition = 2;
        reused.offset = 100;
        metrics.processElement(reused, T0 + 1000);
        reused.key = "mem|b";
        reused.name = "mem";
        reused.timestamp = T0 + 2000;
        reused.value = 5.0;
        reused.topic = "other";
        reused.partition = 3;
        reused.offset = 101;
        metrics.processElement(reused, T0 + 2000);

        metrics.processWatermark(new Watermark(T0 + MINUTE - 1));

        Map<String, String> partials = new TreeMap<>();
        for (StreamRecord<MetricPoint> r :
                PreAggregatorTest.<MetricPoint>records(output(metrics))) {
            MetricPoint p = r.getValue();
            partials.put(
                    p.key,
                    p.name + " " + p.value + " " + p.topic + "/" + p.partition + "@" + p.offset);
        }
        assertThat(partials)
                .containsExactly(
                        Map.entry("cpu|a", "cpu 1.0 metrics/2@100"),
                        Map.entry("mem|b", "mem 5.0 other/3@101"));
    }

    @Test
    void linesOfAWindowGoAsOnePartialPerLevelBeforeTheWatermarkThatClosesIt() throws Exception {
        openLogs(1000);
        for (int i = 0; i < 10; i++) {
            logs.processElement(line("a", T0 + i * 1000, Level.INFO, "ok " + i), T0 + i * 1000);
        }
        logs.processElement(line("a", T0 + 500, Level.WARN, "slow"), T0 + 500);
        logs.processElement(line("b", T0 + 700, Level.INFO, "ok"), T0 + 700);
        logs.processElement(line("a", T0 + MINUTE, Level.INFO, "next"), T0 + MINUTE);
        assertThat(output(logs)).isEmpty();

        logs.processWatermark(new Watermark(T0 + MINUTE - 2));
        assertThat(records(output(logs))).isEmpty();

        logs.processWatermark(new Watermark(T0 + MINUTE - 1));
        List<Object> out = output(logs);
        assertThat(out).hasSize(4).last().isEqualTo(new Watermark(T0 + MINUTE - 1));
        Map<String, Long> counts = new TreeMap<>();
        for (StreamRecord<LogEvent> r : PreAggregatorTest.<LogEvent>records(out)) {
            assertThat(r.getTimestamp()).isEqualTo(T0 + MINUTE - 1);
            assertThat(r.getValue().timestamp).isEqualTo(T0 + MINUTE - 1);
            assertThat(r.getValue().message).isNull();
            counts.put(r.getValue().key + "/" + Level.of(r.getValue().level), r.getValue().count);
        }
        assertThat(counts)
                .containsExactly(
                        Map.entry("a/INFO", 10L), Map.entry("a/WARN", 1L), Map.entry("b/INFO", 1L));

        // The next window's line is still held: it goes, as a partial, when the input ends.
        logs.endInput();
        assertThat(PreAggregatorTest.<LogEvent>records(output(logs)))
                .extracting(
                        r -> r.getValue().key,
                        r -> r.getValue().count,
                        r -> r.getValue().message,
                        r -> r.getTimestamp())
                .containsExactly(tuple("a", 1L, null, T0 + 2 * MINUTE - 1));
    }

    @Test
    void errorLinesAndLateLinesGoOnAsTheyAre() throws Exception {
        openLogs(1000);
        LogEvent error = line("a", T0 + 1, Level.ERROR, "db down id=7");
        logs.processElement(error, T0 + 1);
        assertThat(PreAggregatorTest.<LogEvent>records(output(logs)))
                .singleElement()
                .satisfies(
                        r -> assertThat(r.getValue()).usingRecursiveComparison().isEqualTo(error));

        logs.processWatermark(new Watermark(T0 + MINUTE + 5_000));
        output(logs);
        LogEvent late = line("a", T0 + 30_000, Level.INFO, "late");
        logs.processElement(late, T0 + 30_000);
        assertThat(PreAggregatorTest.<LogEvent>records(output(logs)))
                .singleElement()
                .satisfies(
                        r -> {
                            assertThat(r.getValue()).usingRecursiveComparison().isEqualTo(late);
                            assertThat(r.getTimestamp()).isEqualTo(T0 + 30_000);
                        });
    }

    @Test
    void aCheckpointKeepsWhatIsHeldAndARestoredTaskSendsItAtOnce() throws Exception {
        openLogs(1000);
        logs.processElement(line("a", T0, Level.INFO, "x"), T0);
        logs.processElement(line("a", T0 + 1, Level.INFO, "x"), T0 + 1);
        logs.processElement(line("b", T0 + 3 * MINUTE, Level.DEBUG, "y"), T0 + 3 * MINUTE);
        OperatorSubtaskState snapshot = logs.snapshot(1, 1);
        assertThat(records(output(logs))).isEmpty();
        // The snapshot sent nothing and the task still holds both: its watermark sends them.
        logs.processWatermark(new Watermark(T0 + 4 * MINUTE - 1));
        assertThat(PreAggregatorTest.<LogEvent>records(output(logs)))
                .extracting(r -> r.getValue().key, r -> r.getValue().count, r -> r.getTimestamp())
                .containsExactly(
                        tuple("a", 2L, T0 + MINUTE - 1), tuple("b", 1L, T0 + 4 * MINUTE - 1));
        logs.close();

        logs =
                new OneInputStreamOperatorTestHarness<>(
                        new PreAggregator.Logs(Duration.ofMinutes(1), 1000));
        logs.initializeState(snapshot);
        logs.open();
        runMails(logs);
        assertThat(PreAggregatorTest.<LogEvent>records(output(logs)))
                .extracting(r -> r.getValue().key, r -> r.getValue().count, r -> r.getTimestamp())
                .containsExactlyInAnyOrder(
                        tuple("a", 2L, T0 + MINUTE - 1), tuple("b", 1L, T0 + 4 * MINUTE - 1));
    }

    @Test
    void everythingHeldGoesWhenIdleAndAtTheEnd() throws Exception {
        openLogs(1000);
        logs.processElement(line("a", T0, Level.INFO, "x"), T0);
        logs.processElement(line("a", T0 + 1, Level.INFO, "x"), T0 + 1);
        assertThat(output(logs)).isEmpty();
        logs.processWatermarkStatus(WatermarkStatus.IDLE);
        List<Object> out = output(logs);
        assertThat(out).hasSize(2).last().isEqualTo(WatermarkStatus.IDLE);
        assertThat(PreAggregatorTest.<LogEvent>records(out))
                .extracting(r -> r.getValue().count, r -> r.getValue().message)
                .containsExactly(tuple(2L, null));
        logs.close();

        openLogs(1000);
        logs.processElement(line("a", T0, Level.INFO, "x"), T0);
        logs.processElement(line("a", T0 + 1, Level.INFO, "x"), T0 + 1);
        assertThat(output(logs)).isEmpty();
        logs.endInput();
        assertThat(PreAggregatorTest.<LogEvent>records(output(logs)))
                .extracting(r -> r.getValue().count, r -> r.getValue().message)
                .containsExactly(tuple(2L, null));
        // Nothing is left: a watermark past every window sends only itself.
        logs.processWatermark(new Watermark(Long.MAX_VALUE));
        assertThat(output(logs)).containsExactly(new Watermark(Long.MAX_VALUE));
    }

    @Test
    void afterIdlenessEventsGoOnAsTheyAreUntilTheWatermarkHasMovedAWindow() throws Exception {
        openLogs(1000);
        logs.processWatermarkStatus(WatermarkStatus.IDLE);
        logs.processWatermarkStatus(WatermarkStatus.ACTIVE);
        output(logs);
        // Back from idleness, its own watermark may be behind the windows': these could be late.
        logs.processElement(line("a", T0, Level.INFO, "x"), T0);
        logs.processWatermark(new Watermark(T0 + 1_000));
        logs.processElement(line("a", T0 + MINUTE, Level.INFO, "y"), T0 + MINUTE);
        assertThat(PreAggregatorTest.<LogEvent>records(output(logs)))
                .extracting(r -> r.getValue().message)
                .containsExactly("x", "y");

        // A millisecond short of a whole window past the first watermark: still as they are.
        logs.processWatermark(new Watermark(T0 + 1_000 + MINUTE - 1));
        logs.processElement(line("a", T0 + 2 * MINUTE, Level.INFO, "w"), T0 + 2 * MINUTE);
        assertThat(PreAggregatorTest.<LogEvent>records(output(logs)))
                .extracting(r -> r.getValue().message)
                .containsExactly("w");

        logs.processWatermark(new Watermark(T0 + 1_000 + MINUTE));
        output(logs);
        logs.processElement(line("a", T0 + 2 * MINUTE, Level.INFO, "z"), T0 + 2 * MINUTE);
        assertThat(records(output(logs))).isEmpty();
        // Combined: it comes out as a partial (no message) when its window closes.
        logs.processWatermark(new Watermark(T0 + 3 * MINUTE - 1));
        assertThat(PreAggregatorTest.<LogEvent>records(output(logs)))
                .extracting(
                        r -> r.getValue().count, r -> r.getValue().message, r -> r.getTimestamp())
                .containsExactly(tuple(1L, null, T0 + 3 * MINUTE - 1));
    }

    @Test
    void atTheEntryBoundAllPartialsGo() throws Exception {
        openLogs(3);
        logs.processElement(line("a", T0, Level.INFO, "x"), T0);
        logs.processElement(line("b", T0, Level.INFO, "x"), T0);
        logs.processElement(line("b", T0, Level.INFO, "x"), T0);
        assertThat(output(logs)).isEmpty();
        logs.processElement(line("c", T0 + MINUTE, Level.INFO, "x"), T0 + MINUTE);
        assertThat(PreAggregatorTest.<LogEvent>records(output(logs)))
                .extracting(r -> r.getValue().key, r -> r.getValue().count)
                .containsExactlyInAnyOrder(tuple("a", 1L), tuple("b", 2L), tuple("c", 1L));

        // All went, so the count starts over: two new partials are held, the third sends all.
        logs.processElement(line("d", T0 + MINUTE, Level.INFO, "x"), T0 + MINUTE);
        logs.processElement(line("e", T0 + MINUTE, Level.INFO, "x"), T0 + MINUTE);
        assertThat(output(logs)).isEmpty();
        logs.processElement(line("f", T0 + MINUTE, Level.INFO, "x"), T0 + MINUTE);
        assertThat(PreAggregatorTest.<LogEvent>records(output(logs)))
                .extracting(r -> r.getValue().key)
                .containsExactlyInAnyOrder("d", "e", "f");
    }

    @Test
    void metricValuesTravelTogetherAndAFullPartialGoesAtOnce() throws Exception {
        openMetrics(1000);
        metrics.processElement(point("cpu|h1", T0 + 1, 0.5), T0 + 1);
        metrics.processElement(point("cpu|h1", T0 + 2, 0.25), T0 + 2);
        metrics.processElement(point("mem|h1", T0 + 3, 7), T0 + 3);
        metrics.processWatermark(new Watermark(T0 + MINUTE));
        Map<String, MetricPoint> byKey = new HashMap<>();
        for (StreamRecord<MetricPoint> r :
                PreAggregatorTest.<MetricPoint>records(output(metrics))) {
            byKey.put(r.getValue().key, r.getValue());
        }
        assertThat(byKey.get("cpu|h1").values).containsExactly(0.5, 0.25);
        assertThat(byKey.get("cpu|h1").name).isEqualTo("cpu");
        assertThat(byKey.get("mem|h1").values).isNull();
        assertThat(byKey.get("mem|h1").value).isEqualTo(7.0);

        for (int i = 0; i < 256; i++) {
            metrics.processElement(point("cpu|h1", T0 + MINUTE + i, i), T0 + MINUTE + i);
        }
        assertThat(PreAggregatorTest.<MetricPoint>records(output(metrics)))
                .singleElement()
                .satisfies(r -> assertThat(r.getValue().values).hasSize(256));
    }

    /**
     * Keys that never come back within a trial: combining stops for the next {@code bypass} events,
     * which go on at once as they came, then a new trial combines again. Nothing held is lost or
     * sent twice on the way.
     */
    @Test
    void whenAlmostNoEventJoinsAPartialEventsGoOnAsTheyAreForAWhile() throws Exception {
        openMetrics(1000, 10, 30);
        Map<String, List<Double>> sent = new TreeMap<>();
        // A trial of ten events, nine of them starting a partial: more than 80%.
        for (int i = 0; i < 10; i++) {
            String key = "cpu|h" + Math.min(i, 8);
            metrics.processElement(point(key, T0 + i, i), T0 + i);
            sent.computeIfAbsent(key, k -> new ArrayList<>()).add((double) i);
        }
        assertThat(output(metrics)).isEmpty();
        // The next 30 go on one by one, even those of a key with a partial held.
        Map<String, List<Double>> received = new TreeMap<>();
        for (int i = 10; i < 40; i++) {
            String key = "cpu|h" + (i % 20);
            metrics.processElement(point(key, T0 + i, i), T0 + i);
            sent.computeIfAbsent(key, k -> new ArrayList<>()).add((double) i);
            List<StreamRecord<MetricPoint>> out = records(output(metrics));
            assertThat(out)
                    .singleElement()
                    .satisfies(
                            r -> {
                                assertThat(r.getValue().key).isEqualTo(key);
                                assertThat(r.getValue().value)
                                        .isEqualTo((double) r.getTimestamp() - T0);
                                assertThat(r.getValue().values).isNull();
                            });
            received.computeIfAbsent(key, k -> new ArrayList<>()).add(out.get(0).getValue().value);
        }
        // Then a new trial: held again, and this one combines (two keys), so it goes on combining.
        for (int i = 40; i < 60; i++) {
            String key = "cpu|h" + (i % 2);
            metrics.processElement(point(key, T0 + i, i), T0 + i);
            sent.computeIfAbsent(key, k -> new ArrayList<>()).add((double) i);
        }
        assertThat(output(metrics)).isEmpty();

        metrics.processWatermark(new Watermark(T0 + MINUTE - 1));
        Map<String, List<Double>> held = new TreeMap<>();
        for (StreamRecord<MetricPoint> r :
                PreAggregatorTest.<MetricPoint>records(output(metrics))) {
            MetricPoint p = r.getValue();
            List<Double> values = held.computeIfAbsent(p.key, k -> new ArrayList<>());
            if (p.values == null) {
                values.add(p.value);
            } else {
                for (double v : p.values) {
                    values.add(v);
                }
            }
        }
        // The held partials: what the first trial started, and the third trial's events.
        assertThat(held.get("cpu|h0"))
                .containsExactly(0.0, 40.0, 42.0, 44.0, 46.0, 48.0, 50.0, 52.0, 54.0, 56.0, 58.0);
        assertThat(held.get("cpu|h8")).containsExactly(8.0, 9.0);
        // Every value went on exactly once, combined or not.
        held.forEach((k, v) -> received.computeIfAbsent(k, x -> new ArrayList<>()).addAll(v));
        received.values().forEach(Collections::sort);
        assertThat(received).isEqualTo(sent);
    }

    /** Keys that do come back: combining goes on trial after trial. */
    @Test
    void whileEventsJoinPartialsTheyAreCombined() throws Exception {
        openMetrics(1000, 10, 30);
        for (int i = 0; i < 100; i++) {
            // Eight keys in each trial of ten: exactly 80% start a partial, which still pays.
            String key = "cpu|h" + (i % 10 < 8 ? i % 10 : 0) + "-" + (i / 10);
            metrics.processElement(point(key, T0 + i, i), T0 + i);
        }
        assertThat(output(metrics)).isEmpty();
        metrics.processWatermark(new Watermark(T0 + MINUTE - 1));
        assertThat(PreAggregatorTest.<MetricPoint>records(output(metrics))).hasSize(80);
    }

    /**
     * A late-events record carries the record it stands for, for replay: a partial of one line or
     * one point keeps it, a combined one has none to keep.
     */
    @Test
    void onlyAPartialOfOneRecordKeepsThatRecord() throws Exception {
        openLogs(1000);
        openMetrics(1000);
        LogEvent alone = line("a", T0, Level.INFO, "x");
        alone.record = new byte[] {'{', '}'};
        logs.processElement(alone, T0);
        for (int i = 0; i < 2; i++) {
            LogEvent e = line("b", T0 + i, Level.INFO, "y");
            e.record = new byte[] {'{', '}'};
            logs.processElement(e, T0 + i);
        }
        MetricPoint single = point("cpu|h1", T0, 1);
        single.record = new byte[] {'{', ' ', '}'};
        metrics.processElement(single, T0);
        for (int i = 0; i < 2; i++) {
            MetricPoint p = point("mem|h1", T0 + i, i);
            p.record = new byte[] {'{', '}'};
            metrics.processElement(p, T0 + i);
        }
        logs.processWatermark(new Watermark(T0 + MINUTE));
        metrics.processWatermark(new Watermark(T0 + MINUTE));

        Map<String, byte[]> records = new HashMap<>();
        for (StreamRecord<LogEvent> r : PreAggregatorTest.<LogEvent>records(output(logs))) {
            records.put(r.getValue().key, r.getValue().record);
        }
        for (StreamRecord<MetricPoint> r :
                PreAggregatorTest.<MetricPoint>records(output(metrics))) {
            records.put(r.getValue().key, r.getValue().record);
        }
        assertThat(records.get("a")).isEqualTo(alone.record);
        assertThat(records.get("b")).isNull();
        assertThat(records.get("cpu|h1")).isEqualTo(single.record);
        assertThat(records.get("mem|h1")).isNull();
        assertThat(records).hasSize(4);
    }

    /**
     * Random lines of random keys, levels and times with watermarks, barriers and idleness in
     * between: the accumulators a window builds from what the pre-aggregator sends (in order, with
     * the watermarks it forwards) equal the ones it builds from the lines themselves. A partial is
     * never late.
     */
    @Test
    void windowsFoldThePartialsToTheSameFigures() throws Exception {
        openLogs(50);
        Random random = new Random(42);
        Windows direct = new Windows();
        Windows combined = new Windows();
        for (int i = 0; i < 20_000; i++) {
            long ts = T0 + i * 30L + random.nextInt(20_000);
            Level level = Level.values()[random.nextInt(Level.values().length)];
            LogEvent e = line("k" + random.nextInt(40), ts, level, "m" + random.nextInt(3));
            direct.fold(e, ts);
            logs.processElement(e, ts);
            switch (random.nextInt(200)) {
                case 0 -> {
                    direct.watermark = Math.max(direct.watermark, ts - 2_000);
                    logs.processWatermark(new Watermark(ts - 2_000));
                }
                case 1 -> {
                    // A checkpoint and a restore from it, as after a crash right after it.
                    OperatorSubtaskState snapshot = logs.snapshot(i, i);
                    combined.receive(output(logs));
                    logs.close();
                    logs =
                            new OneInputStreamOperatorTestHarness<>(
                                    new PreAggregator.Logs(Duration.ofMinutes(1), 50));
                    logs.initializeState(snapshot);
                    logs.open();
                    runMails(logs);
                }
                case 2 -> logs.processWatermarkStatus(WatermarkStatus.IDLE);
                default -> {}
            }
            combined.receive(output(logs));
        }
        logs.endInput();
        combined.receive(output(logs));

        assertThat(combined.windows.keySet()).isEqualTo(direct.windows.keySet());
        assertThat(direct.late).isPositive().isEqualTo(combined.late);
        direct.windows.forEach(
                (k, acc) -> {
                    LogAccumulator other = combined.windows.get(k);
                    assertThat(other.total).as(k).isEqualTo(acc.total);
                    assertThat(other.levels).as(k).containsExactly(acc.levels);
                    assertThat(other.patterns.keySet()).as(k).isEqualTo(acc.patterns.keySet());
                });
    }

    private static void runMails(OneInputStreamOperatorTestHarness<?, ?> harness) throws Exception {
        Optional<Mail> mail;
        while ((mail = harness.getTaskMailbox().tryTake(TaskMailbox.MIN_PRIORITY)).isPresent()) {
            mail.get().run();
        }
    }

    /** A model of the keyed tumbling window: folds what is not late, counts what is. */
    private static final class Windows {
        final LogAggregateFunction function = new LogAggregateFunction();
        final Map<String, LogAccumulator> windows = new TreeMap<>();
        long watermark = Long.MIN_VALUE;
        long late;

        void fold(LogEvent e, long ts) {
            long start = ts - Math.floorMod(ts, MINUTE);
            if (start + MINUTE - 1 <= watermark) {
                late++;
                return;
            }
            function.add(
                    e, windows.computeIfAbsent(e.key + "@" + start, k -> new LogAccumulator()));
        }

        void receive(List<Object> out) {
            for (Object o : out) {
                if (o instanceof Watermark w) {
                    watermark = Math.max(watermark, w.getTimestamp());
                } else if (o instanceof StreamRecord<?> r) {
                    LogEvent e = (LogEvent) r.getValue();
                    if (e.message == null) {
                        long start = r.getTimestamp() - Math.floorMod(r.getTimestamp(), MINUTE);
                        assertThat(start + MINUTE - 1)
                                .as("a partial's window")
                                .isGreaterThan(watermark);
                    }
                    fold(e, r.getTimestamp());
                }
            }
        }
    }
}
