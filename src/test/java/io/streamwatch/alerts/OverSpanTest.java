package io.streamwatch.alerts;

import static io.streamwatch.alerts.RuleEvaluatorTest.MIN;
import static io.streamwatch.alerts.RuleEvaluatorTest.T0;
import static io.streamwatch.alerts.RuleEvaluatorTest.rule;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamwatch.config.StreamwatchConfig;
import io.streamwatch.records.GroupKey;
import io.streamwatch.rules.RuleDefinition;
import io.streamwatch.rules.RuleJson;
import io.streamwatch.testing.TestPipelines;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Rules with {@code over}: each window is evaluated on the merged figures of the key's windows in
 * the span ending with it, compared with the test's own sums over the same windows.
 */
class OverSpanTest {
    private final StreamwatchConfig config =
            TestPipelines.job(
                    "x",
                    "t",
                    List.of(
                            TestPipelines.logs("streamwatch"),
                            TestPipelines.metrics("streamwatch")),
                    "d",
                    "l");
    private EvaluatorHarness harness;

    @AfterEach
    void close() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    private void open(RuleDefinition... rules) throws Exception {
        harness = EvaluatorHarness.of(new RuleEvaluator(config, List.of(rules)));
        if (rocksDb()) {
            harness.setStateBackend(new EmbeddedRocksDBStateBackend());
        }
        harness.open();
    }

    /** Whether the keyed state lives in RocksDB (a subclass runs every test there too). */
    boolean rocksDb() {
        return false;
    }

    private void observe(Observation o) throws Exception {
        harness.processElement(o, o.windowEnd - 1);
    }

    /** A log aggregate with its level counts, as the pipeline makes it. */
    static Observation logs(String service, int window, long total, long errors) {
        Observation o = new Observation();
        o.pipeline = "app-logs";
        o.groupKey = service;
        o.group = Map.of("service", service);
        o.windowStart = T0 + window * MIN;
        o.windowEnd = o.windowStart + MIN;
        o.numbers = new HashMap<>();
        o.numbers.put("total", (double) total);
        o.numbers.put("error_ratio", total == 0 ? 0.0 : (double) errors / total);
        for (String level : List.of("trace", "debug", "warn", "fatal")) {
            o.numbers.put(level, 0.0);
        }
        o.numbers.put("info", (double) (total - errors));
        o.numbers.put("error", (double) errors);
        o.patterns = List.of();
        return o;
    }

    static Observation metric(String host, int window, long count, double sum, double max) {
        Observation o = new Observation();
        o.pipeline = "app-metrics";
        o.groupKey = "checkout" + GroupKey.SEPARATOR + host;
        o.name = "http.server.duration";
        o.group = Map.of("service", "checkout", "host", host);
        o.windowStart = T0 + window * MIN;
        o.windowEnd = o.windowStart + MIN;
        o.numbers = new HashMap<>();
        o.numbers.put("count", (double) count);
        o.numbers.put("sum", sum);
        o.numbers.put("min", 1.0);
        o.numbers.put("max", max);
        o.numbers.put("mean", sum / count);
        o.numbers.put("p99", max);
        o.patterns = List.of();
        return o;
    }

    private List<String> transitions() {
        List<String> out = new ArrayList<>();
        for (Alert a : harness.extractOutputValues()) {
            out.add(
                    a.status
                            + "@"
                            + ((Alert.FIRING.equals(a.status) ? a.startsAt : a.endsAt) - T0) / MIN);
        }
        return out;
    }

    @Test
    void aThresholdOverAnHourOfSparseWindowsFollowsTheSpansErrorRatio() throws Exception {
        int span = 10;
        open(
                rule(
                        "{name: Errors, pipeline: app-logs, over: 10m,"
                                + " condition: 'error_ratio > 0.05 && total >= 100'}"));
        Random r = new Random(7);
        long[] total = new long[400];
        long[] errors = new long[400];
        boolean[] has = new boolean[400];
        List<String> expected = new ArrayList<>();
        List<Double> firedRatios = new ArrayList<>();
        boolean firing = false;
        int first = -1;
        for (int w = 0; w < total.length; w++) {
            if (r.nextDouble() < 0.4) {
                continue; // no data in this window
            }
            has[w] = true;
            total[w] = 5 + r.nextInt(40);
            // Stretches of more errors now and then.
            double p = (w / 50) % 2 == 1 ? 0.09 : 0.02;
            for (int i = 0; i < total[w]; i++) {
                errors[w] += r.nextDouble() < p ? 1 : 0;
            }
            observe(logs("checkout", w, total[w], errors[w]));
            if (first < 0) {
                first = w;
            }
            if (w + 1 - first < span) {
                continue; // not watched for a whole span yet
            }
            long t = 0;
            long e = 0;
            for (int v = w - span + 1; v <= w; v++) {
                t += has[v] ? total[v] : 0;
                e += has[v] ? errors[v] : 0;
            }
            boolean condition = t >= 100 && (double) e / t > 0.05;
            if (condition && !firing) {
                expected.add("firing@" + (w + 1));
                firedRatios.add((double) e / t);
            } else if (!condition && firing) {
                expected.add("resolved@" + (w + 1));
            }
            firing = condition;
        }
        assertThat(expected)
                .as("the test's data must make the rule fire and resolve")
                .hasSizeGreaterThan(3);
        assertThat(transitions()).isEqualTo(expected);
        assertThat(harness.extractOutputValues())
                .filteredOn(a -> Alert.FIRING.equals(a.status))
                .extracting(a -> a.value)
                .containsExactlyElementsOf(firedRatios);
    }

    @Test
    void aMetricSpanMergesCountSumAndMax() throws Exception {
        open(
                rule(
                        "{name: Slow, pipeline: app-metrics, over: 3m, condition: 'max > 900',"
                                + " summary: 'mean {{mean}} of {{count}}'}"));
        // Windows 0..9; one slow request in window 4: the spans ending at 4, 5 and 6 hold it.
        for (int w = 0; w < 10; w++) {
            observe(metric("web-1", w, 10, 100.0 * (w + 1), w == 4 ? 950 : 200));
        }
        assertThat(transitions()).containsExactly("firing@5", "resolved@8");
        Alert fired = harness.extractOutputValues().get(0);
        assertThat(fired.value).isEqualTo(950.0);
        // Windows 2, 3, 4: 30 requests, 300 + 400 + 500 ms.
        assertThat(fired.summary).isEqualTo("mean 40 of 30");
    }

    @Test
    void aKeyIsEvaluatedOnceItHasBeenWatchedForAWholeSpan() throws Exception {
        open(rule("{name: Busy, pipeline: app-logs, over: 5m, condition: 'total >= 1'}"));
        for (int w = 3; w < 12; w++) {
            observe(logs("checkout", w, 10, 0));
        }
        assertThat(transitions())
                .as("first seen in window 3: its span is whole at 8")
                .containsExactly("firing@8");
    }

    @Test
    void anAnomalyRuleSeesTheSpansValue() throws Exception {
        open(
                rule(
                        "{name: Traffic, pipeline: app-logs, kind: anomaly, field: total, over: 5m,"
                                + " warmup: 5}"));
        Random r = new Random(11);
        long[] total = new long[200];
        for (int w = 0; w < 200; w++) {
            total[w] = w < 190 ? 100 + r.nextInt(10) : 2000;
            observe(logs("checkout", w, total[w], 0));
        }
        List<Alert> out = harness.extractOutputValues();
        assertThat(out).isNotEmpty();
        Alert fired = out.get(0);
        int w = (int) ((fired.windowEnd - T0) / MIN) - 1;
        long span = 0;
        for (int v = w - 4; v <= w; v++) {
            span += total[v];
        }
        assertThat(w).isGreaterThanOrEqualTo(190);
        assertThat(fired.value).isEqualTo((double) span);
    }

    @Test
    void aDeletedRuleLeavesNoSpanBehindAndAChangedOneGoesOnWithIt() throws Exception {
        open();
        RuleDefinition v1 =
                rule("{name: Busy, pipeline: app-logs, over: 5m, condition: 'total >= 1000'}");
        harness.processBroadcastElement(new RuleUpdate("Busy", RuleJson.toJson(v1)), 0);
        for (int w = 0; w < 6; w++) {
            observe(logs("checkout", w, 10, 0));
        }
        RuleDefinition v2 =
                rule("{name: Busy, pipeline: app-logs, over: 5m, condition: 'total >= 50'}");
        harness.processBroadcastElement(new RuleUpdate("Busy", RuleJson.toJson(v2)), 0);
        observe(logs("checkout", 6, 10, 0));
        assertThat(transitions())
                .as("the span of windows 2-6 holds 50")
                .containsExactly("firing@7");
        harness.processBroadcastElement(new RuleUpdate("Busy", null), 0);
        harness.processBroadcastElement(new RuleUpdate("Busy", RuleJson.toJson(v2)), 0);
        observe(logs("checkout", 7, 10, 0));
        assertThat(transitions())
                .as("deleted and added again: the key is watched afresh")
                .containsExactly("firing@7", "resolved@7");
    }
}
