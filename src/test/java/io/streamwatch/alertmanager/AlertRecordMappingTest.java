package io.streamwatch.alertmanager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamwatch.alerts.Alert;
import io.streamwatch.sinks.AlertEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Alert records of the SPEC's shape (section 5) mapped to what Alertmanager's {@code POST
 * /api/v2/alerts} takes; every expected alert is written out by hand.
 */
class AlertRecordMappingTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
    private static final String LINK = "http://localhost:8081/#/job/running/0123abcd/overview";

    private static AlertmanagerAlert map(String record) {
        return AlertRecordMapping.map(record.getBytes(StandardCharsets.UTF_8), NOW);
    }

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }

    @Test
    void aFiringRecordBecomesAnAlertWithoutEndsAt() throws Exception {
        AlertmanagerAlert a =
                map(
                        """
                        {"fingerprint":"5d0f3c2a9b1e7d44","status":"firing",
                         "labels":{"alertname":"HighErrorRatio","severity":"page",
                                   "service":"checkout","team":"payments"},
                         "annotations":{"summary":"checkout error ratio 12.0% > 5%",
                                        "description":"errors of checkout over 1m"},
                         "startsAt":"2026-11-25T10:16:00.000Z","endsAt":null,
                         "value":0.12,"threshold":0.05,
                         "window_start":"2026-11-25T10:15:00.000Z",
                         "window_end":"2026-11-25T10:16:00.000Z",
                         "rule":"HighErrorRatio","pipeline":"app-logs"}
                        """);

        assertThat(a.fingerprint()).isEqualTo("5d0f3c2a9b1e7d44");
        assertThat(a.firing()).isTrue();
        assertThat(a.body(LINK))
                .isEqualTo(
                        json(
                                """
                                {"labels":{"alertname":"HighErrorRatio","service":"checkout",
                                           "severity":"page","team":"payments"},
                                 "annotations":{"summary":"checkout error ratio 12.0% > 5%",
                                                "description":"errors of checkout over 1m",
                                                "value":"0.12","threshold":"0.05",
                                                "window_start":"2026-11-25T10:15:00.000Z",
                                                "window_end":"2026-11-25T10:16:00.000Z",
                                                "pipeline":"app-logs",
                                                "fingerprint":"5d0f3c2a9b1e7d44"},
                                 "startsAt":"2026-11-25T10:16:00.000Z",
                                 "generatorURL":"http://localhost:8081/#/job/running/0123abcd/overview"}
                                """));
    }

    @Test
    void aResolveCarriesEndsAtAndWhatResolvedIt() throws Exception {
        AlertmanagerAlert a =
                map(
                        """
                        {"fingerprint":"5d0f3c2a9b1e7d44","status":"resolved",
                         "labels":{"alertname":"HighErrorRatio","severity":"page",
                                   "service":"checkout"},
                         "annotations":{"summary":"checkout error ratio 12.0% > 5%",
                                        "description":"d",
                                        "resolved":"error ratio 1.0% <= 5%"},
                         "startsAt":"2026-11-25T10:16:00.000Z",
                         "endsAt":"2026-11-25T10:21:00.000Z",
                         "value":0.12,"threshold":0.05,
                         "window_start":"2026-11-25T10:15:00.000Z",
                         "window_end":"2026-11-25T10:16:00.000Z",
                         "rule":"HighErrorRatio","pipeline":"app-logs",
                         "resolved_value":0.01,"resolved_at":"2026-11-25T10:20:59.000Z"}
                        """);

        assertThat(a.firing()).isFalse();
        assertThat(a.body(null))
                .isEqualTo(
                        json(
                                """
                                {"labels":{"alertname":"HighErrorRatio","service":"checkout",
                                           "severity":"page"},
                                 "annotations":{"summary":"checkout error ratio 12.0% > 5%",
                                                "description":"d",
                                                "resolved":"error ratio 1.0% <= 5%",
                                                "value":"0.12","threshold":"0.05",
                                                "window_start":"2026-11-25T10:15:00.000Z",
                                                "window_end":"2026-11-25T10:16:00.000Z",
                                                "pipeline":"app-logs",
                                                "fingerprint":"5d0f3c2a9b1e7d44",
                                                "resolved_value":"0.01",
                                                "resolved_at":"2026-11-25T10:20:59.000Z"},
                                 "startsAt":"2026-11-25T10:16:00.000Z",
                                 "endsAt":"2026-11-25T10:21:00.000Z"}
                                """));
    }

    @Test
    void aResolveEndingAfterNowEndsNowAndOneEndingBeforeItsStartEndsAtItsStart() {
        String record =
                """
                {"fingerprint":"f1","status":"resolved","labels":{"alertname":"A"},
                 "annotations":{},"startsAt":"%s","endsAt":"%s","reason":"rule_deleted"}
                """;

        AlertmanagerAlert future =
                map(record.formatted("2026-11-25T11:00:00.000Z", "2026-11-25T13:00:00.000Z"));
        AlertmanagerAlert backwards =
                map(record.formatted("2026-11-25T11:00:00.000Z", "2026-11-25T10:00:00.000Z"));

        // NOW is 12:00.
        assertThat(future.alert().get("endsAt").asText()).isEqualTo("2026-11-25T12:00:00.000Z");
        assertThat(backwards.alert().get("endsAt").asText()).isEqualTo("2026-11-25T11:00:00.000Z");
        assertThat(future.alert().get("annotations").get("reason").asText())
                .isEqualTo("rule_deleted");
    }

    @Test
    void labelNamesAlertmanagerRejectsAreRewrittenAndEmptyLabelsDropped() throws Exception {
        AlertmanagerAlert a =
                map(
                        """
                        {"fingerprint":"f2","status":"firing",
                         "labels":{"alertname":"HostSilent","resource.host-name":"web-1",
                                   "9lives":"x","zone":"","severity":"ticket"},
                         "annotations":{"summary":"s"},
                         "startsAt":"2026-11-25T10:16:00.000Z","endsAt":null,
                         "value":120.0,"threshold":null}
                        """);

        assertThat(a.alert().get("labels"))
                .isEqualTo(
                        json(
                                """
                                {"_9lives":"x","alertname":"HostSilent",
                                 "resource_host_name":"web-1","severity":"ticket"}
                                """));
        assertThat(a.alert().get("annotations"))
                .isEqualTo(json("{\"summary\":\"s\",\"value\":\"120\",\"fingerprint\":\"f2\"}"));
    }

    @Test
    void recordsThatAreNotAlertsAreRefusedWithTheReason() {
        assertThatThrownBy(() -> map("{not json"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("not JSON");
        assertThatThrownBy(() -> map("[1]")).hasMessage("not a JSON object");
        assertThatThrownBy(
                        () ->
                                map(
                                        "{\"status\":\"firing\",\"labels\":{\"a\":\"b\"},"
                                                + "\"startsAt\":\"2026-11-25T10:16:00.000Z\"}"))
                .hasMessage("no fingerprint");
        assertThatThrownBy(
                        () ->
                                map(
                                        "{\"fingerprint\":\"f\",\"status\":\"pending\","
                                                + "\"labels\":{\"a\":\"b\"},"
                                                + "\"startsAt\":\"2026-11-25T10:16:00.000Z\"}"))
                .hasMessageContaining("neither firing nor resolved");
        assertThatThrownBy(
                        () ->
                                map(
                                        "{\"fingerprint\":\"f\",\"status\":\"firing\","
                                                + "\"labels\":{\"a\":\"b\"},\"startsAt\":\"10:16\"}"))
                .hasMessageContaining("startsAt is not an ISO-8601 time");
    }

    /** The job's own encoder and the bridge agree on the record: what one writes, one reads. */
    @Test
    void whatTheJobsAlertEncoderWritesMapsToTheAlertItDescribes() throws Exception {
        Alert alert = new Alert();
        alert.fingerprint = "00ff00ff00ff00ff";
        alert.status = Alert.FIRING;
        Map<String, String> labels = new TreeMap<>();
        labels.put("alertname", "SlowRequestsP99");
        labels.put("severity", "page");
        labels.put("host", "web-3");
        labels.put("name", "http.server.duration");
        alert.labels = labels;
        alert.summary = "p99 of web-3 is 900 ms";
        alert.description = "slow";
        alert.startsAt = Instant.parse("2026-11-25T10:16:00Z").toEpochMilli();
        alert.value = 900.5;
        alert.threshold = 500.0;
        alert.windowStart = Instant.parse("2026-11-25T10:15:00Z").toEpochMilli();
        alert.windowEnd = Instant.parse("2026-11-25T10:16:00Z").toEpochMilli();
        alert.rule = "SlowRequestsP99";
        alert.pipeline = "app-metrics";

        byte[] value = new AlertEncoder().map(alert).value;
        AlertmanagerAlert a = AlertRecordMapping.map(value, NOW);

        assertThat(a.body(LINK))
                .isEqualTo(
                        json(
                                """
                                {"labels":{"alertname":"SlowRequestsP99","host":"web-3",
                                           "name":"http.server.duration","severity":"page"},
                                 "annotations":{"summary":"p99 of web-3 is 900 ms",
                                                "description":"slow",
                                                "value":"900.5","threshold":"500",
                                                "window_start":"2026-11-25T10:15:00.000Z",
                                                "window_end":"2026-11-25T10:16:00.000Z",
                                                "pipeline":"app-metrics",
                                                "fingerprint":"00ff00ff00ff00ff"},
                                 "startsAt":"2026-11-25T10:16:00.000Z",
                                 "generatorURL":"http://localhost:8081/#/job/running/0123abcd/overview"}
                                """));
    }

    @Test
    void labelNames() {
        assertThat(AlertRecordMapping.labelName("service")).isEqualTo("service");
        assertThat(AlertRecordMapping.labelName("service.name")).isEqualTo("service_name");
        assertThat(AlertRecordMapping.labelName("0")).isEqualTo("_0");
        assertThat(AlertRecordMapping.labelName("")).isEqualTo("_");
        assertThat(AlertRecordMapping.labelName("größe")).isEqualTo("gr__e");
    }
}
