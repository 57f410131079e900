package io.streamwatch.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamwatch.records.DeadLetter;
import io.streamwatch.records.Decoded;
import io.streamwatch.records.Level;
import io.streamwatch.records.LogEvent;
import io.streamwatch.testing.TestPipelines;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.TimestampAssigner;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.junit.jupiter.api.Test;

/** The pipeline's watermark strategy: event time, bounded out-of-orderness, dead letters inert. */
class WatermarksTest {
    private final List<Long> watermarks = new ArrayList<>();
    private final WatermarkOutput output =
            new WatermarkOutput() {
                @Override
                public void emitWatermark(Watermark w) {
                    watermarks.add(w.getTimestamp());
                }

                @Override
                public void markIdle() {}

                @Override
                public void markActive() {}
            };

    @Test
    void watermarkTrailsTheNewestEventByTheOutOfOrdernessAndIgnoresDeadLetters() {
        WatermarkStrategy<Decoded> s =
                StreamwatchJob.watermarks(TestPipelines.logs("streamwatch"), "test");
        TimestampAssigner<Decoded> assigner =
                s.createTimestampAssigner(() -> new UnregisteredMetricsGroup());
        WatermarkGenerator<Decoded> gen =
                s.createWatermarkGenerator(
                        new org.apache.flink.api.common.eventtime.WatermarkGeneratorSupplier
                                .Context() {
                            @Override
                            public org.apache.flink.metrics.MetricGroup getMetricGroup() {
                                return new UnregisteredMetricsGroup();
                            }

                            @Override
                            public org.apache.flink.util.clock.RelativeClock
                                    getInputActivityClock() {
                                return org.apache.flink.util.clock.SystemClock.getInstance();
                            }
                        });
        Decoded event = Decoded.of(new LogEvent("a", 100_000, Level.INFO, "m"));
        long ts = assigner.extractTimestamp(event, 5);
        assertThat(ts).isEqualTo(100_000);
        gen.onEvent(event, ts, output);
        gen.onPeriodicEmit(output);
        Decoded dead = Decoded.of(new DeadLetter());
        gen.onEvent(dead, assigner.extractTimestamp(dead, 999_999_999), output);
        gen.onPeriodicEmit(output);
        // 5 s out-of-orderness: the watermark says "nothing older than this will come".
        assertThat(watermarks).containsOnly(100_000L - 5_000 - 1);
    }
}
