package io.streamwatch.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ScenarioTest {
    static final List<String> SERVICES = List.of("checkout", "payments", "search", "inventory");
    static final long START = Instant.parse("2026-11-25T10:15:40.123Z").toEpochMilli();
    static final long ANCHOR = Instant.parse("2026-11-25T10:16:00Z").toEpochMilli();
    static final long MINUTE = 60_000;

    static Scenario rotating(Duration period) {
        return Scenario.named(Scenario.DEFAULT, START, period, SERVICES, 2);
    }

    @Test
    void startsAtTheFirstWholeMinute() {
        assertThat(rotating(Scenario.DEFAULT_PERIOD).anchorMillis()).isEqualTo(ANCHOR);
        assertThat(
                        Scenario.named("rotating", ANCHOR, Duration.ofMinutes(12), SERVICES, 2)
                                .anchorMillis())
                .isEqualTo(ANCHOR);
        assertThat(rotating(Scenario.DEFAULT_PERIOD).cycleAt(ANCHOR - 1)).isEqualTo(-1);
    }

    @Test
    void theFirstCycleOfTheDefaultScenario() {
        List<ScenarioIncident> cycle = rotating(Scenario.DEFAULT_PERIOD).cycle(0);
        assertThat(cycle)
                .extracting(
                        i ->
                                i.kind()
                                        + " "
                                        + i.target()
                                        + " "
                                        + (i.startMillis() - ANCHOR) / MINUTE
                                        + "-"
                                        + (i.endMillis() - ANCHOR) / MINUTE)
                .containsExactly(
                        "ERROR_SPIKE payments 1-4",
                        "LATENCY_SPIKE checkout-1 3-6",
                        "NEW_ERROR inventory 5-8",
                        "HOST_SILENT search-2 6-10",
                        "REQUEST_BURST checkout-2 9-11");
        assertThat(cycle)
                .extracting(i -> i.kind().rule)
                .containsExactly(
                        "HighErrorRatio",
                        "SlowRequestsP99",
                        "NewErrorPattern",
                        "HostSilent",
                        "RequestRateAnomaly");
    }

    @Test
    void whichIncidentIsActiveAtWhichOffset() {
        Scenario s = rotating(Scenario.DEFAULT_PERIOD);
        assertThat(active(s, 0)).isEmpty();
        assertThat(active(s, 59_999)).isEmpty();
        assertThat(active(s, MINUTE)).containsExactly("ERROR_SPIKE payments");
        assertThat(active(s, 3 * MINUTE + 30_000))
                .containsExactly("ERROR_SPIKE payments", "LATENCY_SPIKE checkout-1");
        assertThat(active(s, 4 * MINUTE)).containsExactly("LATENCY_SPIKE checkout-1");
        assertThat(active(s, 6 * MINUTE + 1))
                .containsExactly("NEW_ERROR inventory", "HOST_SILENT search-2");
        assertThat(active(s, 9 * MINUTE + 59_999))
                .containsExactly("HOST_SILENT search-2", "REQUEST_BURST checkout-2");
        assertThat(active(s, 10 * MINUTE)).containsExactly("REQUEST_BURST checkout-2");
        assertThat(active(s, 11 * MINUTE)).isEmpty();
        // The next cycle moves every incident to another service or host.
        assertThat(active(s, 13 * MINUTE)).containsExactly("ERROR_SPIKE search");
        assertThat(s.cycle(1))
                .extracting(ScenarioIncident::target)
                .containsExactly("search", "payments-2", "checkout", "inventory-1", "payments-1");
        assertThat(active(s, -ANCHOR + START)).isEmpty();
    }

    @Test
    void eachCycleHasItsOwnNewErrorMessage() {
        Scenario s = rotating(Scenario.DEFAULT_PERIOD);
        int first = newError(s, 0);
        assertThat(newError(s, 1)).isEqualTo(first + 1);
        assertThat(newError(s, 41)).isEqualTo(first + 41);
        // A generator started a minute later (against the same job) begins with another one.
        Scenario later =
                Scenario.named("rotating", START + MINUTE, Duration.ofMinutes(12), SERVICES, 2);
        assertThat(newError(later, 0)).isEqualTo(first + 1);
        Set<Integer> indexes = new HashSet<>();
        for (int n = 0; n < SampleRecords.NovelErrors.size(); n++) {
            indexes.add(newError(s, n));
        }
        assertThat(indexes).hasSize(SampleRecords.NovelErrors.size());
        assertThat(s.cycle(0))
                .filteredOn(i -> i.kind() != IncidentKind.NEW_ERROR)
                .allMatch(i -> i.novelError() == -1);
    }

    @Test
    void aShorterPeriodKeepsDurationsAndFitsTheCycle() {
        Scenario s = rotating(Duration.ofMinutes(6));
        assertThat(s.cycle(0))
                .extracting(
                        i ->
                                i.kind()
                                        + " "
                                        + (i.startMillis() - ANCHOR) / MINUTE
                                        + "-"
                                        + (i.endMillis() - ANCHOR) / MINUTE)
                .containsExactly(
                        "ERROR_SPIKE 0-3",
                        "LATENCY_SPIKE 1-4",
                        "NEW_ERROR 2-5",
                        "HOST_SILENT 3-6",
                        "REQUEST_BURST 4-6");
        assertThat(s.cycle(3).get(0).startMillis()).isEqualTo(ANCHOR + 18 * MINUTE);
    }

    @Test
    void aSingleKindKeepsItsPlace() {
        Scenario s = Scenario.named("host-silent", START, Duration.ofMinutes(12), SERVICES, 2);
        assertThat(s.cycle(0))
                .singleElement()
                .satisfies(
                        i -> {
                            assertThat(i.kind()).isEqualTo(IncidentKind.HOST_SILENT);
                            assertThat(i.startMillis()).isEqualTo(ANCHOR + 6 * MINUTE);
                        });
        assertThat(Scenario.names()).contains("rotating", "error-spike", "request-burst");
    }

    @Test
    void oneServiceWithOneHostGetsEverything() {
        Scenario s = Scenario.named("rotating", START, Duration.ofMinutes(12), List.of("a"), 1);
        assertThat(s.cycle(0))
                .extracting(ScenarioIncident::target)
                .containsExactly("a", "a-1", "a", "a-1", "a-1");
    }

    @Test
    void rejectsWhatItCannotRun() {
        assertThatThrownBy(() -> rotating(Duration.ofMinutes(5)))
                .hasMessageContaining("at least 6m");
        assertThatThrownBy(() -> rotating(Duration.ofSeconds(390)))
                .hasMessageContaining("whole minutes");
        assertThatThrownBy(
                        () -> Scenario.named("chaos", START, Duration.ofMinutes(12), SERVICES, 2))
                .hasMessageContaining("unknown scenario 'chaos'")
                .hasMessageContaining("rotating, error-spike");
    }

    @Test
    void theLogSaysWhatStartsAndEndsAndWhatShouldFire() {
        Scenario s = rotating(Scenario.DEFAULT_PERIOD);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        IncidentLog log =
                new IncidentLog(
                        s, new PrintStream(bytes, true, StandardCharsets.UTF_8), ZoneOffset.UTC);
        log.printTimeline();
        assertThat(log.update(START)).isEmpty();
        assertThat(log.update(ANCHOR + MINUTE + 20))
                .containsExactly(
                        "10:17:00 incident: started for 3m: error spike on payments (25% of log"
                                + " lines at ERROR) (HighErrorRatio should fire)");
        assertThat(log.update(ANCHOR + MINUTE + 70)).isEmpty();
        assertThat(log.update(ANCHOR + 4 * MINUTE))
                .containsExactly(
                        "10:20:00 incident: ended: error spike on payments (25% of log lines at"
                                + " ERROR) (HighErrorRatio should resolve)",
                        "10:19:00 incident: started for 3m: latency spike on checkout-1 (request"
                                + " latencies x5) (SlowRequestsP99 should fire)");
        assertThat(log.update(ANCHOR + 6 * MINUTE + 5))
                .containsExactly(
                        "10:22:00 incident: ended: latency spike on checkout-1 (request latencies"
                                + " x5) (SlowRequestsP99 should resolve)",
                        "10:21:00 incident: started for 3m: new error message on inventory: \""
                                + SampleRecords.novelErrorExample(newError(s, 0))
                                + "\" (NewErrorPattern should fire)",
                        "10:22:00 incident: started for 4m: host search-2 goes silent (no"
                                + " metrics, no logs) (HostSilent should fire)");
        String printed = bytes.toString(StandardCharsets.UTF_8);
        assertThat(printed)
                .startsWith("generate: incidents 'rotating', repeating every 12m from 10:16:00")
                .contains(
                        "  +9m for 2m: request burst on checkout-2 (x4 http.server.requests"
                                + " points) -> RequestRateAnomaly");
    }

    private static List<String> active(Scenario s, long offset) {
        return s.activeAt(ANCHOR + offset).stream().map(i -> i.kind() + " " + i.target()).toList();
    }

    private static int newError(Scenario s, long cycle) {
        return s.cycle(cycle).stream()
                .filter(i -> i.kind() == IncidentKind.NEW_ERROR)
                .findFirst()
                .orElseThrow()
                .novelError();
    }
}
