package io.streamwatch.tools;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamwatch.aggregation.PatternMasker;
import io.streamwatch.aggregation.TemplateMiner;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The records the generator makes while an incident runs show the change the matching example rule
 * looks for, and the steady state around them stays clear of every rule.
 */
class IncidentRecordsTest {
    private static final List<String> SERVICES = ScenarioTest.SERVICES;
    private static final long ANCHOR = ScenarioTest.ANCHOR;
    private static final long MINUTE = ScenarioTest.MINUTE;

    private final Scenario scenario = ScenarioTest.rotating(Scenario.DEFAULT_PERIOD);
    private final SampleRecords records = new SampleRecords(SERVICES, 2, scenario, 11);

    @Test
    void anErrorSpikeRaisesTheErrorRatioOfOneService() {
        OneMinute before = OneMinute.of(records, ANCHOR);
        OneMinute during = OneMinute.of(records, ANCHOR + MINUTE);
        assertThat(before.errorRatio("payments")).isLessThan(0.05);
        assertThat(during.errorRatio("payments")).isGreaterThan(0.2);
        assertThat(during.total("payments")).isGreaterThan(1000);
        for (String other : List.of("checkout", "search", "inventory")) {
            assertThat(during.errorRatio(other)).as(other).isLessThan(0.05);
        }
        assertThat(OneMinute.of(records, ANCHOR + 4 * MINUTE).errorRatio("payments"))
                .isLessThan(0.05);
    }

    @Test
    void aLatencySpikeLiftsOneHostsP99() {
        OneMinute during = OneMinute.of(records, ANCHOR + 3 * MINUTE);
        assertThat(during.p99("checkout-1")).isGreaterThan(1000.0);
        assertThat(during.p99("checkout-2")).isLessThan(500.0);
        assertThat(OneMinute.of(records, ANCHOR + 6 * MINUTE).p99("checkout-1")).isLessThan(500.0);
    }

    @Test
    void aSilentHostSendsNothingAtAllThenComesBack() {
        assertThat(OneMinute.of(records, ANCHOR + 5 * MINUTE).hosts()).contains("search-2");
        for (int m = 6; m < 10; m++) {
            OneMinute during = OneMinute.of(records, ANCHOR + m * MINUTE);
            assertThat(during.hosts()).as("minute " + m).doesNotContain("search-2").hasSize(7);
            assertThat(during.badHosts).doesNotContain("search-2").isNotEmpty();
        }
        assertThat(OneMinute.of(records, ANCHOR + 10 * MINUTE).hosts()).contains("search-2");
    }

    @Test
    void aNewErrorMessageAppearsWithoutRaisingTheErrorRatio() {
        Set<String> known = steadyErrorPatterns();
        OneMinute during = OneMinute.of(records, ANCHOR + 5 * MINUTE);
        Map<String, Integer> fresh = new HashMap<>(during.errorPatterns("inventory"));
        fresh.keySet().removeAll(known);
        assertThat(fresh).hasSize(1);
        String pattern = fresh.keySet().iterator().next();
        assertThat(pattern)
                .isEqualTo(PatternMasker.mask(SampleRecords.novelErrorExample(newError(0))));
        assertThat(fresh.get(pattern)).isGreaterThan(5);
        assertThat(during.errorRatio("inventory")).isLessThan(0.05);
        for (String other : List.of("checkout", "payments", "search")) {
            assertThat(known).containsAll(during.errorPatterns(other).keySet());
        }
        // The next cycle's new error is on another service, and new again.
        OneMinute next = OneMinute.of(records, ANCHOR + 17 * MINUTE);
        Map<String, Integer> second = new HashMap<>(next.errorPatterns("checkout"));
        second.keySet().removeAll(known);
        assertThat(second).hasSize(1).doesNotContainKey(pattern);
    }

    @Test
    void aRequestBurstMultipliesOneHostsRequestCount() {
        OneMinute before = OneMinute.of(records, ANCHOR + 8 * MINUTE);
        OneMinute during = OneMinute.of(records, ANCHOR + 9 * MINUTE);
        int usual = before.count("checkout-2", SampleRecords.REQUESTS);
        assertThat(usual).isBetween(50, 140);
        assertThat(during.count("checkout-2", SampleRecords.REQUESTS)).isGreaterThan(3 * usual);
        assertThat(during.count("checkout-2", SampleRecords.DURATION))
                .isBetween(200, 400); // the other metrics of that host are unchanged
        assertThat(during.count("checkout-1", SampleRecords.REQUESTS)).isBetween(50, 140);
    }

    @Test
    void everyNewErrorTemplateIsOnePatternAndNewToEveryService() {
        Set<String> known = steadyErrorPatterns();
        Set<String> seen = new HashSet<>();
        HostBehaviour host = new HostBehaviour("checkout", "checkout-1", 0, 0);
        SampleRecords.Vars vars = new SampleRecords.Vars(new Random(4), host);
        for (int index = 0; index < SampleRecords.NovelErrors.size(); index++) {
            SampleRecords.Template t = SampleRecords.NovelErrors.template(index);
            Set<String> patterns = new HashSet<>();
            for (int i = 0; i < 50; i++) {
                patterns.add(PatternMasker.mask(t.message().apply(vars)));
            }
            assertThat(patterns).as("template %d", index).hasSize(1);
            String pattern = patterns.iterator().next();
            assertThat(known).doesNotContain(pattern);
            assertThat(seen.add(pattern)).as("template %d repeats %s", index, pattern).isTrue();
        }
        assertThat(seen).hasSizeGreaterThan(200);
    }

    @Test
    void everyNewErrorTemplateIsANewTemplateToTheMinerOfAServiceThatSawThemAll() {
        // The job learns templates per service: a later round of the new errors must not merely
        // generalize an earlier one (that would fire no NewErrorPattern alert).
        HostBehaviour host = new HostBehaviour("checkout", "checkout-1", 0, 0);
        SampleRecords.Vars vars = new SampleRecords.Vars(new Random(4), host);
        TemplateMiner miner = new TemplateMiner();
        for (int i = 0; i < 20; i++) {
            for (SampleRecords.Template t : SampleRecords.Catalogue.errors("checkout")) {
                miner.add(t.message().apply(vars));
            }
        }
        for (int index = 0; index < SampleRecords.NovelErrors.size(); index++) {
            String line = SampleRecords.NovelErrors.template(index).message().apply(vars);
            assertThat(miner.add(line).created()).as("template %d: %s", index, line).isTrue();
        }
    }

    @Test
    void aShortPeriodStillSilencesLongEnoughForTheAbsenceRule() {
        Scenario fast = ScenarioTest.rotating(Duration.ofMinutes(6));
        SampleRecords r = new SampleRecords(SERVICES, 2, fast, 1);
        for (int m = 3; m < 6; m++) {
            assertThat(OneMinute.of(r, ANCHOR + m * MINUTE).hosts()).doesNotContain("search-2");
        }
        assertThat(OneMinute.of(r, ANCHOR + 6 * MINUTE).hosts()).contains("search-2");
    }

    private int newError(long cycle) {
        return scenario.cycle(cycle).stream()
                .filter(i -> i.kind() == IncidentKind.NEW_ERROR)
                .findFirst()
                .orElseThrow()
                .novelError();
    }

    private static Set<String> steadyErrorPatterns() {
        Set<String> known = new HashSet<>();
        SampleRecords.Vars vars =
                new SampleRecords.Vars(new Random(9), new HostBehaviour("x", "x-1", 0, 0));
        for (String service : SERVICES) {
            for (SampleRecords.Template t : SampleRecords.Catalogue.errors(service)) {
                known.add(PatternMasker.mask(t.message().apply(vars)));
            }
        }
        return known;
    }
}
