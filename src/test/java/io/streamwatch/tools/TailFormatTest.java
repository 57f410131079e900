package io.streamwatch.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class TailFormatTest {
    private final TailFormat format = new TailFormat(ZoneOffset.UTC);

    @Test
    void logAggregate() {
        String json =
                """
                {"type":"log_aggregate","pipeline":"app-logs","group":{"service":"checkout"},
                 "window_start":"2026-11-25T10:15:00.000Z","window_end":"2026-11-25T10:16:00.000Z",
                 "total":1532,"levels":{"INFO":1400,"WARN":80,"ERROR":50,"FATAL":2},
                 "error_ratio":0.0339,
                 "top_patterns":[{"pattern_id":"a3f9c1d2",
                   "pattern":"Timeout calling payment-gateway after <NUM> ms",
                   "count":41,"example":"Timeout calling payment-gateway after 3000 ms"},
                   {"pattern_id":"b","pattern":"x","count":2,"example":"x"}]}
                """;
        assertThat(line(json))
                .isEqualTo(
                        "10:15:00-10:16:00 app-logs checkout     total=1532 err=3.4%"
                                + " top=\"Timeout calling payment-gateway after <NUM> ms\"x41"
                                + " (+1 more)");
    }

    @Test
    void logAggregateWithoutErrors() {
        String json =
                """
                {"type":"log_aggregate","pipeline":"app-logs","group":{"service":"search"},
                 "window_start":"2026-11-25T10:15:00.000Z","window_end":"2026-11-25T10:16:00.000Z",
                 "total":7,"levels":{"INFO":7},"error_ratio":0.0,"top_patterns":[]}
                """;
        assertThat(line(json))
                .isEqualTo("10:15:00-10:16:00 app-logs search       total=7 err=0.0%");
    }

    @Test
    void metricAggregate() {
        String json =
                """
                {"type":"metric_aggregate","pipeline":"app-metrics","name":"http.server.duration",
                 "group":{"service":"checkout","host":"web-1"},
                 "window_start":"2026-11-25T10:15:00.000Z","window_end":"2026-11-25T10:16:00.000Z",
                 "count":600,"sum":74040.0,"min":3.1,"max":2210.0,"mean":123.4,
                 "p50":98.2,"p90":240.1,"p95":410.7,"p99":1190.3}
                """;
        assertThat(line(json))
                .isEqualTo(
                        "10:15:00-10:16:00 app-metrics http.server.duration checkout/web-1"
                                + " n=600 p50=98.2 p99=1190.3 max=2210");
    }

    @Test
    void numbersStayShortAtEveryMagnitude() {
        String json =
                """
                {"type":"metric_aggregate","pipeline":"m","name":"jvm.memory.used",
                 "group":{"host":"h"},"window_start":"2026-11-25T10:15:00.000Z",
                 "window_end":"2026-11-25T10:16:00.000Z","count":3,
                 "p50":0.004567,"p99":523190272.0,"max":0}
                """;
        assertThat(line(json)).endsWith("n=3 p50=0.00457 p99=5.232e+08 max=0");
    }

    private static final String FIRING =
            """
            {"fingerprint":"5d0f3c2a9b1e7d44","status":"firing",
             "labels":{"alertname":"HighErrorRatio","severity":"page","service":"checkout",
                       "team":"payments"},
             "annotations":{"summary":"checkout error ratio 12.0% > 5%","description":"..."},
             "startsAt":"2026-11-25T10:16:00.000Z","endsAt":null,"value":0.12,
             "threshold":0.05,"window_start":"2026-11-25T10:15:00.000Z",
             "window_end":"2026-11-25T10:16:00.000Z","rule":"HighErrorRatio",
             "pipeline":"app-logs"}
            """;

    private static final String RESOLVED =
            """
            {"fingerprint":"77aa","status":"resolved",
             "labels":{"alertname":"HostSilent","severity":"page","host":"search-2",
                       "service":"search"},
             "annotations":{"summary":"search-2 (search) has sent no metrics for 120 s",
                            "description":""},
             "startsAt":"2026-11-25T10:24:00.000Z","endsAt":"2026-11-25T10:26:00.000Z",
             "value":180.0,"threshold":120.0,"window_start":"2026-11-25T10:26:00.000Z",
             "window_end":"2026-11-25T10:27:00.000Z","rule":"HostSilent","pipeline":"app-metrics"}
            """;

    @Test
    void firingAlert() {
        assertThat(line(FIRING))
                .isEqualTo(
                        "FIRING   HighErrorRatio [page] service=checkout team=payments"
                                + " \"checkout error ratio 12.0% > 5%\" startsAt=10:16:00"
                                + " value=0.12 threshold=0.05 window=10:15:00-10:16:00");
    }

    @Test
    void resolvedAlertShowsWhenItStartedAndEnded() {
        assertThat(line(RESOLVED))
                .isEqualTo(
                        "RESOLVED HostSilent [page] host=search-2 service=search"
                                + " \"search-2 (search) has sent no metrics for 120 s\""
                                + " startsAt=10:24:00 endsAt=10:26:00 value=180 threshold=120"
                                + " window=10:26:00-10:27:00");
    }

    @Test
    void aResolveBecauseTheRuleChangedSaysSo() {
        String json =
                """
                {"fingerprint":"5d","status":"resolved","labels":{"alertname":"SlowRequestsP99"},
                 "annotations":{},"startsAt":"2026-11-25T10:16:00.000Z",
                 "endsAt":"2026-11-25T10:17:30.000Z","value":700.0,"threshold":null,
                 "reason":"rule_changed"}
                """;
        assertThat(line(json))
                .isEqualTo(
                        "RESOLVED SlowRequestsP99 startsAt=10:16:00 endsAt=10:17:30 value=700"
                                + " reason=rule_changed");
    }

    @Test
    void aSparseAlertStillPrints() {
        String json =
                """
                {"fingerprint":"5d0f3c2a9b1e7d44","status":"resolved",
                 "labels":{"alertname":"HostSilent","severity":"ticket","host":"web-1"},
                 "annotations":{},"startsAt":"x","endsAt":"y"}
                """;
        assertThat(line(json))
                .isEqualTo("RESOLVED HostSilent [ticket] host=web-1 startsAt=x endsAt=y");
    }

    @Test
    void colourMarksAlertsOnlyAndOnlyWhenAskedFor() {
        TailFormat coloured = new TailFormat(ZoneOffset.UTC, true);
        String firing = coloured.line(bytes(FIRING));
        assertThat(firing).startsWith("\u001b[1;31mFIRING   HighErrorRatio").endsWith("\u001b[0m");
        assertThat(coloured.line(bytes(RESOLVED)))
                .startsWith("\u001b[1;32mRESOLVED HostSilent")
                .endsWith("\u001b[0m");
        assertThat(firing.replace(TailFormat.RED, "").replace(TailFormat.RESET, ""))
                .isEqualTo(line(FIRING));
        assertThat(line(FIRING)).doesNotContain("\u001b");
        String aggregate =
                """
                {"type":"log_aggregate","pipeline":"app-logs","group":{"service":"search"},
                 "window_start":"2026-11-25T10:15:00.000Z","window_end":"2026-11-25T10:16:00.000Z",
                 "total":7,"levels":{"INFO":7},"error_ratio":0.0,"top_patterns":[]}
                """;
        assertThat(coloured.line(bytes(aggregate))).isEqualTo(line(aggregate));
    }

    @Test
    void eachLineSaysWhatKindOfRecordItIs() {
        TailFormat.Line firing = format.format(bytes(FIRING));
        assertThat(firing.kind()).isEqualTo(TailFormat.Kind.ALERT);
        assertThat(firing.alertStatus()).isEqualTo("firing");
        assertThat(firing.fingerprint()).isEqualTo("5d0f3c2a9b1e7d44");
        assertThat(format.format(bytes(RESOLVED)).alertStatus()).isEqualTo("resolved");
        assertThat(format.format(bytes("{\"type\":\"metric_aggregate\",\"name\":\"x\"}")).kind())
                .isEqualTo(TailFormat.Kind.AGGREGATE);
        assertThat(format.format(bytes("{\"source_topic\":\"logs\",\"reason\":\"empty\"}")).kind())
                .isEqualTo(TailFormat.Kind.DEAD_LETTER);
        assertThat(format.format(bytes("[1]")).kind()).isEqualTo(TailFormat.Kind.OTHER);
        assertThat(format.format(null).kind()).isEqualTo(TailFormat.Kind.OTHER);
    }

    @Test
    void deadLetter() {
        String json =
                """
                {"source_topic":"logs","partition":0,"offset":1234,"reason":"malformed_json",
                 "detail":"Unexpected end-of-input at line 1, column 57","raw":"{",
                 "raw_encoding":"utf-8","pipeline":"app-logs","rejected_at":"..."}
                """;
        assertThat(line(json))
                .isEqualTo(
                        "DEAD logs/0@1234 malformed_json: Unexpected end-of-input at line 1,"
                                + " column 57");
    }

    @Test
    void unknownShapesArePrintedRaw() {
        assertThat(line("{\"a\": 1,\n \"b\": [true]}")).isEqualTo("{\"a\":1,\"b\":[true]}");
        assertThat(line("[1,2]")).isEqualTo("[1,2]");
        assertThat(line("not json\nat all")).isEqualTo("not json at all");
        assertThat(format.line(null)).isEqualTo("<tombstone>");
        assertThat(format.line(new byte[] {'a', (byte) 0xE9})).isEqualTo("<2 bytes, not UTF-8>");
    }

    @Test
    void aKnownTypeWithBrokenFieldsStillPrints() {
        assertThat(line("{\"type\":\"log_aggregate\"}"))
                .isEqualTo("?-? ? -            total=0 err=0.0%");
    }

    private String line(String json) {
        return format.line(bytes(json));
    }

    private static byte[] bytes(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }
}
