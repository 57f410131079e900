package io.streamwatch.sinks;

import io.streamwatch.records.KafkaMessage;
import io.streamwatch.records.Level;
import io.streamwatch.records.LogAggregate;
import io.streamwatch.records.PatternCount;
import org.apache.flink.api.common.functions.MapFunction;

/** Writes a log aggregate in the SPEC's "Log aggregate" shape, keyed by group and window. */
public class LogAggregateEncoder implements MapFunction<LogAggregate, KafkaMessage> {
    private static final long serialVersionUID = 1L;

    @Override
    public KafkaMessage map(LogAggregate a) {
        byte[] value =
                JsonOutput.object(
                        g -> {
                            g.writeStringField("type", "log_aggregate");
                            g.writeStringField("pipeline", a.pipeline);
                            JsonOutput.stringMap(g, "group", a.group);
                            JsonOutput.time(g, "window_start", a.windowStart);
                            JsonOutput.time(g, "window_end", a.windowEnd);
                            g.writeNumberField("total", a.total);
                            g.writeObjectFieldStart("levels");
                            // In severity order, whatever map the record arrived in.
                            for (Level l : Level.values()) {
                                Long n = a.levels.get(l.name());
                                if (n != null) {
                                    g.writeNumberField(l.name(), n);
                                }
                            }
                            g.writeEndObject();
                            g.writeNumberField("error_ratio", a.errorRatio);
                            g.writeArrayFieldStart("top_patterns");
                            for (PatternCount p : a.topPatterns) {
                                g.writeStartObject();
                                g.writeStringField("pattern_id", p.patternId);
                                g.writeStringField("pattern", p.pattern);
                                g.writeNumberField("count", p.count);
                                g.writeStringField("example", p.example);
                                g.writeEndObject();
                            }
                            g.writeEndArray();
                        });
        return new KafkaMessage(
                JsonOutput.aggregateKey(a.pipeline, null, a.group, a.windowStart), value);
    }
}
