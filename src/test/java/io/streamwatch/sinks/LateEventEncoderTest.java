package io.streamwatch.sinks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamwatch.records.Level;
import io.streamwatch.records.LogEvent;
import io.streamwatch.records.MetricPoint;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Late-events records: one per late event with where it came from; a partial combined before the
 * keyBy that still arrived late says how many events it stands for.
 */
class LateEventEncoderTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static LogEvent line(long count, String message) {
        LogEvent e = new LogEvent("checkout", 1_700_000_059_999L, Level.WARN, message);
        e.count = count;
        e.topic = "logs";
        e.partition = 1;
        e.offset = 42;
        return e;
    }

    @Test
    void aLateLineNamesItsSourceAndHasNoCount() throws Exception {
        JsonNode r =
                JSON.readTree(
                        new LateEventEncoder.Logs("app-logs", List.of("service"), 65536)
                                .map(line(1, "slow"))
                                .value);

        assertThat(r.get("pipeline").asText()).isEqualTo("app-logs");
        assertThat(r.get("source_topic").asText()).isEqualTo("logs");
        assertThat(r.get("partition").asInt()).isEqualTo(1);
        assertThat(r.get("offset").asLong()).isEqualTo(42);
        assertThat(r.get("event_time").asText()).isEqualTo("2023-11-14T22:14:19.999Z");
        assertThat(r.get("group").get("service").asText()).isEqualTo("checkout");
        assertThat(r.get("level").asText()).isEqualTo("WARN");
        assertThat(r.get("message").asText()).isEqualTo("slow");
        assertThat(r.has("count")).isFalse();
        assertThat(r.has("raw")).isFalse();
    }

    @Test
    void aLateEventWithItsRecordCarriesItWholeForReplay() throws Exception {
        String original =
                "{\"timestamp\":1700000059999,\"name\":\"cpu\",\"value\":0.5,\"host\":\"web-1\","
                        + "\"trace_id\":\"4bf9\",\"tags\":{\"dc\":\"\u00e9\"}}";
        MetricPoint p = new MetricPoint("cpu\u001fweb-1", "cpu", 1_700_000_059_999L, 0.5);
        p.record = original.getBytes(StandardCharsets.UTF_8);
        LogEvent e = line(1, "slow");
        e.record = "{\"level\":\"WARN\"}".getBytes(StandardCharsets.UTF_8);

        JsonNode metric =
                JSON.readTree(
                        new LateEventEncoder.Metrics("app-metrics", List.of("host"), 65536)
                                .map(p)
                                .value);
        JsonNode log =
                JSON.readTree(
                        new LateEventEncoder.Logs("app-logs", List.of("service"), 65536)
                                .map(e)
                                .value);

        assertThat(metric.get("raw").asText()).isEqualTo(original);
        assertThat(JSON.readTree(metric.get("raw").asText()).get("tags").get("dc").asText())
                .isEqualTo("\u00e9");
        assertThat(log.get("raw").asText()).isEqualTo("{\"level\":\"WARN\"}");
    }

    @Test
    void aHugeMessageIsCutToo() throws Exception {
        JsonNode r =
                JSON.readTree(
                        new LateEventEncoder.Logs("app-logs", List.of("service"), 4)
                                .map(line(1, "abc\ud83d\ude00def"))
                                .value);

        assertThat(r.get("message").asText()).isEqualTo("abc");
        assertThat(r.get("message_truncated").asBoolean()).isTrue();
    }

    /** A record near limits.max_record_size must still fit the late-events topic. */
    @Test
    void aLargeRecordIsCutLikeADeadLettersRawAtACharacterBoundary() throws Exception {
        LogEvent e = line(1, "big");
        // 'é' is two bytes: a cut at 9 bytes would split the fifth one.
        e.record = "\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9".getBytes(StandardCharsets.UTF_8);
        JsonNode r =
                JSON.readTree(
                        new LateEventEncoder.Logs("app-logs", List.of("service"), 9).map(e).value);

        assertThat(r.get("raw").asText()).isEqualTo("\u00e9\u00e9\u00e9\u00e9");
        assertThat(r.get("message").asText()).isEqualTo("big");
        assertThat(r.has("message_truncated")).isFalse();
        assertThat(r.get("raw_size").asInt()).isEqualTo(12);
        assertThat(r.get("raw_truncated").asBoolean()).isTrue();
    }

    @Test
    void aLatePartialSaysHowManyEventsItStandsFor() throws Exception {
        JsonNode logs =
                JSON.readTree(
                        new LateEventEncoder.Logs("app-logs", List.of("service"), 65536)
                                .map(line(17, null))
                                .value);
        MetricPoint p = new MetricPoint("cpu\u001fweb-1", "cpu", 1_700_000_059_999L, 0.5);
        p.values = new double[] {0.5, 0.75, 1.0};
        JsonNode metrics =
                JSON.readTree(
                        new LateEventEncoder.Metrics("app-metrics", List.of("host"), 65536)
                                .map(p)
                                .value);

        assertThat(logs.get("count").asLong()).isEqualTo(17);
        assertThat(logs.get("message").isNull()).isTrue();
        assertThat(metrics.get("count").asLong()).isEqualTo(3);
        assertThat(metrics.get("values"))
                .extracting(JsonNode::asDouble)
                .containsExactly(0.5, 0.75, 1.0);
    }
}
