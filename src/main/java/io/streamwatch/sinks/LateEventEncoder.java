package io.streamwatch.sinks;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.core.JsonGenerator;
import io.streamwatch.formats.Utf8;
import io.streamwatch.functions.PipelineMetrics;
import io.streamwatch.records.GroupKey;
import io.streamwatch.records.KafkaMessage;
import io.streamwatch.records.Level;
import io.streamwatch.records.LogEvent;
import io.streamwatch.records.MetricPoint;
import io.streamwatch.records.OtelPoint;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.metrics.Counter;

/**
 * Writes an event that arrived after its window closed (beyond the allowed lateness) to the
 * late-events topic, and counts it. The record names where the event came from and the windows it
 * missed are implied by its event time.
 */
public abstract class LateEventEncoder<T> extends RichMapFunction<T, KafkaMessage> {
    private static final long serialVersionUID = 1L;

    protected final String pipeline;
    protected final List<String> groupBy;

    /**
     * At most this much of the input record goes into {@code raw} (as for dead letters), and at
     * most this many characters of a message into {@code message}.
     */
    protected final int rawLimit;

    private transient Counter lateRecords;

    protected LateEventEncoder(String pipeline, List<String> groupBy, int rawLimit) {
        this.pipeline = pipeline;
        this.groupBy = List.copyOf(groupBy);
        this.rawLimit = rawLimit;
    }

    @Override
    public void open(OpenContext openContext) {
        lateRecords =
                PipelineMetrics.group(getRuntimeContext().getMetricGroup(), pipeline)
                        .counter("lateRecords");
    }

    /**
     * @param count how many events the record stands for: more than 1 only for events combined
     *     before the keyBy that still arrived late (possible after idleness, see PreAggregator)
     */
    protected KafkaMessage encode(
            String topic,
            int partition,
            long offset,
            long eventTime,
            long count,
            byte[] record,
            Body body) {
        if (lateRecords != null) {
            lateRecords.inc(count);
        }
        byte[] value =
                JsonOutput.object(
                        g -> {
                            g.writeStringField("pipeline", pipeline);
                            g.writeStringField("source_topic", topic);
                            g.writeNumberField("partition", partition);
                            g.writeNumberField("offset", offset);
                            JsonOutput.time(g, "event_time", eventTime);
                            body.write(g);
                            if (count > 1) {
                                g.writeNumberField("count", count);
                            }
                            if (record != null) {
                                // Valid UTF-8: the decoder checked it before reading the event.
                                // Cut as a dead letter's raw is, so that a record near
                                // limits.max_record_size still fits the late-events topic.
                                int keep = Utf8.cutAt(record, rawLimit);
                                g.writeStringField("raw", new String(record, 0, keep, UTF_8));
                                if (keep < record.length) {
                                    g.writeNumberField("raw_size", record.length);
                                    g.writeBooleanField("raw_truncated", true);
                                }
                            }
                            JsonOutput.time(g, "seen_at", System.currentTimeMillis());
                        });
        byte[] key = (topic + "/" + partition + "/" + offset).getBytes(StandardCharsets.UTF_8);
        return new KafkaMessage(key, value);
    }

    /** The event-specific fields. */
    protected interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    /** Late log events. */
    public static class Logs extends LateEventEncoder<LogEvent> {
        private static final long serialVersionUID = 1L;

        public Logs(String pipeline, List<String> groupBy, int rawLimit) {
            super(pipeline, groupBy, rawLimit);
        }

        @Override
        public KafkaMessage map(LogEvent e) {
            return encode(
                    e.topic,
                    e.partition,
                    e.offset,
                    e.timestamp,
                    e.count,
                    e.record,
                    g -> {
                        g.writeStringField("kind", "log");
                        JsonOutput.stringMap(g, "group", GroupKey.toMap(groupBy, e.key, 0));
                        g.writeStringField("level", Level.of(e.level).name());
                        // A message can be as large as the record: cut like raw (by chars, at
                        // most the byte limit's worth, never inside a surrogate pair).
                        String m = e.message;
                        if (m != null && m.length() > rawLimit) {
                            int cut = rawLimit;
                            if (cut > 0 && Character.isHighSurrogate(m.charAt(cut - 1))) {
                                cut--;
                            }
                            g.writeStringField("message", m.substring(0, cut));
                            g.writeBooleanField("message_truncated", true);
                        } else {
                            g.writeStringField("message", m);
                        }
                    });
        }
    }

    /** Late metric points. */
    public static class Metrics extends LateEventEncoder<MetricPoint> {
        private static final long serialVersionUID = 1L;

        public Metrics(String pipeline, List<String> groupBy, int rawLimit) {
            super(pipeline, groupBy, rawLimit);
        }

        @Override
        public KafkaMessage map(MetricPoint m) {
            return encode(
                    m.topic,
                    m.partition,
                    m.offset,
                    m.timestamp,
                    m.values != null
                            ? m.values.length
                            // An otel histogram or summary point: its observations.
                            : m instanceof OtelPoint o && o.isDistribution() ? o.count : 1,
                    m.record,
                    g -> {
                        g.writeStringField("kind", "metric");
                        g.writeStringField("name", m.name);
                        JsonOutput.stringMap(g, "group", GroupKey.toMap(groupBy, m.key, 1));
                        g.writeNumberField("value", m.value);
                        if (m.values != null) {
                            g.writeArrayFieldStart("values");
                            for (double v : m.values) {
                                g.writeNumber(v);
                            }
                            g.writeEndArray();
                        }
                    });
        }
    }
}
