package io.streamwatch.sinks;

import io.streamwatch.alerts.RuleStatus;
import io.streamwatch.records.KafkaMessage;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.functions.MapFunction;

/** Writes the outcome of a rule change to the rule-status topic, keyed by rule name. */
public class RuleStatusEncoder implements MapFunction<RuleStatus, KafkaMessage> {
    private static final long serialVersionUID = 1L;

    @Override
    public KafkaMessage map(RuleStatus s) {
        byte[] value =
                JsonOutput.object(
                        g -> {
                            g.writeStringField("rule", s.rule);
                            g.writeStringField("status", s.status);
                            if (s.reason != null) {
                                g.writeStringField("reason", s.reason);
                            }
                            g.writeArrayFieldStart("problems");
                            for (String p : s.problems) {
                                g.writeString(p);
                            }
                            g.writeEndArray();
                            if (s.version != null) {
                                g.writeStringField("version", s.version);
                            }
                            g.writeStringField("source", "control-topic");
                            g.writeNumberField("offset", s.offset);
                            JsonOutput.time(g, "at", s.at);
                        });
        byte[] key = s.rule == null ? null : s.rule.getBytes(StandardCharsets.UTF_8);
        return new KafkaMessage(key, value);
    }
}
