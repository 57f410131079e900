package io.streamwatch.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamwatch.config.PipelineConfig;
import io.streamwatch.config.WindowConfig;
import io.streamwatch.records.Level;
import io.streamwatch.records.LogAggregate;
import io.streamwatch.records.LogEvent;
import io.streamwatch.testing.TestPipelines;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.transformations.OneInputTransformation;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The log windows as the job builds them, driven by Flink's keyed operator test harness. */
class LogWindowsTest {
    static final long T0 = Instant.parse("2026-11-25T10:15:00Z").toEpochMilli();
    static final long MIN = 60_000;

    private final OutputTag<LogEvent> late =
            new OutputTag<>("late", TypeInformation.of(LogEvent.class));
    private KeyedOneInputStreamOperatorTestHarness<String, LogEvent, LogAggregate> harness;

    @AfterEach
    void close() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    @SuppressWarnings("unchecked")
    private void open(PipelineConfig p) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        DataStream<LogEvent> in =
                env.fromData(List.of(new LogEvent()), TypeInformation.of(LogEvent.class));
        SingleOutputStreamOperator<LogAggregate> windows =
                StreamwatchJob.logWindows(p, in.keyBy(e -> e.key, Types.STRING), late);
        OneInputTransformation<LogEvent, LogAggregate> t =
                (OneInputTransformation<LogEvent, LogAggregate>) windows.getTransformation();
        harness =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        (OneInputStreamOperator<LogEvent, LogAggregate>) t.getOperator(),
                        e -> e.key,
                        Types.STRING);
        harness.open();
    }

    private void log(String service, long ts, Level level, String message) throws Exception {
        harness.processElement(new StreamRecord<>(new LogEvent(service, ts, level, message), ts));
    }

    private List<LogAggregate> output() {
        return harness.extractOutputValues();
    }

    @Test
    void countsLevelsErrorRatioAndTopPatternsPerServiceAndWindow() throws Exception {
        open(TestPipelines.logs("streamwatch"));
        log("checkout", T0 + 1_000, Level.INFO, "ok");
        log("checkout", T0 + 2_000, Level.ERROR, "Timeout calling payment-gateway after 3000 ms");
        log("checkout", T0 + 3_000, Level.ERROR, "Timeout calling payment-gateway after 2950 ms");
        log("checkout", T0 + 4_000, Level.FATAL, "Out of memory");
        log("search", T0 + 5_000, Level.WARN, "slow");
        log("checkout", T0 + MIN + 1, Level.INFO, "next window");
        assertThat(output()).isEmpty();

        harness.processWatermark(T0 + MIN - 1);

        List<LogAggregate> out = output();
        assertThat(out).hasSize(2);
        LogAggregate checkout =
                out.stream().filter(a -> a.key.equals("checkout")).findFirst().get();
        assertThat(checkout.group).isEqualTo(Map.of("service", "checkout"));
        assertThat(checkout.windowStart).isEqualTo(T0);
        assertThat(checkout.windowEnd).isEqualTo(T0 + MIN);
        assertThat(checkout.total).isEqualTo(4);
        assertThat(checkout.levels)
                .containsOnly(
                        Map.entry("INFO", 1L), Map.entry("ERROR", 2L), Map.entry("FATAL", 1L));
        assertThat(checkout.errorRatio).isEqualTo(0.75);
        assertThat(checkout.topPatterns).hasSize(2);
        assertThat(checkout.topPatterns.get(0).pattern)
                .isEqualTo("Timeout calling payment-gateway after <NUM> ms");
        assertThat(checkout.topPatterns.get(0).count).isEqualTo(2);
        assertThat(checkout.topPatterns.get(0).example)
                .isEqualTo("Timeout calling payment-gateway after 3000 ms");
        assertThat(checkout.topPatterns.get(0).patternId).matches("[0-9a-f]{8}");
        assertThat(checkout.topPatterns.get(1).count).isEqualTo(1);
        LogAggregate search = out.stream().filter(a -> a.key.equals("search")).findFirst().get();
        assertThat(search.errorRatio).isZero();
        assertThat(search.topPatterns).isEmpty();
    }

    @Test
    void outOfOrderEventsBeforeTheWatermarkCountAndLaterOnesGoToTheLateOutput() throws Exception {
        open(TestPipelines.logs("streamwatch"));
        log("a", T0 + 30_000, Level.INFO, "x");
        log("a", T0 + 10_000, Level.INFO, "earlier but on time");
        harness.processWatermark(T0 + MIN - 1);
        log("a", T0 + 20_000, Level.ERROR, "too late");

        assertThat(output()).singleElement().satisfies(a -> assertThat(a.total).isEqualTo(2));
        assertThat(harness.getSideOutput(late))
                .singleElement()
                .satisfies(r -> assertThat(r.getValue().message).isEqualTo("too late"));
        assertThat(harness.numKeyedStateEntries()).isZero();
    }

    @Test
    void anUpdateWithinAllowedLatenessFiresTheWindowAgain() throws Exception {
        open(
                TestPipelines.withWindow(
                        TestPipelines.logs("streamwatch"),
                        new WindowConfig(
                                WindowConfig.Type.TUMBLING,
                                Duration.ofMinutes(1),
                                Duration.ofMinutes(1)),
                        Duration.ofSeconds(30)));
        log("a", T0 + 1_000, Level.INFO, "x");
        harness.processWatermark(T0 + MIN - 1);
        log("a", T0 + 2_000, Level.ERROR, "late but allowed");
        harness.processWatermark(T0 + MIN + 30_000);
        log("a", T0 + 3_000, Level.INFO, "beyond lateness");

        List<LogAggregate> out = output();
        assertThat(out).extracting(a -> a.total).containsExactly(1L, 2L);
        assertThat(out).extracting(a -> a.windowStart).containsOnly(T0);
        assertThat(harness.getSideOutput(late)).hasSize(1);
        // Window state is cleaned up once the lateness has passed.
        assertThat(harness.numKeyedStateEntries()).isZero();
    }

    @Test
    void slidingWindowsCountAnEventInEveryWindowItFallsIn() throws Exception {
        open(
                TestPipelines.withWindow(
                        TestPipelines.logs("streamwatch"),
                        new WindowConfig(
                                WindowConfig.Type.SLIDING,
                                Duration.ofMinutes(2),
                                Duration.ofMinutes(1)),
                        Duration.ZERO));
        log("a", T0 + MIN + 5_000, Level.INFO, "x");
        harness.processWatermark(T0 + 3 * MIN);
        assertThat(output())
                .extracting(a -> a.windowStart - T0, a -> a.windowEnd - T0, a -> a.total)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(0L, 2 * MIN, 1L),
                        org.assertj.core.groups.Tuple.tuple(MIN, 3 * MIN, 1L));
    }
}
