package io.streamwatch.sinks;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamwatch.records.KafkaMessage;
import io.streamwatch.records.MetricAggregate;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The metric aggregate record and its Kafka key, byte for byte, as SPEC section 7 shows them. */
class MetricAggregateEncoderTest {
    @Test
    void writesTheSpecsShapeCountAsAnIntegerAndTheKeyByGroupAndWindow() {
        MetricAggregate a = new MetricAggregate();
        a.pipeline = "app-metrics";
        a.name = "http.server.duration";
        Map<String, String> group = new LinkedHashMap<>();
        group.put("service", "checkout");
        group.put("host", "web-1");
        a.group = group;
        a.windowStart = Instant.parse("2026-11-25T10:00:00Z").toEpochMilli();
        a.windowEnd = Instant.parse("2026-11-25T10:01:00Z").toEpochMilli();
        a.count = 600;
        a.sum = 74040.0;
        a.min = 3.1;
        a.max = 2210.0;
        a.mean = 123.4;
        a.p50 = 98.2;
        a.p90 = 240.1;
        a.p95 = 410.7;
        a.p99 = 1190.3;

        // Twice: the second one is written by the thread's reused generator and time texts.
        for (int i = 0; i < 2; i++) {
            KafkaMessage m = new MetricAggregateEncoder().map(a);
            assertThat(new String(m.value, StandardCharsets.UTF_8))
                    .isEqualTo(
                            "{\"type\":\"metric_aggregate\",\"pipeline\":\"app-metrics\","
                                    + "\"name\":\"http.server.duration\","
                                    + "\"group\":{\"service\":\"checkout\",\"host\":\"web-1\"},"
                                    + "\"window_start\":\"2026-11-25T10:00:00.000Z\","
                                    + "\"window_end\":\"2026-11-25T10:01:00.000Z\","
                                    + "\"count\":600,\"sum\":74040.0,\"min\":3.1,\"max\":2210.0,"
                                    + "\"mean\":123.4,\"p50\":98.2,\"p90\":240.1,\"p95\":410.7,"
                                    + "\"p99\":1190.3}");
            assertThat(new String(m.key, StandardCharsets.UTF_8))
                    .isEqualTo(
                            "{\"pipeline\":\"app-metrics\",\"name\":\"http.server.duration\","
                                    + "\"group\":{\"service\":\"checkout\",\"host\":\"web-1\"},"
                                    + "\"window_start\":\"2026-11-25T10:00:00.000Z\"}");
        }
    }
}
