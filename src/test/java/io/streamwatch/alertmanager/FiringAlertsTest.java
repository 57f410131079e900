package io.streamwatch.alertmanager;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The firing set a bridge rebuilds from the alerts topic, transition by transition. */
class FiringAlertsTest {
    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");

    private static AlertmanagerAlert record(String fingerprint, String status, String startsAt) {
        String json =
                "{\"fingerprint\":\""
                        + fingerprint
                        + "\",\"status\":\""
                        + status
                        + "\",\"labels\":{\"alertname\":\"R\",\"service\":\""
                        + fingerprint
                        + "\"},\"annotations\":{},\"startsAt\":\""
                        + startsAt
                        + "\",\"endsAt\":"
                        + (status.equals("firing") ? "null" : "\"2026-11-25T11:30:00.000Z\"")
                        + "}";
        return AlertRecordMapping.map(json.getBytes(StandardCharsets.UTF_8), NOW);
    }

    @Test
    void theLastTransitionOfEachFingerprintDecides() {
        FiringAlerts f = new FiringAlerts();
        f.apply(record("a", "firing", "2026-11-25T10:00:00.000Z"));
        f.apply(record("b", "firing", "2026-11-25T10:01:00.000Z"));
        f.apply(record("c", "firing", "2026-11-25T10:02:00.000Z"));
        f.apply(record("a", "resolved", "2026-11-25T10:00:00.000Z"));
        f.apply(record("a", "firing", "2026-11-25T11:00:00.000Z")); // fires again
        f.apply(record("c", "resolved", "2026-11-25T10:02:00.000Z"));

        assertThat(f.size()).isEqualTo(2);
        assertThat(f.isFiring("c")).isFalse();
        assertThat(f.all())
                .extracting(x -> x.fingerprint() + " " + x.alert().get("startsAt").asText())
                .containsExactlyInAnyOrder(
                        "a 2026-11-25T11:00:00.000Z", "b 2026-11-25T10:01:00.000Z");
    }

    @Test
    void aTombstoneResolvesAFiringAlertAndIsNothingOtherwise() {
        FiringAlerts f = new FiringAlerts();
        f.apply(record("a", "firing", "2026-11-25T10:00:00.000Z"));

        AlertmanagerAlert resolve = f.delete("a", "2026-11-25T12:00:00.000Z");

        assertThat(resolve.firing()).isFalse();
        assertThat(resolve.alert().get("endsAt").asText()).isEqualTo("2026-11-25T12:00:00.000Z");
        assertThat(resolve.alert().get("startsAt").asText()).isEqualTo("2026-11-25T10:00:00.000Z");
        assertThat(f.size()).isZero();
        assertThat(f.delete("a", "2026-11-25T12:00:00.000Z")).isNull();
    }
}
