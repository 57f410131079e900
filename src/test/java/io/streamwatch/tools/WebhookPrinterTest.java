package io.streamwatch.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The playground's notification lines, from a notification in Alertmanager's webhook JSON. */
class WebhookPrinterTest {
    @Test
    void oneLinePerAlertWithStatusNameLabelsReceiverAndSummary() throws Exception {
        String notification =
                """
                {"version":"4","groupKey":"{}:{alertname=\\"HighErrorRatio\\"}","status":"firing",
                 "receiver":"playground","groupLabels":{"alertname":"HighErrorRatio"},
                 "alerts":[
                   {"status":"firing",
                    "labels":{"alertname":"HighErrorRatio","service":"payments","severity":"page"},
                    "annotations":{"summary":"payments error ratio 25.1% > 5.0%"},
                    "startsAt":"2026-12-06T16:59:00Z","endsAt":"0001-01-01T00:00:00Z"},
                   {"status":"resolved",
                    "labels":{"alertname":"HighErrorRatio","service":"search","severity":"page"},
                    "annotations":{},
                    "startsAt":"2026-12-06T16:50:00Z","endsAt":"2026-12-06T16:58:00Z"}]}
                """;

        List<String> lines = WebhookPrinter.lines(new ObjectMapper().readTree(notification));

        assertThat(lines).hasSize(2);
        assertThat(lines.get(0))
                .matches("\\d\\d:\\d\\d:\\d\\d .*")
                .endsWith(
                        " notified FIRING HighErrorRatio{service=\"payments\",severity=\"page\"}"
                                + " via playground: payments error ratio 25.1% > 5.0%");
        assertThat(lines.get(1))
                .endsWith(
                        " notified RESOLVED HighErrorRatio{service=\"search\",severity=\"page\"}"
                                + " via playground");
    }
}
