package io.streamwatch.formats;

import static io.streamwatch.formats.Decoding.deadLetter;
import static io.streamwatch.formats.Decoding.events;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamwatch.records.DeadLetter;
import io.streamwatch.records.Decoded;
import io.streamwatch.records.GroupKey;
import io.streamwatch.records.Level;
import io.streamwatch.records.LogEvent;
import io.streamwatch.records.MetricPoint;
import io.streamwatch.testing.TestPipelines;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RecordDecoderTest {
    private static final long T = Instant.parse("2026-11-25T10:15:30.123Z").toEpochMilli();

    private final RecordDecoder logs =
            new RecordDecoder(TestPipelines.logs("streamwatch"), TestPipelines.LIMITS);
    private final RecordDecoder metrics =
            new RecordDecoder(TestPipelines.metrics("streamwatch"), TestPipelines.LIMITS);
    private final RecordDecoder ecs =
            new RecordDecoder(TestPipelines.logs("ecs"), TestPipelines.LIMITS);

    private static RecordOrigin origin() {
        return new RecordOrigin().set("logs", 1, 42, T + 1000);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static LogEvent onlyLog(RecordDecoder d, String json) {
        List<Decoded> out = events(d, utf8(json), origin());
        assertThat(out).hasSize(1);
        return out.get(0).log;
    }

    private static MetricPoint onlyMetric(RecordDecoder d, String json) {
        List<Decoded> out = events(d, utf8(json), origin());
        assertThat(out).hasSize(1);
        return out.get(0).metric;
    }

    @Test
    void readsTheSpecLogEvent() {
        LogEvent e =
                onlyLog(
                        logs,
                        "{\"timestamp\":\"2026-11-25T10:15:30.123Z\",\"service\":\"checkout\",\"host\":\"web-1\","
                                + "\"level\":\"ERROR\",\"message\":\"Timeout calling payment-gateway after 3000 ms\","
                                + "\"logger\":\"com.shop.PaymentClient\",\"trace_id\":\"4bf92f3577b34da6\"}");
        assertThat(e.timestamp).isEqualTo(T);
        assertThat(e.key).isEqualTo("checkout");
        assertThat(Level.of(e.level)).isEqualTo(Level.ERROR);
        assertThat(e.message).isEqualTo("Timeout calling payment-gateway after 3000 ms");
        assertThat(e.topic).isEqualTo("logs");
        assertThat(e.partition).isEqualTo(1);
        assertThat(e.offset).isEqualTo(42);
    }

    @Test
    void readsTheSpecMetricPointWithEpochMillis() {
        MetricPoint m =
                onlyMetric(
                        metrics,
                        "{\"timestamp\":"
                                + T
                                + ",\"name\":\"http.server.duration\",\"value\":123.4,"
                                + "\"service\":\"checkout\",\"host\":\"web-1\",\"tags\":{\"route\":\"/pay\",\"status\":\"500\"}}");
        assertThat(m.name).isEqualTo("http.server.duration");
        assertThat(m.value).isEqualTo(123.4);
        assertThat(m.timestamp).isEqualTo(T);
        assertThat(GroupKey.split(m.key))
                .containsExactly("http.server.duration", "checkout", "web-1");
    }

    @Test
    void groupsWhoseValuesHoldTheKeySeparatorGetDifferentKeys() {
        // service "a<US>b", host "c" and service "a", host "b<US>c" once shared windows and alerts.
        String tmpl =
                "{\"timestamp\":"
                        + T
                        + ",\"name\":\"cpu\",\"value\":1,\"service\":\"%s\",\"host\":\"%s\"}";
        String first = onlyMetric(metrics, String.format(tmpl, "a\\u001fb", "c")).key;
        String second = onlyMetric(metrics, String.format(tmpl, "a", "b\\u001fc")).key;
        assertThat(first).isNotEqualTo(second);
        assertThat(GroupKey.toMap(List.of("service", "host"), first, 1))
                .containsExactly(Map.entry("service", "a\u001fb"), Map.entry("host", "c"));
        assertThat(GroupKey.toMap(List.of("service", "host"), second, 1))
                .containsExactly(Map.entry("service", "a"), Map.entry("host", "b\u001fc"));
    }

    @Test
    void levelsAreCaseInsensitiveWithAliasesAndSeverityNumbers() {
        String tmpl = "{\"timestamp\":" + T + ",\"service\":\"s\",\"level\":%s,\"message\":\"m\"}";
        assertThat(Level.of(onlyLog(logs, String.format(tmpl, "\"warning\"")).level))
                .isEqualTo(Level.WARN);
        assertThat(Level.of(onlyLog(logs, String.format(tmpl, "\"CRITICAL\"")).level))
                .isEqualTo(Level.FATAL);
        assertThat(Level.of(onlyLog(logs, String.format(tmpl, "\"err\"")).level))
                .isEqualTo(Level.ERROR);
        assertThat(Level.of(onlyLog(logs, String.format(tmpl, "17")).level)).isEqualTo(Level.ERROR);
        assertThat(Level.of(onlyLog(logs, String.format(tmpl, "9")).level)).isEqualTo(Level.INFO);
    }

    @Test
    void timestampsWithOffsetsAndMissingOptionalFields() {
        LogEvent e =
                onlyLog(
                        logs,
                        "{\"timestamp\":\"2026-11-25T11:15:30.123+01:00\",\"message\":\"x\"}");
        assertThat(e.timestamp).isEqualTo(T);
        assertThat(e.key).isEqualTo(GroupKey.MISSING);
        assertThat(Level.of(e.level)).isEqualTo(Level.INFO);
    }

    @Test
    void ecsReadsNestedObjectsAndDottedKeysAlike() {
        LogEvent nested =
                onlyLog(
                        ecs,
                        "{\"@timestamp\":\"2026-11-25T10:15:30.123Z\",\"log\":{\"level\":\"error\",\"logger\":\"x\"},"
                                + "\"service\":{\"name\":\"checkout\",\"version\":\"1\"},\"message\":\"boom\"}");
        LogEvent dotted =
                onlyLog(
                        ecs,
                        "{\"@timestamp\":\"2026-11-25T10:15:30.123Z\",\"log.level\":\"error\","
                                + "\"service.name\":\"checkout\",\"message\":\"boom\"}");
        for (LogEvent e : List.of(nested, dotted)) {
            assertThat(e.key).isEqualTo("checkout");
            assertThat(Level.of(e.level)).isEqualTo(Level.ERROR);
            assertThat(e.timestamp).isEqualTo(T);
        }
    }

    @Test
    void unknownFieldsOfAnyShapeAreIgnored() {
        LogEvent e =
                onlyLog(
                        logs,
                        "{\"extra\":{\"deep\":[1,2,{\"x\":null}]},\"timestamp\":"
                                + T
                                + ",\"huge\":1"
                                + "0".repeat(2000)
                                + ",\"service\":\"a\",\"message\":\"m\"}");
        assertThat(e.key).isEqualTo("a");
    }

    static Stream<Arguments> badLogs() {
        String ok = ",\"service\":\"s\",\"message\":\"m\"}";
        return Stream.of(
                Arguments.of("{\"timestamp\":" + T + ",\"service\":", "malformed_json"),
                Arguments.of("{\"timestamp\":" + T + ok + " trailing", "malformed_json"),
                Arguments.of("{\"timestamp\":" + T + ok + "{}", "malformed_json"),
                Arguments.of("[1,2,3]", "not_an_object"),
                Arguments.of("\"just a string\"", "not_an_object"),
                Arguments.of("null", "not_an_object"),
                Arguments.of("{\"service\":\"s\",\"message\":\"m\"}", "missing_field"),
                Arguments.of("{\"timestamp\":null" + ok, "missing_field"),
                Arguments.of("{\"timestamp\":true" + ok, "wrong_type"),
                Arguments.of("{\"timestamp\":{\"a\":1}" + ok, "wrong_type"),
                Arguments.of("{\"timestamp\":\"yesterday\"" + ok, "wrong_type"),
                Arguments.of("{\"timestamp\":\"2026-11-25T10:15:30\"" + ok, "wrong_type"),
                Arguments.of(
                        "{\"timestamp\":" + T + ",\"service\":{\"a\":1},\"message\":\"m\"}",
                        "wrong_type"),
                Arguments.of("{\"timestamp\":" + T + ",\"message\":[\"a\"]}", "wrong_type"),
                Arguments.of("{\"timestamp\":NaN" + ok, "non_finite_number"),
                Arguments.of("{\"timestamp\":0" + ok, "timestamp_out_of_range"),
                Arguments.of(
                        "{\"timestamp\":\"2099-01-01T00:00:00Z\"" + ok, "timestamp_out_of_range"),
                Arguments.of("{\"timestamp\":1764065730" + ok, "timestamp_out_of_range"),
                Arguments.of("{\"timestamp\":99999999999999999999" + ok, "timestamp_out_of_range"),
                Arguments.of("", "empty"),
                Arguments.of("   \n ", "empty"),
                Arguments.of("{\"timestamp\":" + T + ",\"timestamp\":" + T + ok, "duplicate_key"),
                Arguments.of(
                        "{\"a\":" + "[".repeat(100) + "]".repeat(100) + ",\"timestamp\":" + T + ok,
                        "too_deep"),
                Arguments.of("{\"timestamp\":" + T + ",\"level\":\"LOUD\"" + ok, "unknown_level"),
                Arguments.of("{\"timestamp\":" + T + ",\"level\":99" + ok, "unknown_level"));
    }

    @ParameterizedTest(name = "{1}: {0}")
    @MethodSource("badLogs")
    void everyBadLogGoesToTheDeadLetterWithItsReason(String payload, String reason) {
        DeadLetter d = deadLetter(logs, utf8(payload), origin());
        assertThat(d.reason).isEqualTo(reason);
        assertThat(d.detail).isNotBlank();
        assertThat(d.sourceTopic).isEqualTo("logs");
        assertThat(d.partition).isEqualTo(1);
        assertThat(d.offset).isEqualTo(42);
        assertThat(d.pipeline).isEqualTo("app-logs");
        assertThat(d.raw).isEqualTo(payload);
        assertThat(d.rawEncoding).isEqualTo("utf-8");
        assertThat(d.rawTruncated).isFalse();
    }

    static Stream<Arguments> detailsSayWhatWasFound() {
        String ok = ",\"service\":\"s\",\"message\":\"m\"}";
        return Stream.of(
                Arguments.of("{\"service\":\"s\",\"message\":\"m\"}", "no 'timestamp' field"),
                Arguments.of("{\"timestamp\":null" + ok, "'timestamp' is null"),
                Arguments.of(
                        "{\"timestamp\":true" + ok,
                        "'timestamp' must be an ISO-8601 time or epoch milliseconds,"
                                + " found boolean true"),
                Arguments.of(
                        "{\"timestamp\":false" + ok,
                        "'timestamp' must be an ISO-8601 time or epoch milliseconds,"
                                + " found boolean false"),
                Arguments.of(
                        "{\"timestamp\":{\"a\":1}" + ok,
                        "'timestamp' must be an ISO-8601 time or epoch milliseconds,"
                                + " found object"),
                Arguments.of(
                        "{\"timestamp\":\"yesterday\"" + ok,
                        "'timestamp' value \"yesterday\" is not an ISO-8601 time with a zone"));
    }

    /** An explicit null is not an absent field, and a boolean is not quoted as if it were text. */
    @ParameterizedTest(name = "{1}")
    @MethodSource("detailsSayWhatWasFound")
    void theDetailSaysWhatWasFound(String payload, String detail) {
        assertThat(deadLetter(logs, utf8(payload), origin()).detail).isEqualTo(detail);
    }

    @Test
    void aNullMetricValueIsSaidToBeNull() {
        DeadLetter d =
                deadLetter(
                        metrics,
                        utf8(
                                "{\"timestamp\":"
                                        + T
                                        + ",\"service\":\"s\",\"host\":\"h\","
                                        + "\"name\":\"n\",\"value\":null}"),
                        origin());
        assertThat(d.reason).isEqualTo("missing_field");
        assertThat(d.detail).isEqualTo("'value' is null");
    }

    static Stream<Arguments> badMetrics() {
        String head = "{\"timestamp\":" + T + ",\"service\":\"s\",\"host\":\"h\"";
        return Stream.of(
                Arguments.of(head + ",\"value\":1}", "missing_field"),
                Arguments.of(head + ",\"name\":\"n\"}", "missing_field"),
                Arguments.of(head + ",\"name\":\"\",\"value\":1}", "missing_field"),
                Arguments.of(head + ",\"name\":5,\"value\":1}", "wrong_type"),
                Arguments.of(head + ",\"name\":\"n\",\"value\":\"fast\"}", "wrong_type"),
                Arguments.of(head + ",\"name\":\"n\",\"value\":[1]}", "wrong_type"),
                Arguments.of(head + ",\"name\":\"n\",\"value\":NaN}", "non_finite_number"),
                Arguments.of(head + ",\"name\":\"n\",\"value\":Infinity}", "non_finite_number"),
                Arguments.of(head + ",\"name\":\"n\",\"value\":-Infinity}", "non_finite_number"),
                Arguments.of(head + ",\"name\":\"n\",\"value\":\"NaN\"}", "non_finite_number"),
                Arguments.of(head + ",\"name\":\"n\",\"value\":1e400}", "non_finite_number"));
    }

    @ParameterizedTest(name = "{1}: {0}")
    @MethodSource("badMetrics")
    void everyBadMetricGoesToTheDeadLetterWithItsReason(String payload, String reason) {
        assertThat(deadLetter(metrics, utf8(payload), origin()).reason).isEqualTo(reason);
    }

    @Test
    void numericStringsAreAcceptedAsMetricValues() {
        assertThat(
                        onlyMetric(
                                        metrics,
                                        "{\"timestamp\":"
                                                + T
                                                + ",\"name\":\"n\",\"value\":\" 12.5 \"}")
                                .value)
                .isEqualTo(12.5);
    }

    @Test
    void anEventKeepsTheRecordItWasReadFrom() {
        byte[] value =
                utf8(
                        "{\"timestamp\":"
                                + T
                                + ",\"service\":\"a\",\"level\":\"INFO\",\"trace_id\":\"t1\"}");
        assertThat(events(logs, value, origin()).get(0).log.record).isSameAs(value);
    }

    @Test
    void tombstoneIsEmpty() {
        DeadLetter d = deadLetter(logs, null, origin());
        assertThat(d.reason).isEqualTo("empty");
        assertThat(d.rawSize).isZero();
        assertThat(d.raw).isEmpty();
    }

    @Test
    void invalidUtf8IsKeptAsBase64() {
        byte[] payload = {'{', '"', 'a', '"', ':', '"', (byte) 0xc3, (byte) 0x28, '"', '}'};
        DeadLetter d = deadLetter(logs, payload, origin());
        assertThat(d.reason).isEqualTo("invalid_utf8");
        assertThat(d.detail).contains("offset 6");
        assertThat(d.rawEncoding).isEqualTo("base64");
        assertThat(Base64.getDecoder().decode(d.raw)).isEqualTo(payload);
    }

    @Test
    void overlongAndSurrogateEncodingsAreInvalidUtf8() {
        assertThat(Utf8.firstInvalid(new byte[] {(byte) 0xc0, (byte) 0xaf})).isZero();
        assertThat(Utf8.firstInvalid(new byte[] {'a', (byte) 0xed, (byte) 0xa0, (byte) 0x80}))
                .isEqualTo(1);
        assertThat(Utf8.firstInvalid(utf8("żółw 🐢 ok"))).isEqualTo(-1);
    }

    @Test
    void oversizedRecordsAreCutToTheRawLimitWithTheirSize() {
        String big = "{\"message\":\"" + "ż".repeat(700_000) + "\"}";
        byte[] payload = utf8(big);
        DeadLetter d = deadLetter(logs, payload, origin());
        assertThat(d.reason).isEqualTo("oversized");
        assertThat(d.rawSize).isEqualTo(payload.length);
        assertThat(d.rawTruncated).isTrue();
        assertThat(d.rawEncoding).isEqualTo("utf-8");
        assertThat(utf8(d.raw).length).isLessThanOrEqualTo(64 * 1024).isGreaterThan(64 * 1024 - 4);
        assertThat(big).startsWith(d.raw);
    }

    @Test
    void validRecordsAroundABadOneAreUnaffected() {
        String good = "{\"timestamp\":" + T + ",\"service\":\"a\",\"message\":\"m\"}";
        assertThat(onlyLog(logs, good).key).isEqualTo("a");
        assertThat(deadLetter(logs, utf8("{oops"), origin()).reason).isEqualTo("malformed_json");
        assertThat(onlyLog(logs, good).key).isEqualTo("a");
    }

    /** A format with a bug: throws what a format never should on input it cannot read. */
    private static RecordDecoder failingWith(RuntimeException e) {
        InputFormat buggy =
                (payload, origin, out) -> {
                    throw e;
                };
        return new RecordDecoder("app-logs", buggy, TestPipelines.LIMITS);
    }

    @Test
    void aBugInAFormatIsAnInternalErrorNotBadInput() {
        String good = "{\"timestamp\":" + T + ",\"service\":\"a\",\"message\":\"m\"}";
        DeadLetter d =
                deadLetter(
                        failingWith(new NullPointerException("Cannot read field \"text\"")),
                        utf8(good),
                        origin());
        assertThat(d.reason).isEqualTo("internal_error");
        assertThat(d.detail)
                .startsWith("java.lang.NullPointerException: Cannot read field \"text\" at ")
                .contains("RecordDecoderTest");
        assertThat(d.raw).isEqualTo(good);
        assertThat(
                        deadLetter(
                                        failingWith(new IllegalStateException("unbalanced")),
                                        utf8(good),
                                        origin())
                                .reason)
                .isEqualTo("internal_error");
    }

    @Test
    void parseErrorsOfTheInputStayBadInput() {
        InputFormat parserError =
                (payload, origin, out) -> {
                    throw new java.io.CharConversionException("Invalid UTF-32 character");
                };
        assertThat(
                        deadLetter(
                                        new RecordDecoder(
                                                "app-logs", parserError, TestPipelines.LIMITS),
                                        utf8("{}"),
                                        origin())
                                .reason)
                .isEqualTo("malformed_json");
        assertThat(deadLetter(logs, utf8("{\"timestamp\":" + T + ",\"message\":"), origin()).reason)
                .isEqualTo("malformed_json");
    }
}
