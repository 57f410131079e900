package io.streamwatch.formats;

import static io.streamwatch.formats.Decoding.deadLetter;
import static io.streamwatch.formats.Decoding.events;
import static io.streamwatch.formats.Samples.origin;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamwatch.config.PipelineKind;
import io.streamwatch.records.DeadLetter;
import io.streamwatch.records.MetricPoint;
import io.streamwatch.records.OtelPoint;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the {@code otel} format makes of metrics as an SDK sends them through the Collector:
 * cumulative counters, UpDownCounters, histograms with the default bounds, exponential histograms
 * and summaries, with every field the decoder reads. The shapes copy real OTLP/JSON exports ({@code
 * resourceMetrics/scopeMetrics/metrics/<type>/dataPoints}); expected buckets are worked out here
 * from the OTLP definitions.
 */
class OtelMetricsTest {
    private static final String NANOS = "\"timeUnixNano\":\"1795601730000000000\"";
    private static final String START = "\"startTimeUnixNano\":\"1795601670000000000\"";

    private static RecordDecoder decoder() {
        return Samples.decoder("otel", PipelineKind.METRICS, List.of("service", "host"), Map.of());
    }

    private static List<MetricPoint> decode(String json) {
        return events(decoder(), json.getBytes(StandardCharsets.UTF_8), origin()).stream()
                .map(e -> e.metric)
                .toList();
    }

    private static List<MetricPoint> sample() {
        return decode(
                new String(
                        Samples.read("otel/metrics-cumulative-sdk.json"), StandardCharsets.UTF_8));
    }

    private static OtelPoint named(List<MetricPoint> points, String name) {
        return points.stream()
                .filter(m -> m.name.equals(name))
                .map(m -> (OtelPoint) m)
                .findFirst()
                .orElseThrow();
    }

    /** 2^(i / 2^scale): the lower bound of positive bucket i, by the OTLP definition. */
    private static double base(int i, int scale) {
        return Math.pow(2, i / Math.pow(2, scale));
    }

    @Test
    void aJavaSdkExportDecodesToRunningTotalsLevelsAndDistributions() {
        assertThat(
                        events(
                                        decoder(),
                                        Samples.read("otel/metrics-cumulative-sdk.json"),
                                        origin())
                                .stream()
                                .map(Samples::line))
                .containsExactly(
                        // A cumulative counter: a running total for CumulativeToDelta.
                        "2026-11-25T10:15:30.000Z http.server.request.count/checkout/web-1 ="
                                + " 1000.0 cumulative",
                        // An UpDownCounter (cumulative, not monotonic) is a level: as it is.
                        "2026-11-25T10:15:30.000Z http.server.active_requests/checkout/web-1 ="
                                + " 3.0",
                        "2026-11-25T10:15:30.000Z http.server.request.duration/checkout/web-1 ="
                                + " 233.33333333333334 of 6 cumulative",
                        // A delta exponential histogram: its companions come with it.
                        "2026-11-25T10:15:30.000Z db.client.operation.duration/checkout/web-1 ="
                                + " 1.1 of 5",
                        "2026-11-25T10:15:30.000Z"
                                + " db.client.operation.duration.count/checkout/web-1 = 5.0",
                        "2026-11-25T10:15:30.000Z"
                                + " db.client.operation.duration.sum/checkout/web-1 = 5.5");
    }

    @Test
    void explicitBucketsAreKeptSparseWithTheirBounds() {
        OtelPoint h = named(sample(), "http.server.request.duration");
        assertThat(h.kind).isEqualTo(OtelPoint.HISTOGRAM);
        assertThat(h.count).isEqualTo(6);
        assertThat(h.sum).isEqualTo(1400);
        assertThat(h.min).isEqualTo(50);
        assertThat(h.max).isEqualTo(700);
        assertThat(h.startTimeNanos).isEqualTo(1795601670000000000L);
        assertThat(h.timeNanos).isEqualTo(1795601730000000000L);
        // Buckets 4, 5, 7, 8, 9 of the default bounds: (25,50], (50,75], (100,250], ...
        assertThat(h.lower).containsExactly(25, 50, 100, 250, 500);
        assertThat(h.upper).containsExactly(50, 75, 250, 500, 750);
        assertThat(h.counts).containsExactly(1, 1, 2, 1, 1);
    }

    @Test
    void exponentialBucketsRunFromNegativeThroughZeroToPositive() {
        OtelPoint e = named(sample(), "db.client.operation.duration");
        assertThat(e.series).isNull(); // delta
        assertThat(e.lower).containsExactly(-base(0, 1), -0.001, base(1, 1), base(3, 1));
        assertThat(e.upper).containsExactly(-base(-1, 1), 0.001, base(2, 1), base(4, 1));
        assertThat(e.counts).containsExactly(1, 1, 2, 1);
        assertThat(e.min).isEqualTo(-0.8);
    }

    /** The same series, written differently: attribute order, field order, another batch. */
    @Test
    void aSeriesIsTheSameWhateverTheOrderOfItsAttributes() {
        String a =
                "{\"resourceMetrics\":[{\"resource\":{\"attributes\":["
                        + "{\"key\":\"service.name\",\"value\":{\"stringValue\":\"checkout\"}},"
                        + "{\"key\":\"host.name\",\"value\":{\"stringValue\":\"web-1\"}}]},"
                        + "\"scopeMetrics\":[{\"scope\":{\"name\":\"s\"},\"metrics\":[{"
                        + "\"name\":\"c\",\"sum\":{\"aggregationTemporality\":2,"
                        + "\"isMonotonic\":true,\"dataPoints\":[{"
                        + START
                        + ","
                        + NANOS
                        + ",\"asInt\":\"5\",\"attributes\":["
                        + "{\"key\":\"x\",\"value\":{\"stringValue\":\"1\"}},"
                        + "{\"key\":\"y\",\"value\":{\"intValue\":\"2\"}}]}]}}]}]}]}";
        String reordered =
                "{\"resourceMetrics\":[{\"scopeMetrics\":[{\"metrics\":[{\"sum\":{"
                        + "\"dataPoints\":[{\"attributes\":["
                        + "{\"key\":\"y\",\"value\":{\"intValue\":\"2\"}},"
                        + "{\"key\":\"x\",\"value\":{\"stringValue\":\"1\"}}],"
                        + NANOS
                        + ","
                        + START
                        + ",\"asInt\":\"7\"}],\"isMonotonic\":true,"
                        + "\"aggregationTemporality\":2},\"name\":\"c\"}],"
                        + "\"scope\":{\"name\":\"s\"}}],\"resource\":{\"attributes\":["
                        + "{\"key\":\"host.name\",\"value\":{\"stringValue\":\"web-1\"}},"
                        + "{\"key\":\"service.name\",\"value\":{\"stringValue\":\"checkout\"}}]}}]}";
        String series = ((OtelPoint) decode(a).get(0)).series;
        assertThat(series).isNotNull().hasSizeLessThan(32);
        assertThat(((OtelPoint) decode(reordered).get(0)).series).isEqualTo(series);
        // Another point attribute value, another scope, another resource attribute, an int
        // where there was a string: other series (with the same group key).
        for (String other :
                List.of(
                        a.replace("{\"stringValue\":\"1\"}", "{\"stringValue\":\"3\"}"),
                        a.replace("{\"name\":\"s\"}", "{\"name\":\"s2\"}"),
                        a.replace(
                                "\"web-1\"}}]}",
                                "\"web-1\"}},{\"key\":\"pod\","
                                        + "\"value\":{\"stringValue\":\"p-2\"}}]}"),
                        a.replace("{\"stringValue\":\"1\"}", "{\"intValue\":\"1\"}"))) {
            MetricPoint m = decode(other).get(0);
            assertThat(((OtelPoint) m).series).as(other).isNotEqualTo(series);
            assertThat(m.key).isEqualTo(decode(a).get(0).key);
        }
    }

    @Test
    void summariesAreRunningTotalsWithTheirQuantilesSorted() {
        List<MetricPoint> points =
                decode(
                        "{\"resourceMetrics\":[{\"scopeMetrics\":[{\"metrics\":[{"
                                + "\"name\":\"rpc\",\"summary\":{\"dataPoints\":[{"
                                + START
                                + ","
                                + NANOS
                                + ",\"count\":\"10\",\"sum\":120,\"quantileValues\":["
                                + "{\"quantile\":0.99,\"value\":40},{\"value\":2},"
                                + "{\"quantile\":0.5,\"value\":11}]}]}}]}]}]}");
        OtelPoint s = (OtelPoint) points.get(0);
        assertThat(points).hasSize(1);
        assertThat(s.kind).isEqualTo(OtelPoint.SUMMARY);
        assertThat(s.series).isNotNull();
        // Quantile 0 is left out by proto3 when it is 0: {"value":2} is the minimum.
        assertThat(s.quantiles).containsExactly(0, 0.5, 0.99);
        assertThat(s.quantileValues).containsExactly(2, 11, 40);
    }

    @Test
    void deltaAndUnspecifiedSumsArePlainValues() {
        for (String temporality : List.of("1", "0", "\"AGGREGATION_TEMPORALITY_DELTA\"")) {
            MetricPoint m =
                    decode(
                                    "{\"resourceMetrics\":[{\"scopeMetrics\":[{\"metrics\":[{"
                                            + "\"name\":\"c\",\"sum\":{\"isMonotonic\":true,"
                                            + "\"aggregationTemporality\":"
                                            + temporality
                                            + ",\"dataPoints\":[{"
                                            + NANOS
                                            + ",\"asInt\":\"5\"}]}}]}]}]}")
                            .get(0);
            assertThat(m.getClass()).as(temporality).isEqualTo(MetricPoint.class);
            assertThat(m.value).isEqualTo(5);
        }
    }

    private static String histogram(String point) {
        return "{\"resourceMetrics\":[{\"scopeMetrics\":[{\"metrics\":[{\"name\":\"h\","
                + "\"histogram\":{\"dataPoints\":[{"
                + NANOS
                + ","
                + point
                + "}]}}]}]}]}";
    }

    private static String exponential(String point) {
        return "{\"resourceMetrics\":[{\"scopeMetrics\":[{\"metrics\":[{\"name\":\"e\","
                + "\"exponentialHistogram\":{\"dataPoints\":[{"
                + NANOS
                + ","
                + point
                + "}]}}]}]}]}";
    }

    static Stream<Arguments> badDistributions() {
        return Stream.of(
                Arguments.of(
                        histogram(
                                "\"count\":\"3\",\"bucketCounts\":[\"1\",\"1\"],"
                                        + "\"explicitBounds\":[10]"),
                        "count 3 is not the sum of the bucketCounts (2)"),
                Arguments.of(
                        histogram(
                                "\"count\":\"2\",\"bucketCounts\":[\"1\",\"1\"],"
                                        + "\"explicitBounds\":[10,20]"),
                        "2 bucketCounts for 2 explicitBounds"),
                Arguments.of(
                        histogram(
                                "\"count\":\"3\",\"bucketCounts\":[\"1\",\"1\",\"1\"],"
                                        + "\"explicitBounds\":[20,10]"),
                        "explicitBounds must increase"),
                Arguments.of(
                        histogram("\"count\":\"1\",\"bucketCounts\":[\"x\"]"),
                        "'bucketCounts[]' must be an unsigned integer"),
                Arguments.of(
                        exponential("\"count\":\"1\",\"scale\":30,\"zeroCount\":\"1\""),
                        "scale 30 is not in -10..20"),
                Arguments.of(
                        exponential(
                                "\"count\":\"5\",\"scale\":0,\"zeroCount\":\"1\","
                                        + "\"positive\":{\"offset\":0,\"bucketCounts\":[\"1\"]}"),
                        "count 5 is not the sum of zeroCount and the bucketCounts (2)"),
                Arguments.of(
                        "{\"resourceMetrics\":[{\"scopeMetrics\":[{\"metrics\":[{\"name\":\"s\","
                                + "\"summary\":{\"dataPoints\":[{"
                                + NANOS
                                + ",\"count\":\"1\",\"quantileValues\":[{\"quantile\":1.5,"
                                + "\"value\":1}]}]}}]}]}]}",
                        "quantile 1.5 is not in [0, 1]"),
                Arguments.of(
                        "{\"resourceMetrics\":[{\"scopeMetrics\":[{\"metrics\":[{\"name\":\"c\","
                                + "\"sum\":{\"aggregationTemporality\":\"often\",\"dataPoints\":[{"
                                + NANOS
                                + ",\"asInt\":\"1\"}]}}]}]}]}",
                        "'aggregationTemporality' must be an unsigned integer"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("badDistributions")
    void aDistributionThatContradictsItselfIsRejected(String payload, String detail) {
        DeadLetter dl = deadLetter(decoder(), payload.getBytes(StandardCharsets.UTF_8), origin());
        assertThat(dl.reason).isEqualTo("wrong_type");
        assertThat(dl.detail).contains(detail);
    }
}
