package io.streamwatch.sinks;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import io.streamwatch.records.KafkaMessage;
import io.streamwatch.records.MetricAggregate;
import java.io.IOException;
import org.apache.flink.api.common.functions.MapFunction;

/**
 * Writes a metric aggregate in the SPEC's "Metric aggregate" shape, keyed by group and window.
 *
 * <p>Field names are written from their encoded bytes ({@link SerializedString}): with a million
 * keys there is an aggregate for every two or three records, and escaping and encoding the same
 * fifteen names again for each was a third of the encoding's CPU besides the numbers.
 */
public class MetricAggregateEncoder implements MapFunction<MetricAggregate, KafkaMessage> {
    private static final long serialVersionUID = 1L;

    private static final SerializableString TYPE = new SerializedString("type");
    private static final SerializableString METRIC_AGGREGATE =
            new SerializedString("metric_aggregate");
    private static final SerializableString PIPELINE = new SerializedString("pipeline");
    private static final SerializableString NAME = new SerializedString("name");
    private static final SerializableString COUNT = new SerializedString("count");
    private static final SerializableString SUM = new SerializedString("sum");
    private static final SerializableString MIN = new SerializedString("min");
    private static final SerializableString MAX = new SerializedString("max");
    private static final SerializableString MEAN = new SerializedString("mean");
    private static final SerializableString P50 = new SerializedString("p50");
    private static final SerializableString P90 = new SerializedString("p90");
    private static final SerializableString P95 = new SerializedString("p95");
    private static final SerializableString P99 = new SerializedString("p99");

    @Override
    public KafkaMessage map(MetricAggregate a) {
        byte[] value =
                JsonOutput.object(
                        g -> {
                            g.writeFieldName(TYPE);
                            g.writeString(METRIC_AGGREGATE);
                            g.writeFieldName(PIPELINE);
                            g.writeString(a.pipeline);
                            g.writeFieldName(NAME);
                            g.writeString(a.name);
                            JsonOutput.stringMap(g, JsonOutput.GROUP, a.group);
                            JsonOutput.time(g, JsonOutput.WINDOW_START, a.windowStart);
                            JsonOutput.time(g, JsonOutput.WINDOW_END, a.windowEnd);
                            number(g, COUNT, a.count);
                            number(g, SUM, a.sum);
                            number(g, MIN, a.min);
                            number(g, MAX, a.max);
                            number(g, MEAN, a.mean);
                            number(g, P50, a.p50);
                            number(g, P90, a.p90);
                            number(g, P95, a.p95);
                            number(g, P99, a.p99);
                        });
        return new KafkaMessage(
                JsonOutput.aggregateKey(a.pipeline, a.name, a.group, a.windowStart), value);
    }

    private static void number(JsonGenerator g, SerializableString field, long value)
            throws IOException {
        g.writeFieldName(field);
        g.writeNumber(value);
    }

    private static void number(JsonGenerator g, SerializableString field, double value)
            throws IOException {
        g.writeFieldName(field);
        g.writeNumber(value);
    }
}
