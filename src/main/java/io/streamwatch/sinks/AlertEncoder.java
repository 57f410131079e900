package io.streamwatch.sinks;

import io.streamwatch.alerts.Alert;
import io.streamwatch.records.KafkaMessage;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.functions.MapFunction;

/**
 * Writes an alert transition in the SPEC's shape (Alertmanager's alert model plus Streamwatch's
 * fields), keyed by fingerprint so a compacted topic keeps each alert's latest state.
 */
public class AlertEncoder implements MapFunction<Alert, KafkaMessage> {
    private static final long serialVersionUID = 1L;

    @Override
    public KafkaMessage map(Alert a) {
        byte[] value =
                JsonOutput.object(
                        g -> {
                            g.writeStringField("fingerprint", a.fingerprint);
                            g.writeStringField("status", a.status);
                            JsonOutput.stringMap(g, "labels", a.labels);
                            g.writeObjectFieldStart("annotations");
                            g.writeStringField("summary", a.summary);
                            g.writeStringField("description", a.description);
                            if (a.annotations != null) {
                                for (java.util.Map.Entry<String, String> e :
                                        a.annotations.entrySet()) {
                                    g.writeStringField(e.getKey(), e.getValue());
                                }
                            }
                            if (a.resolvedText != null) {
                                g.writeStringField("resolved", a.resolvedText);
                            }
                            g.writeEndObject();
                            JsonOutput.time(g, "startsAt", a.startsAt);
                            if (a.endsAt >= 0) {
                                JsonOutput.time(g, "endsAt", a.endsAt);
                            } else {
                                g.writeNullField("endsAt");
                            }
                            number(g, "value", a.value);
                            if (a.threshold == null) {
                                g.writeNullField("threshold");
                            } else {
                                number(g, "threshold", a.threshold);
                            }
                            JsonOutput.time(g, "window_start", a.windowStart);
                            JsonOutput.time(g, "window_end", a.windowEnd);
                            g.writeStringField("rule", a.rule);
                            g.writeStringField("pipeline", a.pipeline);
                            if (Alert.RESOLVED.equals(a.status)) {
                                number(g, "resolved_value", a.resolvedValue);
                                if (a.resolvedAt >= 0) {
                                    JsonOutput.time(g, "resolved_at", a.resolvedAt);
                                } else {
                                    g.writeNullField("resolved_at");
                                }
                            }
                            if (a.reason != null) {
                                g.writeStringField("reason", a.reason);
                            }
                        });
        return new KafkaMessage(a.fingerprint.getBytes(StandardCharsets.UTF_8), value);
    }

    private static void number(com.fasterxml.jackson.core.JsonGenerator g, String field, double v)
            throws java.io.IOException {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            g.writeNullField(field);
        } else {
            g.writeNumberField(field, v);
        }
    }
}
