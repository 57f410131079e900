package io.streamwatch.offline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The backtest's per-key-and-day table, from alert transitions the test writes itself. */
class FiringRatesTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static JsonNode alert(String rule, String fingerprint, String status) {
        return JSON.createObjectNode()
                .put("rule", rule)
                .put("pipeline", "app-metrics")
                .put("fingerprint", fingerprint)
                .put("status", status);
    }

    @Test
    void countsFiringsPerKeyOfThePipelineAndDay() {
        List<JsonNode> alerts = new ArrayList<>();
        // Over 2 days: host a fires 3 times, host b once; resolves do not count.
        for (int i = 0; i < 3; i++) {
            alerts.add(alert("Spike", "a", "firing"));
            alerts.add(alert("Spike", "a", "resolved"));
        }
        alerts.add(alert("Spike", "b", "firing"));
        List<FiringRates.Rate> rates = FiringRates.of(alerts, Map.of("app-metrics", 10L), 2.0);
        assertThat(rates).hasSize(1);
        FiringRates.Rate r = rates.get(0);
        assertThat(r.fired()).isEqualTo(4);
        assertThat(r.keys()).isEqualTo(10);
        assertThat(r.firedKeys()).isEqualTo(2);
        assertThat(r.perKeyAndDay()).isCloseTo(4 / 20.0, within(1e-9));
        assertThat(r.perFiredKeyAndDay()).isCloseTo(4 / 4.0, within(1e-9));
        assertThat(r.mostOnOneKeyPerDay()).isCloseTo(1.5, within(1e-9));
        StringWriter text = new StringWriter();
        FiringRates.print(new PrintWriter(text), rates, 2.0);
        assertThat(text.toString())
                .contains("per key/day")
                .containsPattern("Spike +10 +2 +0\\.2000 +1\\.0000 +1\\.500");
    }
}
