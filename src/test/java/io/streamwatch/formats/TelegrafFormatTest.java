package io.streamwatch.formats;

import static io.streamwatch.formats.Decoding.deadLetter;
import static io.streamwatch.formats.Decoding.events;
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

/** Telegraf's JSON serializer output ({@code telegraf} format). */
class TelegrafFormatTest {
    private static final List<String> SERVICE_HOST = List.of("service", "host");

    private static RecordDecoder decoder(List<String> groupBy, Map<String, String> fields) {
        return Samples.decoder("telegraf", PipelineKind.METRICS, groupBy, fields);
    }

    private static List<String> decode(RecordDecoder d, byte[] payload) {
        return events(d, payload, origin()).stream().map(Samples::line).toList();
    }

    static Stream<Arguments> samples() {
        return Stream.of(
                Arguments.of(
                        "cpu.json",
                        SERVICE_HOST,
                        List.of(
                                "2026-11-25T10:15:30.000Z cpu.usage_guest/unknown/web-1 = 0.0",
                                "2026-11-25T10:15:30.000Z cpu.usage_idle/unknown/web-1 = 98.2",
                                "2026-11-25T10:15:30.000Z cpu.usage_iowait/unknown/web-1 = 0.1",
                                "2026-11-25T10:15:30.000Z cpu.usage_system/unknown/web-1 = 0.6",
                                "2026-11-25T10:15:30.000Z cpu.usage_user/unknown/web-1 = 1.1")),
                Arguments.of(
                        "cpu.json",
                        List.of("cpu"),
                        List.of(
                                "2026-11-25T10:15:30.000Z cpu.usage_guest/cpu-total = 0.0",
                                "2026-11-25T10:15:30.000Z cpu.usage_idle/cpu-total = 98.2",
                                "2026-11-25T10:15:30.000Z cpu.usage_iowait/cpu-total = 0.1",
                                "2026-11-25T10:15:30.000Z cpu.usage_system/cpu-total = 0.6",
                                "2026-11-25T10:15:30.000Z cpu.usage_user/cpu-total = 1.1")),
                Arguments.of(
                        "batch.json",
                        SERVICE_HOST,
                        List.of(
                                "2026-11-25T10:15:30.000Z mem.available/unknown/web-1 ="
                                        + " 8.123456789E9",
                                "2026-11-25T10:15:30.000Z mem.total/unknown/web-1 = 1.6777216E10",
                                "2026-11-25T10:15:30.000Z mem.used_percent/unknown/web-1 = 51.58",
                                "2026-11-25T10:15:30.000Z system.load1/unknown/web-1 = 0.42",
                                "2026-11-25T10:15:30.000Z system.n_cpus/unknown/web-1 = 8.0",
                                // uptime_format is a string field: skipped.
                                "2026-11-25T10:15:30.000Z system.uptime/unknown/web-1 = 273661.0",
                                "2026-11-25T10:15:31.000Z nginx.active/storefront/web-2 = 12.0",
                                "2026-11-25T10:15:31.000Z nginx.accepts/storefront/web-2 = 1530.0",
                                "2026-11-25T10:15:31.000Z nginx.handled/storefront/web-2 = 1530.0",
                                "2026-11-25T10:15:31.000Z nginx.requests/storefront/web-2 = 8817.0",
                                "2026-11-25T10:15:31.000Z nginx.reading/storefront/web-2 = 0.0",
                                "2026-11-25T10:15:31.000Z nginx.waiting/storefront/web-2 = 11.0",
                                "2026-11-25T10:15:31.000Z nginx.writing/storefront/web-2 = 1.0")),
                Arguments.of(
                        "disk-millis.json",
                        List.of("host", "path"),
                        List.of(
                                "2026-11-25T10:15:30.123Z disk.free/db-1// = 4.1230123008E10",
                                "2026-11-25T10:15:30.123Z disk.inodes_used/db-1// = 412345.0",
                                "2026-11-25T10:15:30.123Z disk.used_percent/db-1// = 37.5")),
                Arguments.of(
                        "procstat-nanos.json",
                        SERVICE_HOST,
                        List.of(
                                "2026-11-25T10:15:30.123Z procstat.cpu_usage/checkout/web-1 = 3.2",
                                "2026-11-25T10:15:30.123Z procstat.memory_rss/checkout/web-1 ="
                                        + " 1.048576E8",
                                "2026-11-25T10:15:30.123Z procstat.num_threads/checkout/web-1 ="
                                        + " 57.0",
                                "2026-11-25T10:15:30.123Z procstat.pid/checkout/web-1 = 1234.0")));
    }

    @ParameterizedTest(name = "{0} by {1}")
    @MethodSource("samples")
    void samplesDecodeToOnePointPerNumericField(
            String sample, List<String> groupBy, List<String> expected) {
        RecordDecoder d = decoder(groupBy, Map.of());
        List<Decoded> events = events(d, Samples.read("telegraf/" + sample), origin());
        assertThat(events.stream().map(Samples::line)).containsExactlyElementsOf(expected);
        assertThat(events)
                .allSatisfy(
                        e -> {
                            assertThat(e.metric.topic).isEqualTo("in");
                            assertThat(e.metric.offset).isEqualTo(77);
                        });
    }

    static Stream<Arguments> timestampUnits() {
        return Stream.of(
                Arguments.of("1795601730", "2026-11-25T10:15:30.000Z"),
                Arguments.of("\"1795601730\"", "2026-11-25T10:15:30.000Z"),
                Arguments.of("1795601730.5", "2026-11-25T10:15:30.500Z"),
                Arguments.of("1795601730123", "2026-11-25T10:15:30.123Z"),
                Arguments.of("1795601730123456", "2026-11-25T10:15:30.123Z"),
                Arguments.of("1795601730123456789", "2026-11-25T10:15:30.123Z"),
                Arguments.of("\"1795601730123456789\"", "2026-11-25T10:15:30.123Z"),
                Arguments.of("\"2026-11-25T11:15:30.123+01:00\"", "2026-11-25T10:15:30.123Z"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("timestampUnits")
    void timestampUnitIsToldApartByMagnitude(String timestamp, String expected) {
        String json =
                "{\"fields\":{\"v\":1},\"name\":\"m\",\"tags\":{},\"timestamp\":" + timestamp + "}";
        assertThat(decode(decoder(List.of("host"), Map.of()), json.getBytes()))
                .containsExactly(expected + " m.v/unknown = 1.0");
    }

    @Test
    void booleanStringAndNullFieldsAreSkippedAndGroupTagsCanBeRenamed() {
        String json =
                "{\"fields\":{\"up\":true,\"state\":\"ok\",\"none\":null,\"code\":200},"
                        + "\"name\":\"http_response\",\"tags\":{\"server\":\"https://shop\","
                        + "\"host\":\"web-1\",\"app\":\"shop\"},\"timestamp\":1795601730}";
        assertThat(
                        decode(
                                decoder(SERVICE_HOST, Map.of("service", "app")),
                                json.getBytes(StandardCharsets.UTF_8)))
                .containsExactly("2026-11-25T10:15:30.000Z http_response.code/shop/web-1 = 200.0");
    }

    private static final String OK = "\"name\":\"m\",\"timestamp\":1795601730";

    static Stream<Arguments> badMetrics() {
        return Stream.of(
                Arguments.of("{\"fields\":{\"v\":1},\"timestamp\":1795601730}", "missing_field"),
                Arguments.of(
                        "{\"fields\":{\"v\":1},\"name\":\"\",\"timestamp\":1}", "missing_field"),
                Arguments.of("{\"fields\":{\"v\":1},\"name\":7,\"timestamp\":1}", "wrong_type"),
                Arguments.of("{\"fields\":{\"v\":1},\"name\":{},\"timestamp\":1}", "wrong_type"),
                Arguments.of("{\"fields\":{\"v\":1},\"name\":\"m\"}", "missing_field"),
                Arguments.of("{" + OK + "}", "missing_field"),
                Arguments.of("{" + OK + ",\"fields\":{}}", "missing_field"),
                Arguments.of("{" + OK + ",\"fields\":{\"s\":\"text\"}}", "missing_field"),
                Arguments.of("{" + OK + ",\"fields\":[1]}", "wrong_type"),
                Arguments.of("{" + OK + ",\"fields\":{\"v\":{\"x\":1}}}", "wrong_type"),
                Arguments.of("{" + OK + ",\"fields\":{\"v\":NaN}}", "non_finite_number"),
                Arguments.of("{" + OK + ",\"fields\":{\"v\":Infinity}}", "non_finite_number"),
                Arguments.of("{" + OK + ",\"fields\":{\"v\":1e400}}", "non_finite_number"),
                Arguments.of("{" + OK + ",\"fields\":{\"v\":1},\"tags\":[]}", "wrong_type"),
                Arguments.of(
                        "{" + OK + ",\"fields\":{\"v\":1},\"tags\":{\"host\":[\"a\"]}}",
                        "wrong_type"),
                Arguments.of(
                        "{\"fields\":{\"v\":1},\"name\":\"m\",\"timestamp\":\"yesterday\"}",
                        "wrong_type"),
                Arguments.of(
                        "{\"fields\":{\"v\":1},\"name\":\"m\",\"timestamp\":true}", "wrong_type"),
                Arguments.of(
                        "{\"fields\":{\"v\":1},\"name\":\"m\",\"timestamp\":-1}",
                        "timestamp_out_of_range"),
                Arguments.of(
                        "{\"fields\":{\"v\":1},\"name\":\"m\",\"timestamp\":99999999999999999999}",
                        "timestamp_out_of_range"),
                Arguments.of(
                        "{\"fields\":{\"v\":1},\"name\":\"m\",\"timestamp\":1700000000}",
                        "timestamp_out_of_range"),
                Arguments.of(
                        "{\"fields\":{\"v\":1},\"name\":\"m\",\"timestamp\":NaN}",
                        "non_finite_number"),
                Arguments.of("{\"metrics\":[]}", "missing_field"),
                Arguments.of("{\"metrics\":{}}", "wrong_type"),
                Arguments.of("{\"metrics\":[{" + OK + ",\"fields\":{\"v\":1}},3]}", "wrong_type"),
                Arguments.of(
                        "{\"metrics\":[{" + OK + ",\"fields\":{\"v\":1}},{" + OK + "}]}",
                        "missing_field"),
                Arguments.of("[{" + OK + ",\"fields\":{\"v\":1}}]", "not_an_object"),
                Arguments.of("{" + OK + ",\"fields\":{\"v\":1}} x", "malformed_json"),
                Arguments.of("{" + OK + ",\"fields\":{\"v\":1,\"v\":2}}", "duplicate_key"));
    }

    @ParameterizedTest(name = "{1}: {0}")
    @MethodSource("badMetrics")
    void everyBadRecordIsOneDeadLetter(String payload, String reason) {
        RecordDecoder d = decoder(SERVICE_HOST, Map.of());
        DeadLetter dl = deadLetter(d, payload.getBytes(StandardCharsets.UTF_8), origin());
        assertThat(dl.reason).as(dl.detail).isEqualTo(reason);
        assertThat(dl.detail).isNotBlank();
        assertThat(dl.raw).isEqualTo(payload);
    }

    @Test
    void aBadMetricInABatchIsNamedInTheDetail() {
        String payload = "{\"metrics\":[{" + OK + ",\"fields\":{\"v\":1}},{" + OK + "}]}";
        assertThat(deadLetter(decoder(SERVICE_HOST, Map.of()), payload.getBytes(), origin()).detail)
                .isEqualTo("metrics[1]: no 'fields' object");
    }
}
