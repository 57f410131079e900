package io.streamwatch.sources;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamwatch.records.DeadLetter;
import io.streamwatch.records.Decoded;
import io.streamwatch.records.Level;
import io.streamwatch.records.LogEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.BoundedOutOfOrdernessWatermarks;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.util.clock.ManualClock;
import org.junit.jupiter.api.Test;

/**
 * A split goes idle only after a whole idle timeout without records while its consumer's fetches
 * are answered: not during a broker outage, not in the first moments after it, and dead letters are
 * not activity. Time is moved by hand, in the 200 ms steps of Flink's periodic emit.
 */
class FetchAwareIdlenessTest {
    private static final Duration IDLENESS = Duration.ofSeconds(30);

    private final ManualClock clock = new ManualClock();
    private double fetches = 0;
    private boolean brokerUp = true;
    private final List<String> out = new ArrayList<>();
    private final WatermarkOutput output =
            new WatermarkOutput() {
                @Override
                public void emitWatermark(Watermark w) {
                    out.add("wm " + w.getTimestamp());
                }

                @Override
                public void markIdle() {
                    out.add("idle");
                }

                @Override
                public void markActive() {
                    out.add("active");
                }
            };

    private final FetchAwareIdleness gen =
            new FetchAwareIdleness(
                    new BoundedOutOfOrdernessWatermarks<>(Duration.ofSeconds(5)),
                    IDLENESS,
                    clock,
                    () -> fetches);

    /** Runs the periodic emit for {@code seconds}; a broker that is up answers every 500 ms. */
    private void run(double seconds) {
        for (int step = 0; step < seconds * 5; step++) {
            clock.advanceTime(Duration.ofMillis(200));
            if (brokerUp && step % 5 == 0) {
                fetches++;
            }
            gen.onPeriodicEmit(output);
        }
    }

    private void event(long ts) {
        gen.onEvent(Decoded.of(new LogEvent("a", ts, Level.INFO, "m")), ts, output);
    }

    private boolean idle() {
        return !out.isEmpty() && out.get(out.size() - 1).equals("idle");
    }

    @Test
    void aQuietPartitionWhoseBrokerAnswersGoesIdleAfterTheTimeout() {
        event(100_000);
        run(29);
        assertThat(idle()).isFalse();
        assertThat(out).contains("wm 94999");
        run(1.4);
        assertThat(idle()).isTrue();
        assertThat(out.stream().filter("idle"::equals)).hasSize(1);
    }

    @Test
    void duringAnOutageNoPartitionGoesIdleAndTheWatermarkHolds() {
        event(100_000);
        run(5);
        brokerUp = false;
        out.clear();
        run(120);
        assertThat(out).doesNotContain("idle").containsOnly("wm 94999");
    }

    @Test
    void afterAnOutageAPartitionGoesIdleOnlyAWholeTimeoutAfterTheBrokerAnswersAgain() {
        event(100_000);
        brokerUp = false;
        run(90);
        brokerUp = true;
        out.clear();
        run(29);
        // Quiet for two minutes, but answered for 29 s only: its data may still be on its way.
        assertThat(out).doesNotContain("idle");
        run(2);
        assertThat(idle()).isTrue();
    }

    @Test
    void anIdlePartitionHoldsItsWatermarkAgainWhenTheBrokerStopsAnswering() {
        event(100_000);
        run(31);
        assertThat(idle()).isTrue();
        brokerUp = false;
        out.clear();
        run(12);
        assertThat(out).contains("wm 94999").doesNotContain("idle");
    }

    @Test
    void deadLettersDoNotKeepAPartitionActive() {
        event(100_000);
        for (int i = 0; i < 31; i++) {
            clock.advanceTime(Duration.ofSeconds(1));
            gen.onEvent(Decoded.of(new DeadLetter()), Long.MIN_VALUE, output);
            fetches += 2;
            gen.onPeriodicEmit(output);
        }
        assertThat(idle()).isTrue();
    }

    @Test
    void aRecordMakesAnIdlePartitionActiveAgain() {
        event(100_000);
        run(31);
        assertThat(idle()).isTrue();
        event(200_000);
        run(0.2);
        assertThat(out.get(out.size() - 1)).isEqualTo("wm 194999");
    }

    @Test
    void withoutAConsumerToAskItIsFlinksIdleness() {
        FetchAwareIdleness plain =
                new FetchAwareIdleness(
                        new BoundedOutOfOrdernessWatermarks<>(Duration.ofSeconds(5)),
                        IDLENESS,
                        clock,
                        () -> Double.NaN);
        plain.onEvent(Decoded.of(new LogEvent("a", 1, Level.INFO, "m")), 1, output);
        plain.onPeriodicEmit(output); // the record is noted here, as in Flink's idleness
        clock.advanceTime(IDLENESS.minusMillis(1));
        plain.onPeriodicEmit(output);
        assertThat(idle()).isFalse();
        clock.advanceTime(Duration.ofMillis(1));
        plain.onPeriodicEmit(output);
        assertThat(idle()).isTrue();
    }

    @Test
    void aStallIsAtLeastASecondAndAtMostTenOrHalfTheIdleness() {
        assertThat(FetchAwareIdleness.stallAfter(Duration.ofSeconds(30)))
                .isEqualTo(Duration.ofSeconds(10));
        assertThat(FetchAwareIdleness.stallAfter(Duration.ofSeconds(8)))
                .isEqualTo(Duration.ofSeconds(4));
        assertThat(FetchAwareIdleness.stallAfter(Duration.ofMillis(500)))
                .isEqualTo(Duration.ofSeconds(1));
    }
}
