package io.streamwatch.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.streamwatch.config.ConfigProblem;
import io.streamwatch.config.StreamwatchConfig;
import io.streamwatch.records.GroupKey;
import io.streamwatch.rules.RuleDefinition;
import io.streamwatch.rules.RuleReader;
import io.streamwatch.testing.TestPipelines;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * The playground's request burst (IncidentKind.REQUEST_BURST: one host reports 4 times its usual
 * {@code http.server.requests} points for 2 minutes, 9 minutes into the first cycle) fires the
 * example rule RequestRateAnomaly, as written in jobs-config/rules/examples.yaml, within that first
 * cycle. The counts are those of the generator's defaults: 200 records/s, 40% of them metric
 * points, 15% of those request counts, over 8 hosts: about 90 a minute per host.
 */
class PlaygroundRequestBurstTest {
    static final long T0 = 1_795_600_800_000L;
    static final long MIN = 60_000;

    static RuleDefinition exampleRule(String name) throws Exception {
        JsonNode rules =
                new ObjectMapper(new YAMLFactory())
                        .readTree(Path.of("jobs-config/rules/examples.yaml").toFile());
        for (int i = 0; i < rules.size(); i++) {
            if (name.equals(rules.get(i).path("name").asText())) {
                List<ConfigProblem> problems = new ArrayList<>();
                RuleDefinition d = RuleReader.read(rules.get(i), "examples.yaml", i, problems);
                assertThat(problems).isEmpty();
                return d;
            }
        }
        throw new AssertionError(name + " not in examples.yaml");
    }

    static Observation requests(int window, double count) {
        Observation o = new Observation();
        o.pipeline = "app-metrics";
        o.groupKey = "checkout" + GroupKey.SEPARATOR + "checkout-2";
        o.name = "http.server.requests";
        o.group = Map.of("service", "checkout", "host", "checkout-2");
        o.windowStart = T0 + window * MIN;
        o.windowEnd = o.windowStart + MIN;
        o.numbers = new HashMap<>(Map.of("count", count, "sum", count * 50));
        o.patterns = List.of();
        return o;
    }

    @Test
    void theBurstFiresWithinTheFirstCycle() throws Exception {
        RuleDefinition rule = exampleRule("RequestRateAnomaly");
        StreamwatchConfig config =
                TestPipelines.job(
                        "x",
                        "t",
                        List.of(
                                TestPipelines.logs("streamwatch"),
                                TestPipelines.metrics("streamwatch")),
                        "d",
                        "l");
        int fired = 0;
        int seeds = 50;
        for (long seed = 0; seed < seeds; seed++) {
            Random r = new Random(seed);
            try (var h =
                    new KeyedBroadcastOperatorTestHarness<>(
                            new CoBroadcastWithKeyedOperator<>(
                                    new RuleEvaluator(config, List.of(rule)),
                                    List.of(RuleEvaluator.TOPIC_RULES)),
                            Observation::evaluationKey,
                            Types.STRING,
                            1,
                            1,
                            0)) {
                h.open();
                h.processBroadcastWatermark(Long.MAX_VALUE - 1);
                // The job's first window is partial (the generator started within it), then
                // minutes 0 to 8 of the cycle, then the burst at minutes 9 and 10.
                List<Observation> in = new ArrayList<>();
                in.add(requests(-1, Math.round(90 * r.nextDouble())));
                for (int w = 0; w < 11; w++) {
                    double usual = Math.max(0, Math.round(90 + Math.sqrt(90) * r.nextGaussian()));
                    in.add(requests(w, w >= 9 ? 4 * usual : usual));
                }
                for (Observation o : in) {
                    h.processElement(o, o.windowEnd - 1);
                }
                List<Alert> out = h.extractOutputValues();
                if (out.size() == 1
                        && out.get(0).status.equals("firing")
                        && out.get(0).startsAt >= T0 + 10 * MIN) {
                    fired++;
                }
            }
        }
        assertThat(fired).isEqualTo(seeds);
    }
}
