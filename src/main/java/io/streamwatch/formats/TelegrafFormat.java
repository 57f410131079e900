package io.streamwatch.formats;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.streamwatch.config.LimitsConfig;
import io.streamwatch.records.Decoded;
import io.streamwatch.records.GroupKey;
import io.streamwatch.records.MetricPoint;
import io.streamwatch.records.RejectReason;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code telegraf} format (metrics only): what Telegraf's JSON serializer writes, one metric
 * {@code {"fields":{...},"name":"cpu","tags":{...},"timestamp":1764065730}} or, with {@code
 * use_batch_format}, {@code {"metrics":[...]}}. It exists so a Telegraf agent can write to Kafka
 * with its stock {@code data_format = "json"}.
 *
 * <p>Each numeric field becomes one point named {@code <name>.<field>} (e.g. {@code
 * cpu.usage_idle}). String and boolean fields are skipped, as they are no measurement; a metric
 * with no numeric field at all is rejected ({@code missing_field}) rather than vanishing. Group
 * fields are tags: {@code host} is {@code tags.host}, {@code service} {@code tags.service}, any
 * other name the tag of that name (the pipeline's {@code fields} may rename them).
 *
 * <p>The timestamp unit follows Telegraf's {@code json_timestamp_units} (1s by default; 1ms, 1us,
 * 1ns) and is told apart by magnitude, so no setting has to match the agent's: below 10^11 seconds,
 * below 10^14 milliseconds, below 10^17 microseconds, else nanoseconds. This is unambiguous for all
 * times from 1973 to 5138. A text timestamp ({@code json_timestamp_format}) is read as ISO-8601.
 *
 * <p>As for every format, a record is all or nothing: one bad metric in a batch rejects the batch.
 * Parsing is streaming, one pass.
 */
public final class TelegrafFormat implements InputFormat {
    private static final long serialVersionUID = 1L;

    private static final double SECONDS_BELOW = 1e11;
    private static final double MILLIS_BELOW = 1e14;
    private static final double MICROS_BELOW = 1e17;

    private final String[] groupBy;
    private final String[] tagKeys;
    private final long maxAgeMillis;
    private final long maxFutureMillis;

    private transient JsonFactory factory;
    private transient Metric outer;
    private transient Metric inner;
    private transient int index;

    /**
     * @param groupBy the pipeline's group_by names, as written in the config
     * @param tagKeys the tag each group_by name is read from
     */
    public TelegrafFormat(List<String> groupBy, List<String> tagKeys, LimitsConfig limits) {
        this.groupBy = groupBy.toArray(new String[0]);
        this.tagKeys = tagKeys.toArray(new String[0]);
        this.maxAgeMillis = limits.maxEventAge().toMillis();
        this.maxFutureMillis = limits.maxEventFuture().toMillis();
    }

    @Override
    public void open() {
        factory = Json.inputFactory();
        outer = new Metric(tagKeys.length);
        inner = new Metric(tagKeys.length);
    }

    @Override
    public void decode(byte[] payload, RecordOrigin origin, List<Decoded> out)
            throws RejectException, IOException {
        if (factory == null) {
            open();
        }
        index = -1;
        boolean batch;
        try (JsonParser p = factory.createParser(payload)) {
            Payloads.startObject(p);
            batch = read(p, outer, origin, out);
            Payloads.expectEnd(p);
        }
        if (!batch) {
            emit(outer, origin, out);
        } else if (index < 0) {
            throw new RejectException(
                    RejectReason.MISSING_FIELD, "the batch's 'metrics' list is empty");
        }
    }

    /**
     * Reads one metric object into {@code m}; at the top level a {@code metrics} list makes it a
     * batch, whose metrics are emitted as they are read. Returns whether it was a batch.
     */
    private boolean read(JsonParser p, Metric m, RecordOrigin origin, List<Decoded> out)
            throws IOException, RejectException {
        m.reset();
        boolean batch = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            JsonToken v = p.nextToken();
            switch (f) {
                case "metrics":
                    if (m != outer) {
                        p.skipChildren();
                        break;
                    }
                    if (v != JsonToken.START_ARRAY) {
                        throw wrongType("metrics", "an array of metrics", v);
                    }
                    batch = true;
                    JsonToken t;
                    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                        index++;
                        if (t != JsonToken.START_OBJECT) {
                            throw wrongType("metrics[]", "an object", t);
                        }
                        read(p, inner, origin, out);
                        emit(inner, origin, out);
                    }
                    break;
                case "name":
                    m.name.read(p, v);
                    if (v.isStructStart()) {
                        p.skipChildren();
                    }
                    break;
                case "timestamp":
                    m.timestamp.read(p, v);
                    if (v.isStructStart()) {
                        p.skipChildren();
                    }
                    break;
                case "tags":
                    readTags(p, v, m);
                    break;
                case "fields":
                    readFields(p, v, m);
                    break;
                default:
                    p.skipChildren();
            }
        }
        return batch;
    }

    private void readTags(JsonParser p, JsonToken v, Metric m) throws IOException, RejectException {
        if (v == JsonToken.VALUE_NULL) {
            return;
        }
        if (v != JsonToken.START_OBJECT) {
            throw wrongType("tags", "an object", v);
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String tag = p.currentName();
            JsonToken t = p.nextToken();
            for (int j = 0; j < tagKeys.length; j++) {
                if (tagKeys[j].equals(tag)) {
                    if (t.isStructStart()) {
                        throw new RejectException(
                                RejectReason.WRONG_TYPE,
                                where()
                                        + "tag '"
                                        + tag
                                        + "' (group field '"
                                        + groupBy[j]
                                        + "') must be a string, found "
                                        + Payloads.typeOf(t));
                    }
                    m.tags[j] = t == JsonToken.VALUE_NULL ? null : p.getText();
                }
            }
            p.skipChildren();
        }
    }

    private void readFields(JsonParser p, JsonToken v, Metric m)
            throws IOException, RejectException {
        if (v == JsonToken.VALUE_NULL) {
            return;
        }
        if (v != JsonToken.START_OBJECT) {
            throw wrongType("fields", "an object", v);
        }
        m.sawFields = true;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken t = p.nextToken();
            if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
                double d = p.getDoubleValue();
                if (Double.isNaN(d) || Double.isInfinite(d)) {
                    throw new RejectException(
                            RejectReason.NON_FINITE_NUMBER,
                            where() + "field '" + field + "' is " + p.getText());
                }
                m.fieldNames.add(field);
                m.values.add(d);
            } else if (t.isStructStart()) {
                // Telegraf fields are numbers, strings or booleans; nesting is not its output.
                throw wrongType("fields." + field, "a number, string or boolean", t);
            }
            // Strings and booleans: skipped, they are no measurement.
        }
    }

    private void emit(Metric m, RecordOrigin origin, List<Decoded> out) throws RejectException {
        if (!m.name.present()) {
            throw new RejectException(RejectReason.MISSING_FIELD, where() + m.name.missing("name"));
        }
        if (m.name.token != JsonToken.VALUE_STRING) {
            throw wrongType("name", "a string", m.name.token);
        }
        if (m.name.text.isEmpty()) {
            throw new RejectException(RejectReason.MISSING_FIELD, where() + "'name' is empty");
        }
        long ts = epochMillis(m.timestamp);
        Payloads.checkSkew(ts, origin, maxAgeMillis, maxFutureMillis);
        if (!m.sawFields) {
            throw new RejectException(RejectReason.MISSING_FIELD, where() + "no 'fields' object");
        }
        if (m.values.isEmpty()) {
            throw new RejectException(
                    RejectReason.MISSING_FIELD,
                    where() + "no numeric field (string and boolean fields are skipped)");
        }
        List<String> key = new ArrayList<>(tagKeys.length + 1);
        key.add(null);
        for (String t : m.tags) {
            key.add(t == null ? GroupKey.MISSING : t);
        }
        for (int i = 0; i < m.values.size(); i++) {
            String name = m.name.text + "." + m.fieldNames.get(i);
            key.set(0, name);
            MetricPoint point = new MetricPoint(GroupKey.join(key), name, ts, m.values.get(i));
            point.topic = origin.topic;
            point.partition = origin.partition;
            point.offset = origin.offset;
            out.add(Decoded.of(point));
        }
    }

    /** Epoch milliseconds from seconds, milliseconds, microseconds or nanoseconds, by magnitude. */
    private long epochMillis(Capture c) throws RejectException {
        if (!c.present()) {
            throw new RejectException(RejectReason.MISSING_FIELD, where() + c.missing("timestamp"));
        }
        double n;
        if (c.isNumber()) {
            n = c.number;
        } else if (c.token == JsonToken.VALUE_STRING && isDigits(c.text.trim())) {
            String s = c.text.trim();
            if (s.length() > 19) {
                throw new RejectException(
                        RejectReason.TIMESTAMP_OUT_OF_RANGE,
                        where() + "'timestamp' " + Timestamps.abbreviate(s) + " is out of range");
            }
            n = Double.parseDouble(s);
        } else {
            // Telegraf's json_timestamp_format: a formatted time.
            return Timestamps.read(c, "timestamp", 1L);
        }
        if (Double.isNaN(n) || Double.isInfinite(n)) {
            throw new RejectException(
                    RejectReason.NON_FINITE_NUMBER, where() + "'timestamp' is " + n);
        }
        if (n < 0 || n >= 1e19) {
            throw new RejectException(
                    RejectReason.TIMESTAMP_OUT_OF_RANGE,
                    where() + "'timestamp' " + c.asText() + " is out of range");
        }
        if (c.isLong) {
            // Exact integer arithmetic: doubles lose nanoseconds.
            long t = c.integer;
            return t < SECONDS_BELOW
                    ? t * 1000
                    : t < MILLIS_BELOW ? t : t < MICROS_BELOW ? t / 1000 : t / 1_000_000;
        }
        if (c.token == JsonToken.VALUE_STRING) {
            long t = Long.parseUnsignedLong(c.text.trim());
            if (t < 0) {
                throw new RejectException(
                        RejectReason.TIMESTAMP_OUT_OF_RANGE,
                        where() + "'timestamp' " + c.text.trim() + " is out of range");
            }
            return t < SECONDS_BELOW
                    ? t * 1000
                    : t < MILLIS_BELOW ? t : t < MICROS_BELOW ? t / 1000 : t / 1_000_000;
        }
        double millis =
                n < SECONDS_BELOW
                        ? n * 1000
                        : n < MILLIS_BELOW ? n : n < MICROS_BELOW ? n / 1000 : n / 1_000_000;
        return (long) millis;
    }

    private RejectException wrongType(String field, String expected, JsonToken found) {
        return new RejectException(
                RejectReason.WRONG_TYPE,
                where()
                        + "'"
                        + field
                        + "' must be "
                        + expected
                        + ", found "
                        + Payloads.typeOf(found));
    }

    /** The batch position as a detail prefix, e.g. {@code metrics[3]: }. */
    private String where() {
        return index < 0 ? "" : "metrics[" + index + "]: ";
    }

    private static boolean isDigits(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch < '0' || ch > '9') {
                return false;
            }
        }
        return true;
    }

    /** One metric being read; two are reused, the batch object and the metric inside it. */
    private static final class Metric {
        final Capture name = new Capture();
        final Capture timestamp = new Capture();
        final String[] tags;
        final List<String> fieldNames = new ArrayList<>();
        final List<Double> values = new ArrayList<>();
        boolean sawFields;

        Metric(int groups) {
            tags = new String[groups];
        }

        void reset() {
            name.reset();
            timestamp.reset();
            Arrays.fill(tags, null);
            fieldNames.clear();
            values.clear();
            sawFields = false;
        }
    }
}
