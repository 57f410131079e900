package io.streamwatch.operators;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.streamwatch.alerts.Alert;
import io.streamwatch.alerts.Observation;
import io.streamwatch.alerts.RuleEvaluator;
import io.streamwatch.alerts.RuleUpdate;
import io.streamwatch.config.ConfigProblem;
import io.streamwatch.config.StreamwatchConfig;
import io.streamwatch.records.GroupKey;
import io.streamwatch.rules.RuleDefinition;
import io.streamwatch.rules.RuleReader;
import io.streamwatch.testing.Mailboxes;
import io.streamwatch.testing.TestPipelines;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.tasks.StreamTaskActionExecutor;
import org.apache.flink.streaming.runtime.tasks.mailbox.MailboxExecutorImpl;
import org.apache.flink.streaming.runtime.tasks.mailbox.TaskMailbox;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 16, item 3: "HostSilent fired only when the silent host came back (FIRING and RESOLVED
 * together) in one of six identical runs". The job's window operator and the job's rule operator,
 * chained by hand: what the window operator emits (aggregates and watermarks, in order) goes to the
 * evaluator. The seed decides when the source's watermarks come: at start or after a restore a
 * source that reads a backlog sends its first watermark late, and it jumps over several windows.
 *
 * <p>The window operator emitted every window the jump passed, then one watermark: the evaluator
 * saw the silent host's data come back before any watermark reached its silence instant, and its
 * absence alert fired and resolved at once, on that data. The windows' own ends are watermarks the
 * window operator may pass on as it emits (every aggregate of an earlier window is out): the
 * silence then fires at the first window that ends after it, and the resolve comes with the data.
 */
class AbsenceAfterWatermarkJumpTest {
    private static final long T0 = Instant.parse("2026-11-25T10:00:00Z").toEpochMilli();
    private static final long MIN = 60_000;
    private static final OutputTag<String> LATE = new OutputTag<>("late", Types.STRING);
    private static final String SILENT =
            "{name: HostSilent, pipeline: app-metrics, kind: absence, absent_for: 2m}";

    private final StreamwatchConfig config =
            TestPipelines.job("x", "t", List.of(TestPipelines.metrics("streamwatch")), "d", "l");

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19})
    void aSilenceFiresAtItsWatermarkNotWithTheDataThatEndsIt(int seed) throws Exception {
        Random random = new Random(seed);
        int hosts = 3 + random.nextInt(4);
        int silentFrom = 2 + random.nextInt(3); // first window without data
        int backAt = silentFrom + 3 + random.nextInt(3); // at least a window after the instant
        int windows = backAt + 3;
        // The source's first watermark comes after this many windows (a backlog), then one per
        // window or per few windows.
        int firstWatermark = random.nextInt(windows);
        String silentHost = "web-" + random.nextInt(hosts);

        try (var windowOp = windowOperator();
                var evaluator = evaluator()) {
            windowOp.open();
            evaluator.open();
            List<String> events = new ArrayList<>();
            int sinceWatermark = 0;
            int watermarkEvery = 1 + random.nextInt(3);
            for (int w = 0; w < windows; w++) {
                for (int h = 0; h < hosts; h++) {
                    String host = "web-" + h;
                    if (host.equals(silentHost) && w >= silentFrom && w < backAt) {
                        continue;
                    }
                    long ts = T0 + w * MIN + random.nextInt((int) MIN);
                    windowOp.processElement(new StreamRecord<>(host + ",1", ts));
                }
                sinceWatermark++;
                if (w >= firstWatermark && sinceWatermark >= watermarkEvery) {
                    sinceWatermark = 0;
                    windowOp.processWatermark(new Watermark(T0 + (w + 1) * MIN - 1));
                }
                forward(windowOp, evaluator, events, silentHost, T0 + backAt * MIN);
            }
            windowOp.processWatermark(new Watermark(T0 + (windows + 1) * MIN));
            forward(windowOp, evaluator, events, silentHost, T0 + backAt * MIN);

            long instant = T0 + (silentFrom + 2) * MIN;
            String desc =
                    "seed "
                            + seed
                            + ": "
                            + silentHost
                            + " silent from window "
                            + silentFrom
                            + " (due "
                            + (silentFrom + 2)
                            + "m), back in "
                            + backAt
                            + ", first watermark after window "
                            + firstWatermark;
            assertThat(events)
                    .as(desc)
                    .containsExactly(
                            "firing@" + instant, "data", "resolved@" + (T0 + backAt * MIN));
        }
    }

    /**
     * Hands what the window operator emitted to the evaluator, in order, noting the silent host's
     * alerts and the moment its data comes back ({@code data}).
     */
    private static void forward(
            KeyedOneInputStreamOperatorTestHarness<String, String, String> windowOp,
            KeyedBroadcastOperatorTestHarness<String, Observation, RuleUpdate, Alert> evaluator,
            List<String> events,
            String silentHost,
            long backAt)
            throws Exception {
        runMails(windowOp.getTaskMailbox());
        List<Object> out = new ArrayList<>(windowOp.getOutput());
        windowOp.getOutput().clear();
        for (Object o : out) {
            int before = evaluator.extractOutputValues().size();
            if (o instanceof Watermark wm) {
                evaluator.processWatermark(wm.getTimestamp());
            } else if (o instanceof StreamRecord<?> r) {
                String v = (String) r.getValue();
                String host = v.substring(0, v.indexOf('@'));
                long start = Long.parseLong(v.substring(v.indexOf('@') + 1));
                if (host.equals(silentHost) && start == backAt) {
                    events.add("data");
                }
                evaluator.processElement(metric(host, start), r.getTimestamp());
            }
            runMails(evaluator.getTaskMailbox());
            List<Alert> alerts = evaluator.extractOutputValues();
            for (Alert a : alerts.subList(before, alerts.size())) {
                if (a.labels.get("host").equals(silentHost)) {
                    events.add(
                            a.status
                                    + "@"
                                    + (Alert.FIRING.equals(a.status) ? a.startsAt : a.endsAt));
                }
            }
        }
    }

    private static Observation metric(String host, long windowStart) {
        Observation o = new Observation();
        o.pipeline = "app-metrics";
        o.groupKey = "checkout" + GroupKey.SEPARATOR + host;
        o.name = "cpu";
        o.group = Map.of("service", "checkout", "host", host);
        o.windowStart = windowStart;
        o.windowEnd = windowStart + MIN;
        o.numbers = new HashMap<>(Map.of("count", 1.0));
        o.patterns = List.of();
        return o;
    }

    private static void runMails(TaskMailbox mailbox) throws Exception {
        Mailboxes.runAll(mailbox);
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, String, String> windowOperator()
            throws Exception {
        WindowAggregateOperator<String, long[], String> op =
                WindowAggregateOperator.create(
                        TumblingEventTimeWindows.of(Duration.ofMillis(MIN)),
                        LATE,
                        new Count(),
                        new Format(),
                        PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO,
                        acc -> 1,
                        1000,
                        TimerSlicer.SLICE,
                        TimerSlicer.TURN);
        return new KeyedOneInputStreamOperatorTestHarness<>(
                op, r -> r.substring(0, r.indexOf(',')), Types.STRING, 128, 1, 0);
    }

    private KeyedBroadcastOperatorTestHarness<String, Observation, RuleUpdate, Alert> evaluator()
            throws Exception {
        List<ConfigProblem> problems = new ArrayList<>();
        RuleDefinition rule =
                RuleReader.read(
                        new ObjectMapper(new YAMLFactory()).readTree(SILENT),
                        "rules/test.yaml",
                        0,
                        problems);
        assertThat(problems).isEmpty();
        var operator =
                new InterruptibleBroadcastOperator<String, Observation, RuleUpdate, Alert>(
                        new RuleEvaluator(config, List.of(rule)),
                        List.of(RuleEvaluator.TOPIC_RULES));
        var h =
                new KeyedBroadcastOperatorTestHarness<>(
                        operator, Observation::evaluationKey, Types.STRING, 1, 1, 0);
        operator.setMailboxExecutor(
                new MailboxExecutorImpl(
                        h.getTaskMailbox(),
                        TaskMailbox.MIN_PRIORITY,
                        StreamTaskActionExecutor.IMMEDIATE));
        return h;
    }

    private static final class Count implements AggregateFunction<String, long[], long[]> {
        @Override
        public long[] createAccumulator() {
            return new long[1];
        }

        @Override
        public long[] add(String r, long[] acc) {
            acc[0]++;
            return acc;
        }

        @Override
        public long[] getResult(long[] acc) {
            return acc;
        }

        @Override
        public long[] merge(long[] a, long[] b) {
            a[0] += b[0];
            return a;
        }
    }

    private static final class Format
            extends ProcessWindowFunction<long[], String, String, TimeWindow> {
        @Override
        public void process(String key, Context ctx, Iterable<long[]> accs, Collector<String> out) {
            out.collect(key + "@" + ctx.window().getStart());
        }
    }
}
