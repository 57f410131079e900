package io.streamwatch.alerts;

import static io.streamwatch.alerts.RuleEvaluatorTest.MIN;
import static io.streamwatch.alerts.RuleEvaluatorTest.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamwatch.config.StreamwatchConfig;
import io.streamwatch.records.GroupKey;
import io.streamwatch.rules.RuleDefinition;
import io.streamwatch.sinks.AlertEncoder;
import io.streamwatch.testing.TestPipelines;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * Absence rules see every aggregate of a group: one per metric name per window. Only the first of a
 * window changes anything; the others (and late updates of older windows) must leave the alerts
 * exactly as one aggregate per window would.
 */
class AbsencePerWindowTest {
    private static final String[] NAMES = {"cpu", "mem", "disk", "net", "http.server.duration"};
    private static final AlertEncoder ENCODER = new AlertEncoder();

    private final StreamwatchConfig config =
            TestPipelines.job("x", "t", List.of(TestPipelines.metrics("streamwatch")), "d", "l");

    private static final String SILENT =
            "{name: HostSilent, pipeline: app-metrics, kind: absence, absent_for: 2m,"
                    + " severity: page, labels: {team: ops},"
                    + " summary: '{{host}} ({{service}}) has sent nothing for {{value|int}} s',"
                    + " description: 'last data in {{window_start}} to {{window_end}}, {{rule}}'}";

    /** The evaluator with these rules, and one output per aggregate fed to it. */
    private static final class Run implements AutoCloseable {
        final KeyedBroadcastOperatorTestHarness<String, Observation, RuleUpdate, Alert> h;

        /** How many aggregates of a group a window sends: 1 or {@code NAMES.length}. */
        final int names;

        Run(boolean rocksDb, StreamwatchConfig config, int names, RuleDefinition... rules)
                throws Exception {
            this.names = names;
            h = EvaluatorHarness.of(new RuleEvaluator(config, List.of(rules)));
            if (rocksDb) {
                h.setStateBackend(new EmbeddedRocksDBStateBackend());
            }
            h.open();
        }

        /** The group's aggregates of window {@code w}, 10 ms of wall clock apart. */
        void window(String host, int w) throws Exception {
            for (int i = 0; i < names; i++) {
                Observation o = metric(host, w, NAMES[i], 10 + i);
                h.processElement(o, o.windowEnd - 1);
                h.setProcessingTime(h.getProcessingTime() + 10);
            }
        }

        void watermark(long t) throws Exception {
            h.processWatermark(t);
        }

        void wallClock(long t) throws Exception {
            h.setProcessingTime(t);
        }

        /** Every alert so far, as the alerts topic would get it. */
        List<String> alerts() {
            List<String> out = new ArrayList<>();
            for (Alert a : h.extractOutputValues()) {
                out.add(new String(ENCODER.map(a).value, StandardCharsets.UTF_8));
            }
            return out;
        }

        List<Alert> raw() {
            return h.extractOutputValues();
        }

        @Override
        public void close() throws Exception {
            h.close();
        }
    }

    /** Whether the keyed state lives in RocksDB (see {@link RuleEvaluatorRocksDbTest}). */
    boolean rocksDb() {
        return false;
    }

    static Observation metric(String host, int window, String name, double count) {
        Observation o = new Observation();
        o.pipeline = "app-metrics";
        o.groupKey = "checkout" + GroupKey.SEPARATOR + host;
        o.name = name;
        o.group = Map.of("service", "checkout", "host", host);
        o.windowStart = T0 + window * MIN;
        o.windowEnd = o.windowStart + MIN;
        o.numbers = new HashMap<>(Map.of("count", count, "p99", 100.0 * count));
        o.patterns = List.of();
        return o;
    }

    /**
     * web-1 sends every window; web-2 falls silent for windows 3 to 6 and comes back; each window
     * also brings a late update of web-1's previous window.
     */
    private static List<String> silentHostScenario(Run run, boolean lateUpdates) throws Exception {
        for (int w = 0; w < 10; w++) {
            run.wallClock(1_000_000 + w * 3_000L);
            run.window("web-1", w);
            if (w <= 2 || w >= 7) {
                run.window("web-2", w);
            }
            if (lateUpdates && w > 0) {
                Observation late = metric("web-1", w - 1, "cpu", 99);
                run.h.processElement(late, late.windowEnd - 1);
            }
            run.watermark(T0 + (w + 1) * MIN);
        }
        return run.alerts();
    }

    @Test
    void fiveAggregatesPerWindowFireAndResolveExactlyAsOne() throws Exception {
        RuleDefinition rule = RuleEvaluatorTest.rule(SILENT);
        List<String> one;
        try (Run run = new Run(rocksDb(), config, 1, rule)) {
            one = silentHostScenario(run, false);
        }
        try (Run run = new Run(rocksDb(), config, NAMES.length, rule)) {
            List<String> many = silentHostScenario(run, true);
            assertThat(many).isEqualTo(one);
            // And they are right: web-2's last data ends at 3m, due 2m later; data again at 7m.
            List<Alert> alerts = run.raw();
            assertThat(alerts)
                    .extracting(a -> a.status + " " + a.labels.get("host"))
                    .containsExactly("firing web-2", "resolved web-2");
            Alert firing = alerts.get(0);
            assertThat(firing.startsAt).isEqualTo(T0 + 5 * MIN);
            assertThat(firing.windowStart).isEqualTo(T0 + 3 * MIN);
            assertThat(firing.windowEnd).isEqualTo(T0 + 5 * MIN);
            assertThat(firing.summary).isEqualTo("web-2 (checkout) has sent nothing for 120 s");
            assertThat(firing.description)
                    .isEqualTo(
                            "last data in 2026-11-25T10:03:00.000Z to 2026-11-25T10:05:00.000Z,"
                                    + " HostSilent");
            assertThat(firing.labels)
                    .containsEntry("team", "ops")
                    .containsEntry("alertname", "HostSilent")
                    .doesNotContainKey("name");
            assertThat(firing.fingerprint)
                    .isEqualTo(
                            Fingerprint.of(
                                    "HostSilent", Map.of("service", "checkout", "host", "web-2")));
            Alert resolved = alerts.get(1);
            assertThat(resolved.endsAt).isEqualTo(T0 + 7 * MIN);
            // As it fired (issue 16, item 1), and how long the silence was apart.
            assertThat(resolved.value).isEqualTo(120.0);
            assertThat(resolved.summary).isEqualTo(firing.summary);
            assertThat(resolved.resolvedValue).isEqualTo(240.0);
            assertThat(resolved.fingerprint).isEqualTo(firing.fingerprint);
            String json = new String(ENCODER.map(resolved).value, StandardCharsets.UTF_8);
            assertThat(json)
                    .contains(
                            "\"annotations\":{\"summary\":\"web-2 (checkout) has sent nothing for"
                                    + " 120 s\"")
                    .contains(
                            "\"resolved\":\"data again from 2026-11-25T10:07:00.000Z, after 240 s"
                                    + " without\"}")
                    .contains("\"value\":120.0")
                    .contains(
                            "\"resolved_value\":240.0,\"resolved_at\":\"2026-11-25T10:07:00.000Z\"");
            assertThat(new String(ENCODER.map(firing).value, StandardCharsets.UTF_8))
                    .doesNotContain("resolved");
        }
    }

    @Test
    void aGapThatShowsOnlyInTheDataFiresAndResolvesOnceWithManyAggregates() throws Exception {
        RuleDefinition rule = RuleEvaluatorTest.rule(SILENT);
        List<String> one;
        List<String> many;
        try (Run run = new Run(rocksDb(), config, 1, rule)) {
            run.window("web-1", 0);
            run.window("web-1", 4); // no watermark at all: only the data shows the gap
            run.window("web-1", 5);
            one = run.alerts();
        }
        try (Run run = new Run(rocksDb(), config, NAMES.length, rule)) {
            run.window("web-1", 0);
            run.window("web-1", 4);
            run.window("web-1", 5);
            many = run.alerts();
            assertThat(run.raw())
                    .extracting(
                            a ->
                                    a.status
                                            + "@"
                                            + (a.status.equals("firing") ? a.startsAt : a.endsAt))
                    .containsExactly("firing@" + (T0 + 3 * MIN), "resolved@" + (T0 + 4 * MIN));
        }
        assertThat(many).isEqualTo(one);
    }

    @Test
    void theWallClockFallbackStillFiresWhenAllInputStops() throws Exception {
        RuleDefinition rule = RuleEvaluatorTest.rule(SILENT);
        List<String> one;
        try (Run run = new Run(rocksDb(), config, 1, rule)) {
            one = wallClockScenario(run);
        }
        try (Run run = new Run(rocksDb(), config, NAMES.length, rule)) {
            assertThat(wallClockScenario(run)).isEqualTo(one);
        }
        assertThat(one).singleElement().asString().contains("\"status\":\"firing\"");
    }

    /**
     * The rule skips the state for a group's later aggregates of a window it already handled; a
     * timer that fires the alert in between must end that, so the next aggregate resolves it.
     */
    @Test
    void anAggregateAfterTheWallClockFiredInTheSameWindowResolves() throws Exception {
        RuleDefinition rule = RuleEvaluatorTest.rule(SILENT);
        try (Run run = new Run(rocksDb(), config, 1, rule)) {
            run.wallClock(1_000_000);
            run.watermark(T0);
            Observation first = metric("web-1", 0, NAMES[0], 1);
            run.h.processElement(first, first.windowEnd - 1);
            // No watermark, no data: the wall-clock fallback fires.
            run.wallClock(1_000_000 + 2 * MIN + 2_000);
            assertThat(run.raw()).extracting(a -> a.status).containsExactly("firing");
            // Another metric name of the same group and window comes after all.
            Observation second = metric("web-1", 0, NAMES[1], 1);
            run.h.processElement(second, second.windowEnd - 1);
            assertThat(run.raw()).extracting(a -> a.status).containsExactly("firing", "resolved");
        }
    }

    /**
     * In real time (a minute of wall clock per window) the group's wall-clock timer comes due while
     * the group still sends: it moves itself on to absent_for after the group's latest data, so the
     * group keeps one such timer and fires only once all input has stopped that long.
     */
    @Test
    void theWallClockTimerMovesItselfOnWhileTheGroupSendsAndFiresWhenAllInputStops()
            throws Exception {
        RuleDefinition rule = RuleEvaluatorTest.rule(SILENT);
        try (Run run = new Run(rocksDb(), config, 1, rule)) {
            long wall = 1_000_000;
            for (int w = 0; w < 8; w++) {
                run.wallClock(wall + w * MIN);
                run.window("web-1", w);
                run.window("web-2", w);
                run.watermark(T0 + (w + 1) * MIN - 1);
                // One wall-clock timer per group, plus at most the subtask's one-second tick
                // (which moves no group's timer): no timers pile up.
                assertThat(run.h.numProcessingTimeTimers()).isBetween(2, 3);
            }
            bothFireOnceAllInputStopsFor2m(run, wall + 7 * MIN);
        }
    }

    /**
     * After the last data at wall clock {@code lastData}, nothing more: neither group has fired
     * just before two minutes of silence, and both have just after (and the timer's second).
     */
    private static void bothFireOnceAllInputStopsFor2m(Run run, long lastData) throws Exception {
        // The subtask's tick notices the last watermark move.
        run.wallClock(lastData + 1_000);
        run.wallClock(lastData + 2 * MIN - 1_000);
        assertThat(run.raw()).isEmpty();
        run.wallClock(lastData + 2 * MIN + 1_000);
        assertThat(run.raw())
                .extracting(a -> a.status + " " + a.labels.get("host"))
                .containsExactlyInAnyOrder("firing web-1", "firing web-2");
    }

    /**
     * A group silent for absent_for on the wall clock while event time creeps on (another group
     * keeps the watermark moving, but not past the silence) gets no alert from its wall-clock
     * timer; once it sends again it must get a timer again, and fire when all input stops.
     */
    @Test
    void aGroupBackFromAWallClockSilenceGetsItsWallClockTimerAgain() throws Exception {
        RuleDefinition rule = RuleEvaluatorTest.rule(SILENT);
        try (Run run = new Run(rocksDb(), config, 1, rule)) {
            long wall = 1_000_000;
            for (int step = 0; step < 6; step++) {
                run.wallClock(wall + step * MIN);
                run.window("web-1", step);
                if (step == 0 || step == 5) {
                    // Back with the window after its last: no gap in the data itself.
                    run.window("web-2", step == 0 ? 0 : 1);
                }
                run.watermark(T0 + step);
            }
            assertThat(run.raw()).isEmpty();
            bothFireOnceAllInputStopsFor2m(run, wall + 5 * MIN);
        }
    }

    private static List<String> wallClockScenario(Run run) throws Exception {
        run.wallClock(1_000_000);
        run.window("web-1", 0);
        run.watermark(T0 + MIN);
        run.wallClock(1_001_000);
        run.window("web-1", 1);
        run.watermark(T0 + 2 * MIN);
        run.wallClock(1_002_000);
        // Nothing more: no data, no watermark. Not yet after 1m59s...
        run.wallClock(1_002_000 + 2 * MIN - 1_000);
        assertThat(run.alerts()).isEmpty();
        // ...but after two minutes (and the timer's second).
        run.wallClock(1_002_000 + 2 * MIN + 1_000);
        return run.alerts();
    }

    @Test
    void aGroupKeepsOneTimerOfEachKindAndNoStateForInactiveThresholds() throws Exception {
        RuleDefinition silent = RuleEvaluatorTest.rule(SILENT);
        RuleDefinition neverTrue =
                RuleEvaluatorTest.rule(
                        "{name: Slow, pipeline: app-metrics, kind: threshold,"
                                + " condition: 'p99 > 1000000', summary: slow}");
        try (Run run = new Run(rocksDb(), config, NAMES.length, silent, neverTrue)) {
            for (int w = 0; w < 10; w++) {
                run.wallClock(1_000_000 + w * 3_000L);
                run.window("web-1", w);
                run.window("web-2", w);
                run.watermark(T0 + (w + 1) * MIN - 1);
            }
            // Per group one event-time and one wall-clock absence timer, each moved on only when
            // it comes due. Plus at most the subtask's one-second watermark tick.
            assertThat(run.h.numEventTimeTimers()).isEqualTo(2);
            assertThat(run.h.numProcessingTimeTimers()).isBetween(2, 3);
            if (rocksDb()) {
                // The state checks below read the heap backend's entries.
                return;
            }
            // Only the absence rule's entry per group: the never-true threshold stores nothing.
            // (The evaluator's writes reach the keyed state at a checkpoint: take one.)
            run.h.snapshot(1, 1);
            HeapKeyedStateBackend<?> state =
                    (HeapKeyedStateBackend<?>) run.h.getOperator().getKeyedStateBackend();
            assertThat(state.numKeyValueStateEntries()).isEqualTo(2);
            // And it holds no labels or texts: they follow from the key when the alert fires.
            List<AlertState> stored = new ArrayList<>();
            state.applyToAllKeys(
                    VoidNamespace.INSTANCE,
                    VoidNamespaceSerializer.INSTANCE,
                    new MapStateDescriptor<>(
                            "alerts", Types.STRING, TypeInformation.of(AlertState.class)),
                    (key, alerts) -> alerts.values().forEach(stored::add));
            assertThat(stored).hasSize(2);
            assertThat(stored)
                    .allSatisfy(
                            st -> {
                                assertThat(st.labels).isNull();
                                assertThat(st.summary).isNull();
                                assertThat(st.fingerprint).isNull();
                            });

            // Silence still fires from the one timer left.
            run.watermark(T0 + 13 * MIN);
            assertThat(run.raw())
                    .extracting(a -> a.status + " " + a.labels.get("host"))
                    .containsExactlyInAnyOrder("firing web-1", "firing web-2");
        }
    }

    @Test
    void aTemplateNamingAnAggregateFieldStillRendersFromTheLastAggregate() throws Exception {
        RuleDefinition rule =
                RuleEvaluatorTest.rule(
                        "{name: HostSilent, pipeline: app-metrics, kind: absence, absent_for: 2m,"
                                + " summary: '{{host}} last sent {{name}}'}");
        try (Run run = new Run(rocksDb(), config, NAMES.length, rule)) {
            run.window("web-1", 0);
            run.watermark(T0 + 3 * MIN);
            assertThat(run.raw())
                    .singleElement()
                    .satisfies(
                            a ->
                                    assertThat(a.summary)
                                            .isEqualTo(
                                                    "web-1 last sent " + NAMES[NAMES.length - 1]));
        }
    }
}
