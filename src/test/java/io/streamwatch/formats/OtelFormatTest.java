package io.streamwatch.formats;

import static io.streamwatch.formats.Decoding.deadLetter;
import static io.streamwatch.formats.Decoding.events;
import static io.streamwatch.formats.Samples.T;
import static io.streamwatch.formats.Samples.origin;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamwatch.config.PipelineKind;
import io.streamwatch.records.DeadLetter;
import io.streamwatch.records.Decoded;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** OTLP/JSON requests as the Collector's Kafka exporter writes them ({@code otel} format). */
class OtelFormatTest {
    private static final PipelineKind LOGS = PipelineKind.LOGS;
    private static final PipelineKind METRICS = PipelineKind.METRICS;

    private static List<String> decode(RecordDecoder d, byte[] payload) {
        return events(d, payload, origin()).stream().map(Samples::line).toList();
    }

    private static List<String> decode(RecordDecoder d, String json) {
        return decode(d, json.getBytes(StandardCharsets.UTF_8));
    }

    static Stream<Arguments> samples() {
        return Stream.of(
                Arguments.of(
                        "logs-two-resources.json",
                        LOGS,
                        List.of("service"),
                        List.of(
                                "2026-11-25T10:15:30.123Z ERROR checkout Timeout calling"
                                        + " payment-gateway after 3000 ms",
                                "2026-11-25T10:15:31.000Z INFO checkout Payment accepted for order"
                                        + " 81723",
                                "2026-11-25T10:15:32.500Z WARN checkout GC pause 412 ms exceeds 200"
                                        + " ms",
                                // No timeUnixNano: observedTimeUnixNano; no severityNumber: text.
                                "2026-11-25T10:15:33.000Z WARN payment-gateway Upstream bank"
                                        + " latency above 2 s",
                                // The record's own service.name wins over its resource's.
                                "2026-11-25T10:15:34.000Z FATAL payment-gateway-canary"
                                        + " {\"event\":\"circuit_open\",\"failures\":12,"
                                        + "\"ratio\":0.75,\"hosts\":[\"bank-a\",\"bank-b\"]}",
                                // No severity at all: INFO; no body: empty message.
                                "2026-11-25T10:15:35.000Z INFO payment-gateway ")),
                Arguments.of(
                        "logs-two-resources.json",
                        LOGS,
                        List.of("service", "host", "k8s.pod.name"),
                        List.of(
                                "2026-11-25T10:15:30.123Z ERROR"
                                        + " checkout/web-1/checkout-7d9f8b6c5-x2x4q Timeout calling"
                                        + " payment-gateway after 3000 ms",
                                "2026-11-25T10:15:31.000Z INFO"
                                        + " checkout/web-1/checkout-7d9f8b6c5-x2x4q Payment"
                                        + " accepted for order 81723",
                                // The scope's host.name comes before the resource's.
                                "2026-11-25T10:15:32.500Z WARN"
                                        + " checkout/web-1-jvm/checkout-7d9f8b6c5-x2x4q GC pause"
                                        + " 412 ms exceeds 200 ms",
                                "2026-11-25T10:15:33.000Z WARN payment-gateway/unknown/unknown"
                                        + " Upstream bank latency above 2 s",
                                "2026-11-25T10:15:34.000Z FATAL"
                                        + " payment-gateway-canary/unknown/unknown"
                                        + " {\"event\":\"circuit_open\",\"failures\":12,"
                                        + "\"ratio\":0.75,\"hosts\":[\"bank-a\",\"bank-b\"]}",
                                "2026-11-25T10:15:35.000Z INFO payment-gateway/unknown/unknown ")),
                Arguments.of(
                        "metrics-gauge-sum-histogram.json",
                        METRICS,
                        List.of("service", "host"),
                        List.of(
                                "2026-11-25T10:15:30.000Z http.server.request.count/checkout/web-1"
                                        + " = 41.0",
                                "2026-11-25T10:15:30.000Z http.server.request.count/checkout/web-1"
                                        + " = 1491.0",
                                "2026-11-25T10:15:30.000Z"
                                        + " http.server.request.duration/checkout/web-1 ="
                                        + " 0.12340000000000001 of 600", // 74.04 / 600
                                "2026-11-25T10:15:30.000Z"
                                        + " http.server.request.duration.count/checkout/web-1 ="
                                        + " 600.0",
                                "2026-11-25T10:15:30.000Z"
                                        + " http.server.request.duration.sum/checkout/web-1 ="
                                        + " 74.04",
                                "2026-11-25T10:15:30.000Z jvm.memory.used/checkout/web-1-jvm ="
                                        + " 2.68435456E8",
                                "2026-11-25T10:15:30.000Z jvm.cpu.recent_utilization/checkout/web-1"
                                        + " = 0.125",
                                // The point flagged "no recorded value" is left out.
                                "2026-11-25T10:15:31.000Z system.cpu.load_average.1m/unknown/db-1"
                                        + " = 2.5")),
                Arguments.of(
                        "metrics-gauge-sum-histogram.json",
                        METRICS,
                        List.of("http.route"),
                        List.of(
                                "2026-11-25T10:15:30.000Z http.server.request.count//pay = 41.0",
                                "2026-11-25T10:15:30.000Z http.server.request.count//pay = 1491.0",
                                "2026-11-25T10:15:30.000Z http.server.request.duration//pay ="
                                        + " 0.12340000000000001 of 600",
                                "2026-11-25T10:15:30.000Z http.server.request.duration.count//pay ="
                                        + " 600.0",
                                "2026-11-25T10:15:30.000Z http.server.request.duration.sum//pay ="
                                        + " 74.04",
                                "2026-11-25T10:15:30.000Z jvm.memory.used/unknown = 2.68435456E8",
                                "2026-11-25T10:15:30.000Z jvm.cpu.recent_utilization/unknown ="
                                        + " 0.125",
                                "2026-11-25T10:15:31.000Z system.cpu.load_average.1m/unknown ="
                                        + " 2.5")),
                Arguments.of(
                        "metrics-summary-exponential.json",
                        METRICS,
                        List.of("service", "host"),
                        List.of(
                                // A summary's count and sum are running totals, and this
                                // histogram is cumulative: they leave the decoder as totals, and
                                // their deltas (with .count and .sum) come from CumulativeToDelta.
                                "2026-11-25T10:15:30.000Z rpc.duration/search/web-2 = 12.5 of 4"
                                        + " cumulative",
                                "2026-11-25T10:15:30.000Z query.latency/search/web-2 = 2.5 of 3"
                                        + " cumulative",
                                // count 0 (omitted, as proto3 writes it) and no sum.
                                "2026-11-25T10:15:31.000Z query.latency/search/web-2 = 0.0 of 0"
                                        + " cumulative")));
    }

    @ParameterizedTest(name = "{0} by {2}")
    @MethodSource("samples")
    void samplesDecodeToTheirEvents(
            String sample, PipelineKind kind, List<String> groupBy, List<String> expected) {
        RecordDecoder d = Samples.decoder("otel", kind, groupBy, Map.of());
        List<Decoded> events = events(d, Samples.read("otel/" + sample), origin());
        assertThat(events.stream().map(Samples::line)).containsExactlyElementsOf(expected);
        for (Decoded e : events) {
            assertThat(e.log != null ? e.log.topic : e.metric.topic).isEqualTo("in");
            assertThat(e.log != null ? e.log.partition : e.metric.partition).isEqualTo(3);
            assertThat(e.log != null ? e.log.offset : e.metric.offset).isEqualTo(77);
        }
    }

    @Test
    void fieldOrderIsFree() {
        // Resource after its scopes, scope after its records, key after value, time last.
        String json =
                "{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"body\":{\"stringValue\":\"m\"},"
                        + "\"severityNumber\":18,\"timeUnixNano\":\""
                        + T
                        + "000000\"}],\"scope\":{\"attributes\":[{\"value\":{\"stringValue\":\"h-scope\"},"
                        + "\"key\":\"host.name\"}]}}],\"resource\":{\"attributes\":[{\"value\":"
                        + "{\"stringValue\":\"svc\"},\"key\":\"service.name\"},{\"key\":\"host.name\","
                        + "\"value\":{\"stringValue\":\"h-resource\"}}]}}]}";
        assertThat(
                        decode(
                                Samples.decoder("otel", LOGS, List.of("service", "host"), Map.of()),
                                json))
                .containsExactly("2026-11-25T10:15:30.123Z ERROR svc/h-scope m");
    }

    @Test
    void lenientScalarsThatProtobufJsonReadersAccept() {
        // 64-bit integers as numbers, the severity as its enum name, null as absent.
        String json =
                "{\"resourceLogs\":[{\"resource\":null,\"scopeLogs\":[{\"scope\":null,\"logRecords\":["
                        + "{\"timeUnixNano\":"
                        + T
                        + "000000,\"severityNumber\":\"SEVERITY_NUMBER_WARN2\",\"body\":{\"intValue\":7},"
                        + "\"attributes\":null},"
                        + "{\"timeUnixNano\":\""
                        + T
                        + "000000\",\"severityNumber\":\"SEVERITY_NUMBER_UNSPECIFIED\","
                        + "\"severityText\":\"err\",\"body\":{\"boolValue\":true}}]}]}]}";
        assertThat(decode(Samples.decoder("otel", LOGS, List.of("service"), Map.of()), json))
                .containsExactly(
                        "2026-11-25T10:15:30.123Z WARN unknown 7",
                        "2026-11-25T10:15:30.123Z ERROR unknown true");
    }

    @Test
    void groupFieldsCanBeRenamedWithFields() {
        String json =
                "{\"resourceLogs\":[{\"resource\":{\"attributes\":[{\"key\":\"app\",\"value\":"
                        + "{\"stringValue\":\"shop\"}},{\"key\":\"service.name\",\"value\":{\"stringValue\":"
                        + "\"ignored\"}},{\"key\":\"team\",\"value\":{\"intValue\":\"7\"}}]},"
                        + "\"scopeLogs\":[{\"logRecords\":[{\"timeUnixNano\":\""
                        + T
                        + "000000\"}]}]}]}";
        assertThat(
                        decode(
                                Samples.decoder(
                                        "otel",
                                        LOGS,
                                        List.of("service", "team"),
                                        Map.of("service", "app")),
                                json))
                .containsExactly("2026-11-25T10:15:30.123Z INFO shop/7 ");
    }

    private static String log(String record) {
        return "{\"resourceLogs\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\","
                + "\"value\":{\"stringValue\":\"s\"}}]},\"scopeLogs\":[{\"logRecords\":[{\"timeUnixNano\":\""
                + T
                + "000000\"},"
                + record
                + "]}]}]}";
    }

    private static final String NANOS = "\"timeUnixNano\":\"" + T + "000000\"";

    static Stream<Arguments> badLogs() {
        return Stream.of(
                Arguments.of("{}", "missing_field", "no 'resourceLogs' field"),
                Arguments.of("{\"resourceMetrics\":[]}", "missing_field", "OTLP metrics request"),
                Arguments.of("{\"resourceLogs\":[]}", "missing_field", "no log record"),
                Arguments.of(
                        "{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[]}]}]}",
                        "missing_field",
                        "no log record"),
                Arguments.of("{\"resourceLogs\":{}}", "wrong_type", "must be an array"),
                Arguments.of("{\"resourceLogs\":[1]}", "wrong_type", "must be an object"),
                Arguments.of(
                        "{\"resourceLogs\":[{\"scopeLogs\":\"x\"}]}",
                        "wrong_type",
                        "resourceLogs[0]: 'scopeLogs' must be an array"),
                Arguments.of(
                        log("{\"body\":{\"stringValue\":\"x\"}}"),
                        "missing_field",
                        "resourceLogs[0].scopeLogs[0].logRecords[1]: neither timeUnixNano"),
                Arguments.of(
                        log("{\"timeUnixNano\":\"0\",\"observedTimeUnixNano\":null}"),
                        "missing_field",
                        "neither"),
                Arguments.of(log("{\"timeUnixNano\":\"soon\"}"), "wrong_type", "\"soon\""),
                Arguments.of(
                        log("{\"timeUnixNano\":\"-1795601730123000000\"}"),
                        "wrong_type",
                        "unsigned"),
                Arguments.of(log("{\"timeUnixNano\":-5}"), "wrong_type", "negative"),
                Arguments.of(
                        log("{\"timeUnixNano\":\"99999999999999999999\"}"),
                        "timestamp_out_of_range",
                        "too large"),
                Arguments.of(
                        log("{\"timeUnixNano\":99999999999999999999}"),
                        "timestamp_out_of_range",
                        "too large"),
                Arguments.of(log("{\"timeUnixNano\":1.7e18}"), "wrong_type", "found number"),
                Arguments.of(log("{\"timeUnixNano\":true}"), "wrong_type", "found boolean"),
                Arguments.of(log("{\"timeUnixNano\":NaN}"), "wrong_type", "found number"),
                Arguments.of(
                        log("{\"timeUnixNano\":\"1700000000000000000\"}"),
                        "timestamp_out_of_range",
                        "too far from the record's Kafka time"),
                Arguments.of(log("{" + NANOS + ",\"severityNumber\":25}"), "unknown_level", "25"),
                Arguments.of(
                        log("{" + NANOS + ",\"severityText\":\"LOUD\"}"),
                        "unknown_level",
                        "\"LOUD\""),
                Arguments.of(
                        log("{" + NANOS + ",\"severityNumber\":\"WARN\"}"),
                        "wrong_type",
                        "severityNumber"),
                Arguments.of(
                        log("{" + NANOS + ",\"severityText\":3}"), "wrong_type", "severityText"),
                Arguments.of(
                        log("{" + NANOS + ",\"body\":\"plain text\"}"), "wrong_type", "AnyValue"),
                Arguments.of(
                        log("{" + NANOS + ",\"body\":{\"stringValue\":5}}"),
                        "wrong_type",
                        "body.stringValue"),
                Arguments.of(
                        log("{" + NANOS + ",\"body\":{\"intValue\":\"1.5\"}}"),
                        "wrong_type",
                        "64-bit integer"),
                Arguments.of(
                        log("{" + NANOS + ",\"attributes\":{\"service.name\":\"x\"}}"),
                        "wrong_type",
                        "'attributes' must be an array"),
                Arguments.of(
                        log("{" + NANOS + ",\"attributes\":[{\"key\":1}]}"), "wrong_type", "key"),
                Arguments.of(
                        log(
                                "{"
                                        + NANOS
                                        + ",\"attributes\":[{\"key\":\"service.name\",\"value\":"
                                        + "{\"arrayValue\":{\"values\":[]}}}]}"),
                        "wrong_type",
                        "group field 'service'"),
                Arguments.of(log("{" + NANOS + "," + NANOS + "}"), "duplicate_key", "timeUnixNano"),
                Arguments.of("[" + log("{" + NANOS + "}") + "]", "not_an_object", "array"),
                Arguments.of(log("{" + NANOS + "}") + "{}", "malformed_json", "after"),
                Arguments.of(
                        log("{" + NANOS + "}").substring(0, 80), "malformed_json", "end-of-input"),
                Arguments.of(
                        log(
                                "{"
                                        + NANOS
                                        + ",\"body\":"
                                        + "{\"arrayValue\":{\"values\":[".repeat(40)),
                        "too_deep",
                        "depth"));
    }

    @ParameterizedTest(name = "{1}: {0}")
    @MethodSource("badLogs")
    void everyBadLogRequestIsOneDeadLetter(String payload, String reason, String detail) {
        RecordDecoder d = Samples.decoder("otel", LOGS, List.of("service"), Map.of());
        // The good record in front of the bad one is not emitted: all or nothing.
        DeadLetter dl = deadLetter(d, payload.getBytes(StandardCharsets.UTF_8), origin());
        assertThat(dl.reason).as(dl.detail).isEqualTo(reason);
        assertThat(dl.detail).contains(detail);
        assertThat(dl.raw).isEqualTo(payload);
        assertThat(dl.offset).isEqualTo(77);
    }

    private static String gauge(String point) {
        return metric("\"name\":\"g\",\"gauge\":{\"dataPoints\":[" + point + "]}");
    }

    private static String metric(String body) {
        return "{\"resourceMetrics\":[{\"scopeMetrics\":[{\"metrics\":[{" + body + "}]}]}]}";
    }

    static Stream<Arguments> badMetrics() {
        return Stream.of(
                Arguments.of(
                        "{\"resourceLogs\":[]}", "missing_field", "but the pipeline has kind:"),
                Arguments.of(
                        gauge("{" + NANOS + ",\"asDouble\":\"NaN\"}"),
                        "non_finite_number",
                        "resourceMetrics[0].scopeMetrics[0].metrics[0].gauge.dataPoints[0]:"
                                + " 'asDouble' is NaN"),
                Arguments.of(gauge("{" + NANOS + ",\"asDouble\":NaN}"), "non_finite_number", "NaN"),
                Arguments.of(
                        gauge("{" + NANOS + ",\"asDouble\":\"-Infinity\"}"),
                        "non_finite_number",
                        "asDouble"),
                Arguments.of(
                        gauge("{" + NANOS + ",\"asDouble\":1e400}"),
                        "non_finite_number",
                        "infinite"),
                Arguments.of(gauge("{" + NANOS + ",\"asDouble\":\"fast\"}"), "wrong_type", "fast"),
                Arguments.of(gauge("{" + NANOS + ",\"asDouble\":[1]}"), "wrong_type", "array"),
                Arguments.of(gauge("{" + NANOS + ",\"asInt\":\"12.5\"}"), "wrong_type", "12.5"),
                Arguments.of(gauge("{" + NANOS + ",\"asInt\":1.5}"), "wrong_type", "asInt"),
                Arguments.of(gauge("{" + NANOS + "}"), "missing_field", "neither asDouble"),
                Arguments.of(gauge("{\"asDouble\":1}"), "missing_field", "no timeUnixNano"),
                Arguments.of(
                        gauge("{\"timeUnixNano\":\"x\",\"asDouble\":1}"), "wrong_type", "\"x\""),
                Arguments.of(
                        metric("\"gauge\":{\"dataPoints\":[{" + NANOS + ",\"asDouble\":1}]}"),
                        "missing_field",
                        "metrics[0]: no metric 'name'"),
                Arguments.of(metric("\"name\":5"), "wrong_type", "'name' must be a string"),
                Arguments.of(
                        metric(
                                "\"name\":\"h\",\"histogram\":{\"dataPoints\":[{"
                                        + NANOS
                                        + ",\"count\":\"2\",\"sum\":\"NaN\"}]}"),
                        "non_finite_number",
                        "histogram.dataPoints[0]: 'sum' is NaN"),
                Arguments.of(
                        metric(
                                "\"name\":\"h\",\"histogram\":{\"dataPoints\":[{"
                                        + NANOS
                                        + ",\"count\":\"-1\"}]}"),
                        "wrong_type",
                        "count"),
                Arguments.of(
                        metric("\"name\":\"g\",\"gauge\":{\"dataPoints\":{}}"),
                        "wrong_type",
                        "'dataPoints' must be an array"),
                Arguments.of(
                        metric("\"name\":\"g\",\"gauge\":[]"), "wrong_type", "'gauge' must be"),
                Arguments.of(metric("\"name\":\"g\""), "missing_field", "no metric data point"));
    }

    @ParameterizedTest(name = "{1}: {0}")
    @MethodSource("badMetrics")
    void everyBadMetricsRequestIsOneDeadLetter(String payload, String reason, String detail) {
        RecordDecoder d = Samples.decoder("otel", METRICS, List.of("service", "host"), Map.of());
        DeadLetter dl = deadLetter(d, payload.getBytes(StandardCharsets.UTF_8), origin());
        assertThat(dl.reason).as(dl.detail).isEqualTo(reason);
        assertThat(dl.detail).contains(detail);
    }

    @Test
    void validRequestsAroundABadOneAreUnaffected() {
        RecordDecoder d = Samples.decoder("otel", LOGS, List.of("service"), Map.of());
        byte[] good = Samples.read("otel/logs-two-resources.json");
        assertThat(decode(d, good)).hasSize(6);
        deadLetter(d, log("{\"timeUnixNano\":\"soon\"}").getBytes(), origin());
        assertThat(decode(d, good)).hasSize(6);
    }
}
