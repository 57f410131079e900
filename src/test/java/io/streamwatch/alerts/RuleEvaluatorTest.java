package io.streamwatch.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.streamwatch.config.ConfigProblem;
import io.streamwatch.config.StreamwatchConfig;
import io.streamwatch.records.GroupKey;
import io.streamwatch.records.PatternCount;
import io.streamwatch.rules.RuleDefinition;
import io.streamwatch.rules.RuleJson;
import io.streamwatch.rules.RuleReader;
import io.streamwatch.testing.TestPipelines;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The alert lifecycle of every rule kind, driven through Flink's keyed broadcast harness. */
class RuleEvaluatorTest {
    static final long T0 = Instant.parse("2026-11-25T10:00:00Z").toEpochMilli();
    static final long MIN = 60_000;
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final StreamwatchConfig config =
            TestPipelines.job(
                    "x",
                    "t",
                    List.of(
                            TestPipelines.logs("streamwatch"),
                            TestPipelines.metrics("streamwatch")),
                    "d",
                    "l");
    private KeyedBroadcastOperatorTestHarness<String, Observation, RuleUpdate, Alert> harness;

    @AfterEach
    void close() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    static RuleDefinition rule(String yaml) throws Exception {
        List<ConfigProblem> problems = new ArrayList<>();
        RuleDefinition d = RuleReader.read(YAML.readTree(yaml), "rules/test.yaml", 0, problems);
        assertThat(problems).isEmpty();
        return d;
    }

    private void open(RuleDefinition... rules) throws Exception {
        harness = harness(rules);
        harness.open();
    }

    private KeyedBroadcastOperatorTestHarness<String, Observation, RuleUpdate, Alert> harness(
            RuleDefinition... rules) throws Exception {
        var h = EvaluatorHarness.of(new RuleEvaluator(config, List.of(rules)));
        if (rocksDb()) {
            h.setStateBackend(new EmbeddedRocksDBStateBackend());
        }
        return h;
    }

    /**
     * Whether the keyed state lives in RocksDB, where every read is a fresh copy: the evaluator's
     * heap copy of its state must answer exactly as those reads did.
     */
    boolean rocksDb() {
        return false;
    }

    static Observation logs(
            String service, int window, long total, double errorRatio, String... patterns) {
        Observation o = new Observation();
        o.pipeline = "app-logs";
        o.groupKey = service;
        o.group = Map.of("service", service);
        o.windowStart = T0 + window * MIN;
        o.windowEnd = o.windowStart + MIN;
        o.numbers = new HashMap<>(Map.of("total", (double) total, "error_ratio", errorRatio));
        o.patterns = new ArrayList<>();
        for (String p : patterns) {
            o.patterns.add(
                    new PatternCount(Integer.toHexString(p.hashCode()), p, 3, p + " example"));
        }
        return o;
    }

    static Observation metric(String host, int window, double p99) {
        Observation o = new Observation();
        o.pipeline = "app-metrics";
        o.groupKey = "checkout" + GroupKey.SEPARATOR + host;
        o.name = "http.server.duration";
        o.group = Map.of("service", "checkout", "host", host);
        o.windowStart = T0 + window * MIN;
        o.windowEnd = o.windowStart + MIN;
        o.numbers = new HashMap<>(Map.of("count", 100.0, "p99", p99));
        o.patterns = List.of();
        return o;
    }

    private void observe(Observation o) throws Exception {
        harness.processElement(o, o.windowEnd - 1);
    }

    private List<Alert> alerts() {
        List<Alert> out = harness.extractOutputValues();
        return out;
    }

    private static final String HIGH_ERRORS =
            "{name: HighErrorRatio, pipeline: app-logs, condition: 'error_ratio > 0.05 && total >= 20',"
                    + " for: 2m, severity: page, labels: {team: payments},"
                    + " summary: '{{service}} error ratio {{value|pct}} > {{threshold|pct}}'}";

    @Test
    void firesOnceAfterForAndResolvesOnceAfterResolveAfter() throws Exception {
        open(rule(HIGH_ERRORS));
        observe(logs("checkout", 0, 100, 0.12));
        assertThat(alerts()).as("pending: for 2m has not passed").isEmpty();
        observe(logs("checkout", 1, 100, 0.12));
        observe(logs("checkout", 2, 100, 0.20));
        observe(logs("checkout", 3, 10, 0.50)); // total < 20: false
        List<Alert> out = alerts();
        assertThat(out).extracting(a -> a.status).containsExactly("firing", "resolved");
        Alert firing = out.get(0);
        assertThat(firing.labels)
                .containsEntry("alertname", "HighErrorRatio")
                .containsEntry("severity", "page")
                .containsEntry("service", "checkout")
                .containsEntry("team", "payments");
        // for 2m: pending from the start of the first matching window (T0), firing at the end of
        // the second (T0 + 2m), when the condition has held for 2m.
        assertThat(firing.summary).isEqualTo("checkout error ratio 12.0% > 5.0%");
        assertThat(firing.startsAt).isEqualTo(T0 + 2 * MIN);
        assertThat(firing.endsAt).isEqualTo(-1);
        assertThat(firing.value).isEqualTo(0.12);
        assertThat(firing.threshold).isEqualTo(0.05);
        assertThat(firing.fingerprint).matches("[0-9a-f]{16}").isEqualTo(out.get(1).fingerprint);
        assertThat(firing.fingerprint)
                .isEqualTo(Fingerprint.of("HighErrorRatio", Map.of("service", "checkout")));
        assertThat(out.get(1).endsAt).isEqualTo(T0 + 4 * MIN);
        assertThat(out.get(1).startsAt).isEqualTo(firing.startsAt);
    }

    /**
     * Issue 16, item 1: a resolve record says what fired (the summary and description as rendered
     * then, and the value it fired with) and, apart from that, what resolved it. It used to render
     * the firing text again with the resolving value ("error ratio 1.0% > 5.0%").
     */
    @Test
    void aResolveKeepsTheFiringAnnotationsAndSaysWhatResolvedIt() throws Exception {
        open(
                rule(
                        "{name: HighErrorRatio, pipeline: app-logs, condition: 'error_ratio > 0.05',"
                                + " summary: '{{service}} error ratio {{value|pct}} > {{threshold|pct}}',"
                                + " description: '{{total}} lines in {{window_start}} to {{window_end}}'}"));
        observe(logs("checkout", 0, 100, 0.12));
        observe(logs("checkout", 1, 300, 0.20)); // still firing: silent
        observe(logs("checkout", 2, 200, 0.01));
        List<Alert> out = alerts();
        assertThat(out).extracting(a -> a.status).containsExactly("firing", "resolved");
        Alert firing = out.get(0);
        Alert resolved = out.get(1);
        assertThat(firing.summary).isEqualTo("checkout error ratio 12.0% > 5.0%");
        assertThat(resolved.summary).isEqualTo(firing.summary);
        assertThat(resolved.description)
                .isEqualTo(firing.description)
                .isEqualTo("100 lines in 2026-11-25T10:00:00.000Z to 2026-11-25T10:01:00.000Z");
        assertThat(resolved.value).as("the value it fired with").isEqualTo(0.12);
        assertThat(resolved.threshold).isEqualTo(0.05);
        assertThat(resolved.resolvedValue).isEqualTo(0.01);
        assertThat(resolved.resolvedAt).isEqualTo(T0 + 3 * MIN).isEqualTo(resolved.endsAt);
        assertThat(resolved.resolvedText)
                .isEqualTo("resolved at 2026-11-25T10:03:00.000Z: value 0.01, threshold 0.05");
        assertThat(resolved.windowStart).isEqualTo(T0 + 2 * MIN);
        assertThat(firing.resolvedText).isNull();
        assertThat(firing.resolvedAt).isEqualTo(-1);
    }

    @Test
    void anAbsenceResolveKeepsItsFiringSummaryAndSaysWhenDataReturned() throws Exception {
        open(
                rule(
                        "{name: HostSilent, pipeline: app-metrics, kind: absence, absent_for: 2m,"
                                + " summary: '{{host}} has sent no metrics for {{value|int}} s'}"));
        observe(metric("web-1", 0, 10));
        harness.processWatermark(T0 + 4 * MIN);
        observe(metric("web-1", 6, 10));
        List<Alert> out = alerts();
        assertThat(out).extracting(a -> a.status).containsExactly("firing", "resolved");
        Alert resolved = out.get(1);
        assertThat(out.get(0).summary).isEqualTo("web-1 has sent no metrics for 120 s");
        assertThat(resolved.summary).isEqualTo(out.get(0).summary);
        assertThat(resolved.value).isEqualTo(120.0);
        assertThat(resolved.resolvedValue).as("the silence, in s").isEqualTo(300.0);
        assertThat(resolved.resolvedAt).isEqualTo(T0 + 6 * MIN);
        assertThat(resolved.resolvedText)
                .isEqualTo("data again from 2026-11-25T10:06:00.000Z, after 300 s without");
    }

    @Test
    void aFalseWindowRestartsTheForClockAWindowWithoutDataDoesNot() throws Exception {
        open(rule(HIGH_ERRORS));
        observe(logs("checkout", 0, 100, 0.12));
        observe(logs("checkout", 1, 100, 0.01)); // false: pending no more
        observe(logs("checkout", 2, 100, 0.12)); // pending from T0 + 2m, held 1m at its end
        assertThat(alerts()).isEmpty();
        // Window 3 has no data: no evaluation, the run goes on. Window 4 ends 3m after it began.
        observe(logs("checkout", 4, 100, 0.12));
        assertThat(alerts())
                .singleElement()
                .satisfies(a -> assertThat(a.startsAt).isEqualTo(T0 + 5 * MIN));
    }

    @Test
    void resolveAfterWaitsForFalseEvaluationsOverItsDuration() throws Exception {
        open(
                rule(
                        "{name: SlowP99, pipeline: app-metrics, condition: 'p99 > 500', resolve_after: 2m}"));
        observe(metric("web-1", 0, 900));
        observe(metric("web-1", 1, 100));
        observe(metric("web-1", 2, 900)); // true again: the resolve clock restarts
        observe(metric("web-1", 3, 100)); // false from T0 + 3m
        assertThat(alerts()).extracting(a -> a.status).containsExactly("firing");
        observe(metric("web-1", 4, 100)); // T0 + 5m: false for 2m
        assertThat(alerts()).extracting(a -> a.status).containsExactly("firing", "resolved");
        assertThat(alerts().get(1).endsAt).isEqualTo(T0 + 5 * MIN);
        assertThat(alerts().get(0).labels)
                .containsEntry("name", "http.server.duration")
                .containsEntry("host", "web-1");
    }

    @Test
    void absenceFiresOnEventTimeWhenOneGroupFallsSilentAndResolvesWhenDataReturns()
            throws Exception {
        open(rule("{name: HostSilent, pipeline: app-metrics, kind: absence, absent_for: 3m}"));
        observe(metric("web-1", 0, 10));
        observe(metric("web-2", 0, 10));
        for (int w = 1; w <= 4; w++) {
            observe(metric("web-2", w, 10));
            harness.processWatermark(T0 + (w + 1) * MIN);
        }
        List<Alert> out = alerts();
        assertThat(out)
                .singleElement()
                .satisfies(
                        a -> {
                            assertThat(a.status).isEqualTo("firing");
                            assertThat(a.labels)
                                    .containsEntry("host", "web-1")
                                    .doesNotContainKey("name");
                            assertThat(a.startsAt).isEqualTo(T0 + 4 * MIN);
                        });
        observe(metric("web-1", 6, 10));
        assertThat(alerts()).extracting(a -> a.status).containsExactly("firing", "resolved");
    }

    /**
     * A group's event-time absence timer stays where it was armed while data keeps coming, and
     * moves on to the current silence instant only when it comes due: one timer per group, and the
     * alerts fire at the instants, and in the order, of one timer per silence instant. Also when
     * the watermark passes both instants at once, and across a restore.
     */
    @Test
    void absenceTimersMoveOnWhenTheyComeDueAndFireInSilenceOrder() throws Exception {
        RuleDefinition silent =
                rule("{name: HostSilent, pipeline: app-metrics, kind: absence, absent_for: 2m}");
        open(silent);
        // web-1: windows 0 to 3 (silent from T0 + 4m, fires at T0 + 6m); web-2: windows 0 and 1
        // (silent from T0 + 2m, fires at T0 + 4m). Both timers were armed at T0 + 3m.
        for (int w = 0; w <= 3; w++) {
            observe(metric("web-1", w, 10));
            if (w <= 1) {
                observe(metric("web-2", w, 10));
            }
            assertThat(harness.numEventTimeTimers()).isEqualTo(2);
        }
        OperatorSubtaskState snapshot = harness.snapshot(1, 1);
        harness.close();
        harness = harness(silent);
        harness.initializeState(snapshot);
        harness.open();
        // One jump past every instant: T0 + 3m (both armed), then T0 + 4m and T0 + 6m.
        harness.processWatermark(T0 + 10 * MIN);
        assertThat(alerts())
                .extracting(a -> a.labels.get("host") + "@" + a.startsAt)
                .containsExactly("web-2@" + (T0 + 4 * MIN), "web-1@" + (T0 + 6 * MIN));
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void absenceTimersMoveOnOneWindowAtATime() throws Exception {
        open(rule("{name: HostSilent, pipeline: app-metrics, kind: absence, absent_for: 2m}"));
        for (int w = 0; w <= 5; w++) {
            observe(metric("web-1", w, 10));
            harness.processWatermark(T0 + (w + 1) * MIN);
            assertThat(harness.numEventTimeTimers()).isEqualTo(1);
        }
        for (int w = 6; w <= 7; w++) {
            harness.processWatermark(T0 + (w + 1) * MIN - 1);
            assertThat(alerts()).isEmpty();
        }
        harness.processWatermark(T0 + 8 * MIN);
        assertThat(alerts())
                .singleElement()
                .satisfies(a -> assertThat(a.startsAt).isEqualTo(T0 + 8 * MIN));
        assertThat(harness.numEventTimeTimers()).isZero();
        observe(metric("web-1", 9, 10));
        assertThat(alerts()).extracting(a -> a.status).containsExactly("firing", "resolved");
        assertThat(harness.numEventTimeTimers()).as("armed again").isEqualTo(1);
    }

    @Test
    void aSilenceThatShowsInTheDataFiresAndResolvesEvenWhenEventTimeLagsBehind() throws Exception {
        open(rule("{name: HostSilent, pipeline: app-metrics, kind: absence, absent_for: 2m}"));
        observe(metric("web-1", 0, 10));
        // No watermark at all (another pipeline holds it back), but a 3-minute gap in the data.
        observe(metric("web-1", 4, 10));
        assertThat(alerts())
                .extracting(
                        a -> a.status + "@" + (a.status.equals("firing") ? a.startsAt : a.endsAt))
                .containsExactly("firing@" + (T0 + 3 * MIN), "resolved@" + (T0 + 4 * MIN));
    }

    @Test
    void absenceFiresOnTheWallClockWhenAllInputStops() throws Exception {
        open(rule("{name: HostSilent, pipeline: app-metrics, kind: absence, absent_for: 5m}"));
        harness.setProcessingTime(1_000_000);
        observe(metric("web-1", 0, 10));
        harness.processWatermark(T0 + MIN);
        harness.setProcessingTime(1_001_000);
        harness.setProcessingTime(1_000_000 + 4 * MIN);
        assertThat(alerts()).isEmpty();
        // No watermark progress at all, five minutes later on the wall clock.
        harness.setProcessingTime(1_000_000 + 5 * MIN + 2_000);
        assertThat(alerts())
                .singleElement()
                .satisfies(a -> assertThat(a.status).isEqualTo("firing"));
    }

    @Test
    void anomalyWaitsForItsWarmupThenFiresOnAClearOutlierWithItsFigures() throws Exception {
        open(
                rule(
                        "{name: RequestSpike, pipeline: app-logs, kind: anomaly, field: total, warmup: 20}"));
        observe(logs("checkout", 0, 1000, 0)); // the key's first window: only noted
        java.util.Random r = new java.util.Random(1);
        for (int w = 1; w < 200; w++) {
            // An outlier during warm-up never fires.
            long total = w == 5 ? 9000 : 1000 + Math.round(20 * r.nextGaussian());
            observe(logs("checkout", w, total, 0));
        }
        assertThat(alerts()).isEmpty();
        observe(logs("checkout", 200, 20000, 0));
        assertThat(alerts())
                .singleElement()
                .satisfies(
                        a -> {
                            assertThat(a.status).isEqualTo("firing");
                            assertThat(a.value).isEqualTo(20000);
                            assertThat(a.threshold).isBetween(1000.0, 20000.0);
                            assertThat(a.annotations)
                                    .containsEntry("direction", "above")
                                    .containsKeys("expected", "spread", "score");
                            assertThat(Double.parseDouble(a.annotations.get("expected")))
                                    .isBetween(950.0, 1050.0);
                            assertThat(a.summary)
                                    .startsWith("RequestSpike: 20000 is above its expected ");
                        });
        // One alert for the episode: it resolves once the key is calm, with the firing figures.
        for (int w = 201; w < 204; w++) {
            observe(logs("checkout", w, 1000 + Math.round(20 * r.nextGaussian()), 0));
        }
        List<Alert> out = alerts();
        assertThat(out).extracting(a -> a.status).containsExactly("firing", "resolved");
        assertThat(out.get(1).annotations).isEqualTo(out.get(0).annotations);
        assertThat(out.get(1).threshold).isEqualTo(out.get(0).threshold);
    }

    @Test
    void anomalyRulesWatchDropsByDefault() throws Exception {
        open(rule("{name: Traffic, pipeline: app-logs, kind: anomaly, field: total}"));
        java.util.Random r = new java.util.Random(2);
        for (int w = 0; w < 60; w++) {
            observe(logs("checkout", w, 1000 + Math.round(20 * r.nextGaussian()), 0));
        }
        observe(logs("checkout", 60, 3, 0)); // traffic collapses
        assertThat(alerts())
                .singleElement()
                .satisfies(a -> assertThat(a.annotations).containsEntry("direction", "below"));
    }

    @Test
    void aSparseAnomalyKeyFiresWithForAndResolvesWithResolveAfter() throws Exception {
        // One window with data in five (5-minute points, 1-minute windows): for and resolve_after
        // count the event time the matching windows cover, not adjacent windows.
        open(
                rule(
                        "{name: Sparse, pipeline: app-logs, kind: anomaly, field: total, for: 5m,"
                                + " resolve_after: 5m}"));
        java.util.Random r = new java.util.Random(3);
        int w = 0;
        for (; w < 300; w += 5) {
            observe(logs("checkout", w, 1000 + Math.round(20 * r.nextGaussian()), 0));
        }
        for (int i = 0; i < 3; i++, w += 5) {
            observe(logs("checkout", w, 5000, 0)); // a lasting burst
        }
        assertThat(alerts()).extracting(a -> a.status).containsExactly("firing");
        assertThat(alerts().get(0).startsAt).isEqualTo(T0 + (300 + 5 + 1) * MIN);
        for (int i = 0; i < 400 && alerts().size() < 2; i++, w += 5) {
            observe(logs("checkout", w, 1000 + Math.round(20 * r.nextGaussian()), 0));
        }
        assertThat(alerts()).extracting(a -> a.status).containsExactly("firing", "resolved");
    }

    /**
     * State written by the EWMA anomaly model (a savepoint of the evaluator before this one, in
     * {@code state/rule-evaluator-ewma.snapshot}: an anomaly rule Spike and a threshold rule
     * Errors, both firing for checkout) restores: the threshold alert goes on as it was, and the
     * anomaly alert, whose rule reads differently now (new defaults), resolves as changed at its
     * next window; its model starts afresh.
     */
    @Test
    void stateOfTheEwmaModelRestores() throws Exception {
        // The file is a heap-backend checkpoint (what the harness writes); RocksDB reads only its
        // own. What is tested is the POJO's evolution, the same in both.
        org.junit.jupiter.api.Assumptions.assumeFalse(rocksDb());
        RuleDefinition anomaly =
                rule(
                        "{name: Spike, pipeline: app-logs, kind: anomaly, field: total, sigmas: 3,"
                                + " warmup: 3, direction: both}");
        RuleDefinition errors =
                rule("{name: Errors, pipeline: app-logs, condition: 'error_ratio > 0.1'}");
        harness = harness(anomaly, errors);
        harness.initializeState(
                org.apache.flink.streaming.util.OperatorSnapshotUtil.readStateHandle(
                        java.nio.file.Path.of(
                                        RuleEvaluatorTest.class
                                                .getResource("/state/rule-evaluator-ewma.snapshot")
                                                .toURI())
                                .toString()));
        harness.open();
        harness.processBroadcastWatermark(Long.MAX_VALUE - 1);
        observe(logs("checkout", 8, 100, 0.0));
        assertThat(alerts())
                .extracting(a -> a.rule + " " + a.status + " " + a.startsAt)
                .containsExactlyInAnyOrder(
                        "Errors resolved " + (T0 + 8 * MIN), "Spike resolved " + (T0 + 8 * MIN));
        assertThat(alerts())
                .filteredOn(a -> a.rule.equals("Spike"))
                .singleElement()
                .satisfies(a -> assertThat(a.reason).isEqualTo("rule_changed"));
    }

    @Test
    void aNewPatternFiresOnceAfterLearningAndIsForgottenAfterItsRetention() throws Exception {
        open(
                rule(
                        "{name: NewError, pipeline: app-logs, kind: new_pattern, warmup: 1, retention: 10m}"));
        observe(logs("checkout", 0, 10, 0.1, "Timeout after <NUM> ms"));
        assertThat(alerts()).as("the first window only learns").isEmpty();
        observe(logs("checkout", 1, 10, 0.1, "Timeout after <NUM> ms", "Disk <PATH> full"));
        assertThat(alerts())
                .singleElement()
                .satisfies(
                        a -> {
                            assertThat(a.status).isEqualTo("firing");
                            assertThat(a.labels).containsKey("pattern_id");
                            assertThat(a.summary).contains("Disk <PATH> full");
                        });
        observe(logs("checkout", 2, 10, 0.1, "Disk <PATH> full"));
        assertThat(alerts()).extracting(a -> a.status).containsExactly("firing", "resolved");
        // Unseen for longer than the retention: new again.
        observe(logs("checkout", 20, 10, 0.1, "Timeout after <NUM> ms"));
        assertThat(alerts())
                .extracting(a -> a.status)
                .containsExactly("firing", "resolved", "firing");
    }

    /**
     * A group's pattern alerts resolve at their next window whatever came between: windows without
     * new patterns, a restore, another group's patterns, and new patterns again later. (The rule
     * looks for alerts to resolve only while the group may have one.)
     */
    @Test
    void newPatternAlertsResolveAfterQuietWindowsAndARestore() throws Exception {
        RuleDefinition r =
                rule(
                        "{name: NewError, pipeline: app-logs, kind: new_pattern, warmup: 1,"
                                + " retention: 1d}");
        open(r);
        observe(logs("checkout", 0, 10, 0.1, "A <NUM>"));
        observe(logs("payments", 0, 10, 0.1));
        observe(logs("checkout", 1, 10, 0.1, "A <NUM>", "B <NUM>"));
        for (int w = 1; w < 4; w++) {
            observe(logs("payments", w, 10, 0.1));
        }
        assertThat(patternAlerts()).containsExactly("checkout B <NUM> firing");
        OperatorSubtaskState snapshot = harness.snapshot(1, 1);
        harness.close();
        harness = harness(r);
        harness.initializeState(snapshot);
        harness.open();
        observe(logs("checkout", 2, 10, 0.1, "A <NUM>"));
        assertThat(patternAlerts()).containsExactly("checkout B <NUM> resolved");
        for (int w = 3; w < 6; w++) {
            observe(logs("checkout", w, 10, 0.1, "A <NUM>"));
        }
        assertThat(patternAlerts()).isEmpty();
        observe(logs("checkout", 6, 10, 0.1, "C <NUM>", "D <NUM>"));
        observe(logs("payments", 4, 10, 0.1, "E <NUM>"));
        assertThat(patternAlerts())
                .containsExactly(
                        "checkout C <NUM> firing",
                        "checkout D <NUM> firing",
                        "payments E <NUM> firing");
        observe(logs("checkout", 7, 10, 0.1, "A <NUM>"));
        observe(logs("payments", 5, 10, 0.1));
        assertThat(patternAlerts())
                .containsExactlyInAnyOrder(
                        "checkout C <NUM> resolved",
                        "checkout D <NUM> resolved",
                        "payments E <NUM> resolved");
        observe(logs("checkout", 8, 10, 0.1, "A <NUM>", "C <NUM>"));
        assertThat(patternAlerts()).as("C was seen a window ago: not new").isEmpty();
    }

    /** The pattern alerts sent since the last call, as "service pattern status". */
    private List<String> patternAlerts() {
        List<String> out = new ArrayList<>();
        for (Alert a : alerts()) {
            String id = a.labels.get("pattern_id");
            String pattern =
                    Stream.of("A", "B", "C", "D", "E")
                            .map(p -> p + " <NUM>")
                            .filter(p -> Integer.toHexString(p.hashCode()).equals(id))
                            .findFirst()
                            .orElse("?" + id);
            out.add(a.labels.get("service") + " " + pattern + " " + a.status);
        }
        harness.getOutput().clear();
        return out;
    }

    @Test
    void controlTopicRulesAddUpdateAndDeleteWhileRunning() throws Exception {
        open();
        observe(logs("checkout", 0, 100, 0.5));
        assertThat(alerts()).isEmpty();
        RuleDefinition v1 =
                rule("{name: Errors, pipeline: app-logs, condition: 'error_ratio > 0.1'}");
        harness.processBroadcastElement(new RuleUpdate("Errors", RuleJson.toJson(v1)), 0);
        observe(logs("checkout", 1, 100, 0.5));
        assertThat(alerts()).extracting(a -> a.status).containsExactly("firing");
        // A changed rule resolves what the old version fired; the new one decides afresh.
        RuleDefinition v2 =
                rule("{name: Errors, pipeline: app-logs, condition: 'error_ratio > 0.9'}");
        harness.processBroadcastElement(new RuleUpdate("Errors", RuleJson.toJson(v2)), 0);
        assertThat(alerts())
                .extracting(a -> a.status + ":" + a.reason)
                .containsExactly("firing:null", "resolved:rule_changed");
        observe(logs("checkout", 2, 100, 0.95));
        harness.processBroadcastElement(new RuleUpdate("Errors", null), 0);
        observe(logs("checkout", 3, 100, 0.95));
        assertThat(alerts())
                .extracting(a -> a.status + ":" + a.reason)
                .containsExactly(
                        "firing:null",
                        "resolved:rule_changed",
                        "firing:null",
                        "resolved:rule_deleted");
    }

    @Test
    void aTopicRuleOverridesAFileRuleAndDeletingItBringsTheFileRuleBack() throws Exception {
        open(rule("{name: Errors, pipeline: app-logs, condition: 'error_ratio > 0.9'}"));
        RuleDefinition strict =
                rule("{name: Errors, pipeline: app-logs, condition: 'error_ratio > 0.1'}");
        harness.processBroadcastElement(new RuleUpdate("Errors", RuleJson.toJson(strict)), 0);
        observe(logs("checkout", 0, 100, 0.5));
        assertThat(alerts()).hasSize(1);
        harness.processBroadcastElement(new RuleUpdate("Errors", null), 0);
        observe(logs("checkout", 1, 100, 0.5));
        observe(logs("checkout", 2, 100, 0.95));
        assertThat(alerts())
                .extracting(a -> a.status)
                .containsExactly("firing", "resolved", "firing");
    }

    @Test
    void alertStateAndTopicRulesSurviveARestoreWithoutFiringTwice() throws Exception {
        open();
        RuleDefinition r =
                rule("{name: Errors, pipeline: app-logs, condition: 'error_ratio > 0.1'}");
        harness.processBroadcastElement(new RuleUpdate("Errors", RuleJson.toJson(r)), 0);
        observe(logs("checkout", 0, 100, 0.5));
        assertThat(alerts()).hasSize(1);
        OperatorSubtaskState snapshot = harness.snapshot(1, 1);
        harness.close();

        harness = harness();
        harness.initializeState(snapshot);
        harness.open();
        observe(logs("checkout", 1, 100, 0.5));
        assertThat(alerts()).as("still firing: no second FIRING").isEmpty();
        observe(logs("checkout", 2, 100, 0.0));
        assertThat(alerts()).extracting(a -> a.status).containsExactly("resolved");
    }
}
