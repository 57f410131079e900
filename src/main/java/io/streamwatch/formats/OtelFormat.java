package io.streamwatch.formats;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.streamwatch.config.LimitsConfig;
import io.streamwatch.config.PipelineKind;
import io.streamwatch.records.Decoded;
import io.streamwatch.records.GroupKey;
import io.streamwatch.records.Level;
import io.streamwatch.records.LogEvent;
import io.streamwatch.records.MetricPoint;
import io.streamwatch.records.OtelPoint;
import io.streamwatch.records.RejectReason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * The {@code otel} format: OTLP/JSON as the OpenTelemetry Collector's Kafka exporter writes it with
 * {@code encoding: otlp_json}. One Kafka record is one {@code ExportLogsServiceRequest} (logs
 * pipelines) or {@code ExportMetricsServiceRequest} (metrics pipelines), so one record yields many
 * events. This exists so users of the Collector need no translation step in front of Streamwatch.
 *
 * <p>Parsing is streaming, in one pass, like {@link MappedJsonFormat}: a batch of thousands of log
 * records is never built as a tree. Protobuf's JSON mapping does not fix the order of fields, so a
 * resource's attributes may come after its log records; events are therefore kept pending until
 * their resource (and scope) object ends, and only then get their group key.
 *
 * <p>What is read (protobuf JSON mapping: camelCase names, 64-bit integers as decimal strings or
 * numbers, {@code null} meaning absent):
 *
 * <ul>
 *   <li>event time: {@code timeUnixNano}; for logs, {@code observedTimeUnixNano} when the former is
 *       absent or 0 (proto3 writes no zero values, so 0 means "not set");
 *   <li>level: {@code severityNumber} 1-24 (number, string or enum name), else {@code
 *       severityText}, else INFO; a text that is no known level is {@code unknown_level};
 *   <li>message: {@code body.stringValue}; other body types rendered as text (arrays and key-value
 *       lists as compact JSON);
 *   <li>group fields: the log record's or data point's {@code attributes}, then its scope's, then
 *       its resource's; {@code service} means {@code service.name}, {@code host} {@code host.name},
 *       other names are attribute keys as written; the pipeline's {@code fields} may rename them;
 *   <li>metrics: {@code gauge} and {@code sum} points become one point each ({@code asDouble} or
 *       {@code asInt}); {@code histogram}, {@code exponentialHistogram} and {@code summary} points
 *       become one {@link OtelPoint} each (count, sum, min, max, buckets or quantiles), which the
 *       window folds in as the observations it stands for, and, for delta points, {@code
 *       <name>.count} and {@code <name>.sum}; points flagged "no recorded value" are skipped.
 *   <li>temporality: a cumulative monotonic sum, a cumulative histogram and every summary (whose
 *       count and sum are running totals) leave as an {@link OtelPoint} with its series identity
 *       (metric name, type, unit, every attribute of point, scope and resource, hashed) and start
 *       time, for {@link io.streamwatch.operators.CumulativeToDelta}; a non-monotonic cumulative
 *       sum is a level and is read like a gauge.
 * </ul>
 *
 * <p>A record is all or nothing: one bad log record or data point rejects the whole request into
 * one dead letter, whose detail names the element (e.g. {@code
 * resourceLogs[0].scopeLogs[1].logRecords[7]}). Emitting the rest would hide the loss behind a dead
 * letter that no longer matches what was kept, and a Collector that writes one bad element usually
 * writes them all alike. A request with no log record or data point is rejected as {@code
 * missing_field}, so a pipeline pointed at the wrong signal is noticed.
 */
public final class OtelFormat implements InputFormat {
    private static final long serialVersionUID = 1L;

    private static final long NANOS_PER_MILLI = 1_000_000L;

    /** {@code DataPointFlags.FLAG_NO_RECORDED_VALUE}: the point marks a gap, it has no value. */
    private static final long FLAG_NO_RECORDED_VALUE = 1;

    // AggregationTemporality.
    private static final long TEMPORALITY_UNSPECIFIED = 0;
    private static final long TEMPORALITY_DELTA = 1;
    private static final long TEMPORALITY_CUMULATIVE = 2;

    // AnyValue kinds, for rendering and for rejecting containers as group values.
    private static final int ANY_EMPTY = 0;
    private static final int ANY_STRING = 1;
    private static final int ANY_SCALAR = 2;
    private static final int ANY_CONTAINER = 3;

    private final PipelineKind kind;
    private final String[] groupBy;
    private final String[] attributeKeys;
    private final long maxAgeMillis;
    private final long maxFutureMillis;

    private transient JsonFactory factory;

    // Per-record state; one instance per parallel source reader, so no sharing.
    private transient List<Decoded> out;
    private transient int base;
    private transient List<String[]> pending;
    private transient String[] resourceGroup;
    private transient String[] scopeGroup;
    private transient RecordOrigin origin;
    private transient int resourceIndex;
    private transient int scopeIndex;
    private transient int itemIndex;
    private transient int pointIndex;
    private transient String dataKind;
    private transient int anyKind;
    private transient MessageDigest digest;

    /** Every attribute of the current resource / scope (and the scope's name and version). */
    private transient List<String> resourceIdentity;

    private transient List<String> scopeIdentity;

    /**
     * @param groupBy the pipeline's group_by names, as written in the config
     * @param attributeKeys the attribute key each group_by name is looked up under
     */
    public OtelFormat(
            PipelineKind kind,
            List<String> groupBy,
            List<String> attributeKeys,
            LimitsConfig limits) {
        this.kind = kind;
        this.groupBy = groupBy.toArray(new String[0]);
        this.attributeKeys = attributeKeys.toArray(new String[0]);
        this.maxAgeMillis = limits.maxEventAge().toMillis();
        this.maxFutureMillis = limits.maxEventFuture().toMillis();
    }

    @Override
    public void open() {
        factory = Json.inputFactory();
        pending = new ArrayList<>();
        resourceGroup = new String[attributeKeys.length];
        scopeGroup = new String[attributeKeys.length];
    }

    @Override
    public void decode(byte[] payload, RecordOrigin origin, List<Decoded> out)
            throws RejectException, IOException {
        if (factory == null) {
            open();
        }
        this.out = out;
        this.origin = origin;
        this.base = out.size();
        pending.clear();
        resourceIndex = -1;
        scopeIndex = -1;
        itemIndex = -1;
        pointIndex = -1;
        dataKind = null;
        boolean logs = kind == PipelineKind.LOGS;
        String resourcesKey = logs ? "resourceLogs" : "resourceMetrics";
        String otherKey = logs ? "resourceMetrics" : "resourceLogs";
        boolean sawResources = false;
        boolean sawOther = false;
        try (JsonParser p = factory.createParser(payload)) {
            Payloads.startObject(p);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String f = p.currentName();
                JsonToken v = p.nextToken();
                if (f.equals(resourcesKey)) {
                    sawResources |= v != JsonToken.VALUE_NULL;
                    if (startArray(v, f)) {
                        while (nextElement(p, f)) {
                            resourceIndex++;
                            readResource(p);
                        }
                    }
                } else {
                    sawOther |= f.equals(otherKey);
                    p.skipChildren();
                }
            }
            Payloads.expectEnd(p);
        } finally {
            pending.clear();
            this.out = null;
        }
        if (out.size() == base) {
            String what = logs ? "log record" : "metric data point";
            throw new RejectException(
                    RejectReason.MISSING_FIELD,
                    sawOther
                            ? "this is an OTLP "
                                    + (logs ? "metrics" : "logs")
                                    + " request ('"
                                    + otherKey
                                    + "') but the pipeline has kind: "
                                    + (logs ? "logs" : "metrics")
                            : sawResources
                                    ? "the request holds no " + what
                                    : "no '" + resourcesKey + "' field; not an OTLP/JSON request");
        }
    }

    // ---- structure ------------------------------------------------------------------------

    private void readResource(JsonParser p) throws IOException, RejectException {
        Arrays.fill(resourceGroup, null);
        // Only metric series have an identity; log records skip what they do not group by.
        resourceIdentity = kind == PipelineKind.METRICS ? new ArrayList<>() : null;
        int start = out.size();
        scopeIndex = -1;
        String scopesKey = kind == PipelineKind.LOGS ? "scopeLogs" : "scopeMetrics";
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            JsonToken v = p.nextToken();
            if (f.equals("resource")) {
                if (startObject(v, "resource")) {
                    // Reported as the resource's, even after its scopes.
                    int scope = scopeIndex;
                    scopeIndex = -1;
                    readAttributeHolder(p, resourceGroup, "resource", resourceIdentity);
                    scopeIndex = scope;
                }
            } else if (f.equals(scopesKey)) {
                if (startArray(v, scopesKey)) {
                    while (nextElement(p, scopesKey)) {
                        scopeIndex++;
                        readScope(p);
                    }
                }
            } else {
                p.skipChildren();
            }
        }
        String resource = resourceIdentity == null ? "" : attributeIdentity(resourceIdentity);
        for (int i = start; i < out.size(); i++) {
            String[] g = pending.get(i - base);
            fillFrom(g, resourceGroup);
            for (int j = 0; j < g.length; j++) {
                if (g[j] == null) {
                    g[j] = GroupKey.MISSING;
                }
            }
            Decoded d = out.get(i);
            if (d.log != null) {
                d.log.key = GroupKey.join(Arrays.asList(g));
            } else {
                List<String> values = new ArrayList<>(g.length + 1);
                values.add(d.metric.name);
                values.addAll(Arrays.asList(g));
                d.metric.key = GroupKey.join(values);
                if (d.metric instanceof OtelPoint o && o.series != null) {
                    o.series = seriesId(resource, o.series);
                }
            }
        }
    }

    private void readScope(JsonParser p) throws IOException, RejectException {
        Arrays.fill(scopeGroup, null);
        scopeIdentity = kind == PipelineKind.METRICS ? new ArrayList<>() : null;
        int start = out.size();
        itemIndex = -1;
        boolean logs = kind == PipelineKind.LOGS;
        String itemsKey = logs ? "logRecords" : "metrics";
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            JsonToken v = p.nextToken();
            if (f.equals("scope")) {
                if (startObject(v, "scope")) {
                    int item = itemIndex;
                    itemIndex = -1;
                    readAttributeHolder(p, scopeGroup, "scope", scopeIdentity);
                    itemIndex = item;
                }
            } else if (f.equals(itemsKey)) {
                if (startArray(v, itemsKey)) {
                    while (nextElement(p, itemsKey)) {
                        itemIndex++;
                        if (logs) {
                            readLogRecord(p);
                        } else {
                            readMetric(p);
                        }
                    }
                }
            } else {
                p.skipChildren();
            }
        }
        String scope = scopeIdentity == null ? "" : attributeIdentity(scopeIdentity);
        for (int i = start; i < out.size(); i++) {
            fillFrom(pending.get(i - base), scopeGroup);
            if (out.get(i).metric instanceof OtelPoint o && o.series != null) {
                o.series = scope + o.series;
            }
        }
    }

    /**
     * A {@code Resource} or {@code InstrumentationScope}: its attributes (and a scope's name and
     * version, which with them identify a metric series) go into {@code identity}.
     */
    private void readAttributeHolder(
            JsonParser p, String[] slots, String where, List<String> identity)
            throws IOException, RejectException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            JsonToken v = p.nextToken();
            if (f.equals("attributes")) {
                readAttributes(p, v, slots, where, identity);
            } else if (identity != null
                    && (f.equals("name") || f.equals("version"))
                    && v == JsonToken.VALUE_STRING) {
                identity.add(" " + f + "=" + p.getText());
            } else {
                p.skipChildren();
            }
        }
    }

    /**
     * A list of {@code {key, value}}; keeps the values of the keys the pipeline groups by. {@code
     * owner} is "resource" or "scope", null for a log record's or data point's own attributes. With
     * {@code all}, every attribute goes there too as {@code key=value} (a metric series' identity);
     * without, values of other keys are skipped unread.
     */
    private void readAttributes(
            JsonParser p, JsonToken v, String[] slots, String owner, List<String> all)
            throws IOException, RejectException {
        String where = owner == null ? "attributes" : owner + ".attributes";
        if (!startArray(v, where)) {
            return;
        }
        while (nextElement(p, where)) {
            String key = null;
            String value = null;
            int valueKind = ANY_EMPTY;
            boolean wanted = true;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String f = p.currentName();
                JsonToken t = p.nextToken();
                if (f.equals("key")) {
                    if (t != JsonToken.VALUE_STRING) {
                        throw wrongType(where + "[].key", "a string", t);
                    }
                    key = p.getText();
                    wanted = all != null || slotOf(key) >= 0;
                } else if (f.equals("value") && wanted) {
                    // Usually the key comes first and unwanted values are skipped unread.
                    value = readAnyValue(p, t, all != null, where + "[].value");
                    valueKind = anyKind;
                } else {
                    p.skipChildren();
                }
            }
            if (key == null || valueKind == ANY_EMPTY) {
                continue;
            }
            if (all != null) {
                all.add(key + (valueKind == ANY_STRING ? "=" : "~") + value);
            }
            for (int j = 0; j < attributeKeys.length; j++) {
                if (slots[j] == null && attributeKeys[j].equals(key)) {
                    if (valueKind == ANY_CONTAINER) {
                        throw new RejectException(
                                RejectReason.WRONG_TYPE,
                                where()
                                        + ": attribute '"
                                        + key
                                        + "' (group field '"
                                        + groupBy[j]
                                        + "') must be a scalar, found an array or key-value list");
                    }
                    slots[j] = value;
                }
            }
        }
    }

    private int slotOf(String key) {
        for (int j = 0; j < attributeKeys.length; j++) {
            if (attributeKeys[j].equals(key)) {
                return j;
            }
        }
        return -1;
    }

    private static void fillFrom(String[] g, String[] from) {
        for (int j = 0; j < g.length; j++) {
            if (g[j] == null) {
                g[j] = from[j];
            }
        }
    }

    // ---- logs -----------------------------------------------------------------------------

    private void readLogRecord(JsonParser p) throws IOException, RejectException {
        String[] group = new String[attributeKeys.length];
        long time = 0;
        long observed = 0;
        long severity = 0;
        String severityText = null;
        String message = "";
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            JsonToken v = p.nextToken();
            switch (f) {
                case "timeUnixNano":
                    time = uint64(p, v, f, RejectReason.TIMESTAMP_OUT_OF_RANGE);
                    break;
                case "observedTimeUnixNano":
                    observed = uint64(p, v, f, RejectReason.TIMESTAMP_OUT_OF_RANGE);
                    break;
                case "severityNumber":
                    severity = severityNumber(p, v);
                    break;
                case "severityText":
                    if (v == JsonToken.VALUE_STRING) {
                        severityText = p.getText();
                    } else if (v != JsonToken.VALUE_NULL) {
                        throw wrongType(f, "a string", v);
                    }
                    break;
                case "body":
                    String body = readAnyValue(p, v, true, f);
                    message = body == null ? "" : body;
                    break;
                case "attributes":
                    readAttributes(p, v, group, null, null);
                    break;
                default:
                    p.skipChildren();
            }
        }
        long nanos = time != 0 ? time : observed;
        if (nanos == 0) {
            throw new RejectException(
                    RejectReason.MISSING_FIELD,
                    where() + ": neither timeUnixNano nor observedTimeUnixNano is set");
        }
        long ts = nanos / NANOS_PER_MILLI;
        Payloads.checkSkew(ts, origin, maxAgeMillis, maxFutureMillis);
        LogEvent e = new LogEvent(null, ts, level(severity, severityText), message);
        e.topic = origin.topic;
        e.partition = origin.partition;
        e.offset = origin.offset;
        out.add(Decoded.of(e));
        pending.add(group);
    }

    private Level level(long number, String text) throws RejectException {
        if (number != 0) {
            Level l = Level.fromSeverityNumber(number);
            if (l == null) {
                throw new RejectException(
                        RejectReason.UNKNOWN_LEVEL,
                        where() + ": severityNumber " + number + " is not 1-24");
            }
            return l;
        }
        if (text == null || text.isBlank()) {
            return Level.INFO;
        }
        Level l = Level.parse(text);
        if (l == null) {
            throw new RejectException(
                    RejectReason.UNKNOWN_LEVEL,
                    where()
                            + ": severityText \""
                            + Timestamps.abbreviate(text)
                            + "\" is not a known level and severityNumber is not set");
        }
        return l;
    }

    /** The enum as a number (the OTLP/JSON rule) or, leniently, as its protobuf name. */
    private long severityNumber(JsonParser p, JsonToken v) throws IOException, RejectException {
        if (v == JsonToken.VALUE_STRING) {
            String s = p.getText().trim().toUpperCase(Locale.ROOT);
            if (s.startsWith("SEVERITY_NUMBER_")) {
                String name = s.substring("SEVERITY_NUMBER_".length());
                if (name.equals("UNSPECIFIED")) {
                    return 0;
                }
                int step = 1;
                char last = name.isEmpty() ? ' ' : name.charAt(name.length() - 1);
                if (last >= '2' && last <= '4') {
                    step = last - '0';
                    name = name.substring(0, name.length() - 1);
                }
                for (Level l : Level.values()) {
                    if (l.name().equals(name)) {
                        return l.ordinal() * 4L + step;
                    }
                }
            }
        }
        return uint64(p, v, "severityNumber", RejectReason.UNKNOWN_LEVEL);
    }

    // ---- metrics --------------------------------------------------------------------------

    private void readMetric(JsonParser p) throws IOException, RejectException {
        int start = out.size();
        String name = null;
        String unit = "";
        String type = "";
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            JsonToken v = p.nextToken();
            switch (f) {
                case "name":
                    if (v == JsonToken.VALUE_STRING) {
                        name = p.getText();
                    } else if (v != JsonToken.VALUE_NULL) {
                        throw wrongType("name", "a string", v);
                    }
                    break;
                case "unit":
                    if (v == JsonToken.VALUE_STRING) {
                        unit = p.getText();
                    } else if (v != JsonToken.VALUE_NULL) {
                        throw wrongType("unit", "a string", v);
                    }
                    break;
                case "gauge":
                case "sum":
                case "histogram":
                case "exponentialHistogram":
                case "summary":
                    readPoints(p, v, f);
                    type = f;
                    break;
                default:
                    p.skipChildren();
            }
        }
        dataKind = null;
        pointIndex = -1;
        if (name == null || name.isEmpty()) {
            throw new RejectException(RejectReason.MISSING_FIELD, where() + ": no metric 'name'");
        }
        // Points were emitted before the name was known (field order is free): they hold only
        // their suffix so far, and a cumulative one only its own attributes as its series.
        for (int i = start; i < out.size(); i++) {
            MetricPoint m = out.get(i).metric;
            m.name = name + m.name;
            if (m instanceof OtelPoint o && o.series != null) {
                StringBuilder id = new StringBuilder();
                part(id, name);
                part(id, unit);
                part(id, type);
                o.series = id.append(o.series).toString();
            }
        }
    }

    /**
     * The {@code gauge}/{@code sum}/... object: its {@code dataPoints}, then, once the whole object
     * is read (its fields come in any order), what its temporality makes of them.
     */
    private void readPoints(JsonParser p, JsonToken v, String type)
            throws IOException, RejectException {
        if (!startObject(v, type)) {
            return;
        }
        dataKind = type;
        pointIndex = -1;
        int start = out.size();
        long temporality = TEMPORALITY_UNSPECIFIED;
        boolean monotonic = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            JsonToken t = p.nextToken();
            switch (f) {
                case "dataPoints":
                    if (startArray(t, f)) {
                        while (nextElement(p, type + ".dataPoints")) {
                            pointIndex++;
                            readPoint(p, type);
                        }
                    }
                    break;
                case "aggregationTemporality":
                    pointIndex = -1;
                    temporality = temporality(p, t);
                    break;
                case "isMonotonic":
                    if (t == JsonToken.VALUE_TRUE || t == JsonToken.VALUE_FALSE) {
                        monotonic = t == JsonToken.VALUE_TRUE;
                    } else if (t != JsonToken.VALUE_NULL) {
                        pointIndex = -1;
                        throw wrongType(f, "a boolean", t);
                    }
                    break;
                default:
                    p.skipChildren();
            }
        }
        // A summary's count and sum are cumulative by definition (it has no temporality field).
        boolean cumulative = temporality == TEMPORALITY_CUMULATIVE || type.equals("summary");
        int end = out.size();
        for (int i = start; i < end; i++) {
            Decoded d = out.get(i);
            if (!(d.metric instanceof OtelPoint o)) {
                continue;
            }
            if (o.kind == OtelPoint.SUM) {
                if (!(cumulative && monotonic)) {
                    // A delta is a value as it is; a non-monotonic cumulative sum (an
                    // UpDownCounter) is a level, read like a gauge, as Prometheus does.
                    d.metric = plain(o);
                }
            } else if (!cumulative) {
                o.series = null;
                String[] group = pending.get(i - base);
                if (o.count == 0) {
                    // Nothing observed: no distribution, but the companions say so, as before.
                    d.metric = plain(o);
                    d.metric.name = ".count";
                    d.metric.value = 0;
                    if (!Double.isNaN(o.sum)) {
                        emit(".sum", o.timestamp, o.sum, group);
                    }
                } else {
                    emitCompanions(o, group);
                }
            }
        }
        dataKind = null;
        pointIndex = -1;
    }

    /** {@code aggregationTemporality}: the enum as a number or, leniently, as its name. */
    private long temporality(JsonParser p, JsonToken t) throws IOException, RejectException {
        if (t == JsonToken.VALUE_STRING) {
            String s = p.getText().trim().toUpperCase(Locale.ROOT);
            if (s.endsWith("_CUMULATIVE") || s.equals("CUMULATIVE")) {
                return TEMPORALITY_CUMULATIVE;
            }
            if (s.endsWith("_DELTA") || s.equals("DELTA")) {
                return TEMPORALITY_DELTA;
            }
            if (s.endsWith("_UNSPECIFIED")) {
                return TEMPORALITY_UNSPECIFIED;
            }
        }
        return uint64(p, t, "aggregationTemporality", RejectReason.WRONG_TYPE);
    }

    /** The distribution's {@code <name>.count} and {@code <name>.sum}, after the point itself. */
    private void emitCompanions(OtelPoint o, String[] group) {
        emit(".count", o.timestamp, (double) o.count, group);
        if (!Double.isNaN(o.sum)) {
            emit(".sum", o.timestamp, o.sum, group);
        }
    }

    /** The point as a plain one (same name suffix, time, value and origin). */
    private static MetricPoint plain(OtelPoint o) {
        return new MetricPoint(null, o.name, o.timestamp, o.value).withOriginOf(o);
    }

    private void readPoint(JsonParser p, String type) throws IOException, RejectException {
        boolean gauge = type.equals("gauge");
        boolean scalar = gauge || type.equals("sum");
        boolean summary = type.equals("summary");
        boolean exponential = type.equals("exponentialHistogram");
        String[] group = new String[attributeKeys.length];
        List<String> attributes = gauge ? null : new ArrayList<>();
        long time = 0;
        long start = 0;
        long flags = 0;
        Double value = null;
        long count = 0;
        // Summary's sum is a plain double, so proto3 leaves it out when 0; histograms mark an
        // unknown sum by leaving it out.
        Double sum = summary ? 0.0 : null;
        Double min = null;
        Double max = null;
        double[] bounds = null;
        long[] bucketCounts = null;
        long scale = 0;
        long zeroCount = 0;
        double zeroThreshold = 0;
        Buckets positive = null;
        Buckets negative = null;
        double[][] quantiles = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            JsonToken v = p.nextToken();
            switch (f) {
                case "timeUnixNano":
                    time = uint64(p, v, f, RejectReason.TIMESTAMP_OUT_OF_RANGE);
                    break;
                case "startTimeUnixNano":
                    start = gauge ? skip(p) : uint64(p, v, f, RejectReason.WRONG_TYPE);
                    break;
                case "flags":
                    flags = uint64(p, v, f, RejectReason.WRONG_TYPE);
                    break;
                case "attributes":
                    readAttributes(p, v, group, null, attributes);
                    break;
                case "asDouble":
                    value = scalar ? asDouble(p, v, f) : skipped(p);
                    break;
                case "asInt":
                    value = scalar ? asInt(p, v, f) : skipped(p);
                    break;
                case "count":
                    count = scalar ? skip(p) : uint64(p, v, f, RejectReason.WRONG_TYPE);
                    break;
                case "sum":
                    if (!scalar) {
                        Double s = asDouble(p, v, f);
                        sum = s != null ? s : sum;
                    } else {
                        p.skipChildren();
                    }
                    break;
                case "min":
                    min = scalar || summary ? skipped(p) : asDouble(p, v, f);
                    break;
                case "max":
                    max = scalar || summary ? skipped(p) : asDouble(p, v, f);
                    break;
                case "bucketCounts":
                    bucketCounts = type.equals("histogram") ? uint64s(p, v, f) : skippedArray(p);
                    break;
                case "explicitBounds":
                    bounds = type.equals("histogram") ? doubles(p, v, f) : skippedDoubles(p);
                    break;
                case "scale":
                    scale = exponential ? int32(p, v, f) : skip(p);
                    break;
                case "zeroCount":
                    zeroCount = exponential ? uint64(p, v, f, RejectReason.WRONG_TYPE) : skip(p);
                    break;
                case "zeroThreshold":
                    Double z = exponential ? asDouble(p, v, f) : skipped(p);
                    zeroThreshold = z != null ? z : 0;
                    break;
                case "positive":
                    positive = exponential ? buckets(p, v, f) : skippedBuckets(p);
                    break;
                case "negative":
                    negative = exponential ? buckets(p, v, f) : skippedBuckets(p);
                    break;
                case "quantileValues":
                    quantiles = summary ? quantiles(p, v, f) : skippedQuantiles(p);
                    break;
                default:
                    p.skipChildren();
            }
        }
        if ((flags & FLAG_NO_RECORDED_VALUE) != 0) {
            return;
        }
        if (time == 0) {
            throw new RejectException(RejectReason.MISSING_FIELD, where() + ": no timeUnixNano");
        }
        long ts = time / NANOS_PER_MILLI;
        Payloads.checkSkew(ts, origin, maxAgeMillis, maxFutureMillis);
        if (scalar && value == null) {
            throw new RejectException(
                    RejectReason.MISSING_FIELD, where() + ": neither asDouble nor asInt");
        }
        if (gauge) {
            emit("", ts, value, group);
            return;
        }
        OtelPoint o = new OtelPoint();
        o.name = "";
        o.timestamp = ts;
        o.timeNanos = time;
        o.startTimeNanos = start;
        o.topic = origin.topic;
        o.partition = origin.partition;
        o.offset = origin.offset;
        o.series = attributeIdentity(attributes);
        if (scalar) {
            o.kind = OtelPoint.SUM;
            o.value = value;
        } else {
            o.count = count;
            o.sum = sum == null ? Double.NaN : sum;
            o.min = min == null ? Double.NaN : min;
            o.max = max == null ? Double.NaN : max;
            if (summary) {
                o.kind = OtelPoint.SUMMARY;
                o.quantiles = quantiles == null ? new double[0] : quantiles[0];
                o.quantileValues = quantiles == null ? new double[0] : quantiles[1];
            } else {
                o.kind = OtelPoint.HISTOGRAM;
                if (exponential) {
                    exponentialBuckets(o, scale, zeroCount, zeroThreshold, positive, negative);
                } else {
                    explicitBuckets(o, bounds, bucketCounts);
                }
            }
            o.value = count > 0 && !Double.isNaN(o.sum) ? o.sum / count : 0;
        }
        out.add(Decoded.of(o));
        pending.add(group);
    }

    /** An explicit-bounds histogram's non-empty buckets; checks the layout and the count. */
    private void explicitBuckets(OtelPoint o, double[] bounds, long[] bucketCounts)
            throws RejectException {
        int n = bucketCounts == null ? 0 : bucketCounts.length;
        int b = bounds == null ? 0 : bounds.length;
        if (n == 0) {
            // "No buckets" is allowed: count, sum, min and max are all there is.
            setBuckets(o, new double[0], new double[0], new long[0]);
            return;
        }
        if (n != b + 1) {
            throw new RejectException(
                    RejectReason.WRONG_TYPE,
                    where()
                            + ": "
                            + n
                            + " bucketCounts for "
                            + b
                            + " explicitBounds (must be one more)");
        }
        for (int i = 1; i < b; i++) {
            if (!(bounds[i] > bounds[i - 1])) {
                throw new RejectException(
                        RejectReason.WRONG_TYPE,
                        where()
                                + ": explicitBounds must increase, found "
                                + Arrays.toString(bounds));
            }
        }
        int used = 0;
        long total = 0;
        for (long c : bucketCounts) {
            used += c > 0 ? 1 : 0;
            total += c;
        }
        checkTotal(o.count, total, "the bucketCounts");
        double[] lower = new double[used];
        double[] upper = new double[used];
        long[] counts = new long[used];
        int k = 0;
        for (int i = 0; i < n; i++) {
            if (bucketCounts[i] > 0) {
                lower[k] = i == 0 ? Double.NEGATIVE_INFINITY : bounds[i - 1];
                upper[k] = i == b ? Double.POSITIVE_INFINITY : bounds[i];
                counts[k++] = bucketCounts[i];
            }
        }
        setBuckets(o, lower, upper, counts);
    }

    /**
     * An exponential histogram's non-empty buckets, ascending: negative ones (largest index first),
     * the zero bucket [-zeroThreshold, zeroThreshold], positive ones. Bucket {@code i} of scale
     * {@code s} is (2^(i/2^s), 2^((i+1)/2^s)]; the exponent is computed exactly, so a bound is the
     * same double at every scale that has it (a downscaled layout contains the old one).
     */
    private void exponentialBuckets(
            OtelPoint o,
            long scale,
            long zeroCount,
            double zeroThreshold,
            Buckets positive,
            Buckets negative)
            throws RejectException {
        if (scale < -10 || scale > 20) {
            throw new RejectException(
                    RejectReason.WRONG_TYPE, where() + ": scale " + scale + " is not in -10..20");
        }
        int used = (zeroCount > 0 ? 1 : 0) + used(positive) + used(negative);
        double[] lower = new double[used];
        double[] upper = new double[used];
        long[] counts = new long[used];
        long total = zeroCount;
        int k = 0;
        if (negative != null) {
            for (int i = negative.counts.length - 1; i >= 0; i--) {
                long c = negative.counts[i];
                if (c > 0) {
                    long index = negative.offset + i;
                    lower[k] = -bound(index + 1, (int) scale);
                    upper[k] = -bound(index, (int) scale);
                    counts[k++] = c;
                    total += c;
                }
            }
        }
        if (zeroCount > 0) {
            lower[k] = -Math.abs(zeroThreshold);
            upper[k] = Math.abs(zeroThreshold);
            counts[k++] = zeroCount;
        }
        if (positive != null) {
            for (int i = 0; i < positive.counts.length; i++) {
                long c = positive.counts[i];
                if (c > 0) {
                    long index = positive.offset + i;
                    lower[k] = bound(index, (int) scale);
                    upper[k] = bound(index + 1, (int) scale);
                    counts[k++] = c;
                    total += c;
                }
            }
        }
        checkTotal(o.count, total, "zeroCount and the bucketCounts");
        setBuckets(o, lower, upper, counts);
    }

    private static int used(Buckets b) {
        int used = 0;
        if (b != null) {
            for (long c : b.counts) {
                used += c > 0 ? 1 : 0;
            }
        }
        return used;
    }

    /** 2^(index / 2^scale), the lower bound of positive bucket {@code index}. */
    static double bound(long index, int scale) {
        return Math.pow(2.0, Math.scalb((double) index, -scale));
    }

    private void checkTotal(long count, long total, String what) throws RejectException {
        if (count != total) {
            throw new RejectException(
                    RejectReason.WRONG_TYPE,
                    where()
                            + ": count "
                            + count
                            + " is not the sum of "
                            + what
                            + " ("
                            + total
                            + ")");
        }
    }

    private static void setBuckets(OtelPoint o, double[] lower, double[] upper, long[] counts) {
        o.lower = lower;
        o.upper = upper;
        o.counts = counts;
    }

    /** An exponential histogram's {@code positive} or {@code negative}. */
    private static final class Buckets {
        long offset;
        long[] counts = new long[0];
    }

    private Buckets buckets(JsonParser p, JsonToken v, String field)
            throws IOException, RejectException {
        if (!startObject(v, field)) {
            return null;
        }
        Buckets b = new Buckets();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            JsonToken t = p.nextToken();
            if (f.equals("offset")) {
                b.offset = int32(p, t, field + ".offset");
            } else if (f.equals("bucketCounts")) {
                long[] counts = uint64s(p, t, field + ".bucketCounts");
                b.counts = counts == null ? new long[0] : counts;
            } else {
                p.skipChildren();
            }
        }
        return b;
    }

    /** A summary's {@code quantileValues}, sorted by quantile: {quantiles, values}. */
    private double[][] quantiles(JsonParser p, JsonToken v, String field)
            throws IOException, RejectException {
        if (!startArray(v, field)) {
            return null;
        }
        List<double[]> pairs = new ArrayList<>();
        while (nextElement(p, field)) {
            double quantile = 0;
            double value = 0;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String f = p.currentName();
                JsonToken t = p.nextToken();
                if (f.equals("quantile")) {
                    Double q = asDouble(p, t, field + "[].quantile");
                    quantile = q == null ? 0 : q;
                } else if (f.equals("value")) {
                    Double x = asDouble(p, t, field + "[].value");
                    value = x == null ? 0 : x;
                } else {
                    p.skipChildren();
                }
            }
            if (quantile < 0 || quantile > 1) {
                throw new RejectException(
                        RejectReason.WRONG_TYPE,
                        where() + ": quantile " + quantile + " is not in [0, 1]");
            }
            pairs.add(new double[] {quantile, value});
        }
        pairs.sort((a, b) -> Double.compare(a[0], b[0]));
        double[][] result = new double[2][pairs.size()];
        for (int i = 0; i < pairs.size(); i++) {
            result[0][i] = pairs.get(i)[0];
            result[1][i] = pairs.get(i)[1];
        }
        return result;
    }

    /** An array of unsigned 64-bit integers (decimal strings or numbers); null for null. */
    private long[] uint64s(JsonParser p, JsonToken v, String field)
            throws IOException, RejectException {
        if (!startArray(v, field)) {
            return null;
        }
        long[] values = new long[8];
        int n = 0;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (n == values.length) {
                values = Arrays.copyOf(values, n * 2);
            }
            values[n++] = uint64(p, t, field + "[]", RejectReason.WRONG_TYPE);
        }
        return Arrays.copyOf(values, n);
    }

    /** An array of finite doubles; null for null. */
    private double[] doubles(JsonParser p, JsonToken v, String field)
            throws IOException, RejectException {
        if (!startArray(v, field)) {
            return null;
        }
        double[] values = new double[8];
        int n = 0;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (n == values.length) {
                values = Arrays.copyOf(values, n * 2);
            }
            Double d = asDouble(p, t, field + "[]");
            if (d == null) {
                throw wrongType(field + "[]", "a number", t);
            }
            values[n++] = d;
        }
        return Arrays.copyOf(values, n);
    }

    /** A signed 32-bit integer (a number, or a decimal string as lenient readers accept). */
    private long int32(JsonParser p, JsonToken v, String field)
            throws IOException, RejectException {
        Double d = asInt(p, v, field);
        if (d == null) {
            return 0;
        }
        if (d < Integer.MIN_VALUE || d > Integer.MAX_VALUE) {
            throw new RejectException(
                    RejectReason.WRONG_TYPE,
                    where() + ": '" + field + "' " + d.longValue() + " is not a 32-bit integer");
        }
        return d.longValue();
    }

    // Fields a point of another type does not read: skipped unchecked, as unknown fields are.

    private static long skip(JsonParser p) throws IOException {
        p.skipChildren();
        return 0;
    }

    private static Double skipped(JsonParser p) throws IOException {
        p.skipChildren();
        return null;
    }

    private static long[] skippedArray(JsonParser p) throws IOException {
        p.skipChildren();
        return null;
    }

    private static double[] skippedDoubles(JsonParser p) throws IOException {
        p.skipChildren();
        return null;
    }

    private static Buckets skippedBuckets(JsonParser p) throws IOException {
        p.skipChildren();
        return null;
    }

    private static double[][] skippedQuantiles(JsonParser p) throws IOException {
        p.skipChildren();
        return null;
    }

    /**
     * A point's own attributes as part of its series identity: every key and value, sorted, so that
     * their order in the request does not matter. Null for a gauge point (no series).
     */
    private static String attributeIdentity(List<String> attributes) {
        if (attributes == null) {
            return null;
        }
        attributes.sort(null);
        StringBuilder b = new StringBuilder();
        part(b, Integer.toString(attributes.size()));
        for (String a : attributes) {
            part(b, a);
        }
        return b.toString();
    }

    /** Appends one length-prefixed part, so that no two different lists give the same text. */
    private static void part(StringBuilder b, String s) {
        b.append(s.length()).append(':').append(s);
    }

    /**
     * The series id of a cumulative point, once its resource is read: a 128-bit hash (SHA-256, cut)
     * of everything that identifies it, as text. Hashed so that state keys stay short however many
     * resource attributes a Kubernetes pod has.
     */
    private String seriesId(String resource, String series) {
        if (digest == null) {
            try {
                digest = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every JVM has SHA-256", e);
            }
        }
        digest.update(resource.getBytes(StandardCharsets.UTF_8));
        byte[] hash = digest.digest(series.getBytes(StandardCharsets.UTF_8));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(hash, 16));
    }

    private void emit(String suffix, long ts, double value, String[] group) {
        MetricPoint m = new MetricPoint(null, suffix, ts, value);
        m.topic = origin.topic;
        m.partition = origin.partition;
        m.offset = origin.offset;
        out.add(Decoded.of(m));
        // Points of one histogram share the array: filling it in is the same for each.
        pending.add(group);
    }

    // ---- scalars --------------------------------------------------------------------------

    /**
     * An unsigned 64-bit integer: protobuf JSON writes it as a decimal string, readers also accept
     * a number. Absent or null is 0, the proto3 default. Values past a signed long (year 2262 as
     * nanoseconds) are rejected with {@code tooLarge}.
     */
    private long uint64(JsonParser p, JsonToken v, String field, RejectReason tooLarge)
            throws IOException, RejectException {
        if (v == JsonToken.VALUE_NULL) {
            return 0;
        }
        if (v == JsonToken.VALUE_NUMBER_INT) {
            JsonParser.NumberType type = p.getNumberType();
            if (type == JsonParser.NumberType.BIG_INTEGER) {
                throw new RejectException(
                        tooLarge, where() + ": '" + field + "' " + p.getText() + " is too large");
            }
            long n = p.getLongValue();
            if (n < 0) {
                throw new RejectException(
                        RejectReason.WRONG_TYPE,
                        where() + ": '" + field + "' " + n + " must not be negative");
            }
            return n;
        }
        if (v == JsonToken.VALUE_STRING) {
            String s = p.getText().trim();
            if (!s.isEmpty() && s.length() <= 19 && isDigits(s)) {
                try {
                    return Long.parseLong(s);
                } catch (NumberFormatException e) {
                    // 19 digits past Long.MAX_VALUE: reported as too large below.
                }
            }
            if (!s.isEmpty() && isDigits(s)) {
                throw new RejectException(
                        tooLarge,
                        where()
                                + ": '"
                                + field
                                + "' "
                                + Timestamps.abbreviate(s)
                                + " is too large");
            }
            throw new RejectException(
                    RejectReason.WRONG_TYPE,
                    where()
                            + ": '"
                            + field
                            + "' must be an unsigned integer, found \""
                            + Timestamps.abbreviate(s)
                            + "\"");
        }
        throw wrongType(field, "an unsigned integer (decimal string)", v);
    }

    /** A double: a JSON number, or a string ("NaN", "Infinity" and numbers) as protobuf allows. */
    private Double asDouble(JsonParser p, JsonToken v, String field)
            throws IOException, RejectException {
        double d;
        if (v == JsonToken.VALUE_NULL) {
            return null;
        } else if (v == JsonToken.VALUE_NUMBER_INT || v == JsonToken.VALUE_NUMBER_FLOAT) {
            d = p.getDoubleValue();
        } else if (v == JsonToken.VALUE_STRING) {
            String s = p.getText().trim();
            if (s.equals("NaN") || s.equals("Infinity") || s.equals("-Infinity")) {
                d = Double.NaN;
            } else if (isJsonNumber(s)) {
                d = Double.parseDouble(s);
            } else {
                throw new RejectException(
                        RejectReason.WRONG_TYPE,
                        where()
                                + ": '"
                                + field
                                + "' must be a number, found \""
                                + Timestamps.abbreviate(s)
                                + "\"");
            }
        } else {
            throw wrongType(field, "a number", v);
        }
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            throw new RejectException(
                    RejectReason.NON_FINITE_NUMBER,
                    where() + ": '" + field + "' is " + (Double.isNaN(d) ? "NaN" : "infinite"));
        }
        return d;
    }

    /** A signed 64-bit integer: decimal string or number. */
    private Double asInt(JsonParser p, JsonToken v, String field)
            throws IOException, RejectException {
        if (v == JsonToken.VALUE_NULL) {
            return null;
        }
        if (v == JsonToken.VALUE_NUMBER_INT) {
            return p.getDoubleValue();
        }
        if (v == JsonToken.VALUE_STRING) {
            String s = p.getText().trim();
            String digits = s.startsWith("-") ? s.substring(1) : s;
            if (!digits.isEmpty() && digits.length() <= 19 && isDigits(digits)) {
                try {
                    return (double) Long.parseLong(s);
                } catch (NumberFormatException e) {
                    // Out of int64 range: reported below.
                }
            }
            throw new RejectException(
                    RejectReason.WRONG_TYPE,
                    where()
                            + ": '"
                            + field
                            + "' must be a 64-bit integer, found \""
                            + Timestamps.abbreviate(s)
                            + "\"");
        }
        throw wrongType(field, "an integer (decimal string)", v);
    }

    /**
     * An {@code AnyValue} object as text: strings as they are, other scalars as JSON would write
     * them, arrays and key-value lists as compact JSON when {@code render} (a log body) or not at
     * all (an attribute, which only a group field reads). Sets {@link #anyKind}.
     */
    private String readAnyValue(JsonParser p, JsonToken v, boolean render, String field)
            throws IOException, RejectException {
        anyKind = ANY_EMPTY;
        if (v == JsonToken.VALUE_NULL) {
            return null;
        }
        if (v != JsonToken.START_OBJECT) {
            throw wrongType(field, "an AnyValue object like {\"stringValue\":...}", v);
        }
        String text = null;
        int kindFound = ANY_EMPTY;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            JsonToken t = p.nextToken();
            if (t == JsonToken.VALUE_NULL) {
                continue;
            }
            switch (f) {
                case "stringValue":
                case "bytesValue":
                    if (t != JsonToken.VALUE_STRING) {
                        throw wrongType(field + "." + f, "a string", t);
                    }
                    text = p.getText();
                    kindFound = ANY_STRING;
                    break;
                case "boolValue":
                    if (t != JsonToken.VALUE_TRUE && t != JsonToken.VALUE_FALSE) {
                        throw wrongType(field + "." + f, "a boolean", t);
                    }
                    text = t == JsonToken.VALUE_TRUE ? "true" : "false";
                    kindFound = ANY_SCALAR;
                    break;
                case "intValue":
                    asInt(p, t, field + "." + f); // validates; the text is kept as written
                    text = p.getText().trim();
                    kindFound = ANY_SCALAR;
                    break;
                case "doubleValue":
                    if (t == JsonToken.VALUE_NUMBER_INT
                            || t == JsonToken.VALUE_NUMBER_FLOAT
                            || t == JsonToken.VALUE_STRING) {
                        // As written: an attribute or body keeps NaN; only metric values must be
                        // finite.
                        text = p.getText().trim();
                    } else {
                        throw wrongType(field + "." + f, "a number", t);
                    }
                    kindFound = t == JsonToken.VALUE_STRING ? ANY_STRING : ANY_SCALAR;
                    break;
                case "arrayValue":
                case "kvlistValue":
                    if (t != JsonToken.START_OBJECT) {
                        throw wrongType(field + "." + f, "an object with 'values'", t);
                    }
                    text = render ? renderContainer(p, f.equals("kvlistValue"), field) : null;
                    if (!render) {
                        p.skipChildren();
                    }
                    kindFound = ANY_CONTAINER;
                    break;
                default:
                    p.skipChildren();
            }
        }
        anyKind = kindFound;
        return text;
    }

    /** {@code {"values":[...]}} of an array or key-value list, as compact JSON. */
    private String renderContainer(JsonParser p, boolean kvlist, String field)
            throws IOException, RejectException {
        StringBuilder sb = new StringBuilder();
        sb.append(kvlist ? '{' : '[');
        boolean first = true;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            JsonToken t = p.nextToken();
            if (!f.equals("values")) {
                p.skipChildren();
                continue;
            }
            if (!startArray(t, field + ".values")) {
                continue;
            }
            while (nextElement(p, field + ".values")) {
                if (!first) {
                    sb.append(',');
                }
                first = false;
                if (kvlist) {
                    String key = "";
                    String value = "null";
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String kf = p.currentName();
                        JsonToken kt = p.nextToken();
                        if (kf.equals("key") && kt == JsonToken.VALUE_STRING) {
                            key = p.getText();
                        } else if (kf.equals("value")) {
                            value = rendered(readAnyValue(p, kt, true, field + ".values"));
                        } else {
                            p.skipChildren();
                        }
                    }
                    quote(sb, key).append(':').append(value);
                } else {
                    sb.append(rendered(readAnyValue(p, JsonToken.START_OBJECT, true, field)));
                }
            }
        }
        return sb.append(kvlist ? '}' : ']').toString();
    }

    /** A nested value as JSON, after {@link #readAnyValue}. */
    private String rendered(String text) {
        switch (anyKind) {
            case ANY_EMPTY:
                return "null";
            case ANY_STRING:
                return quote(new StringBuilder(), text).toString();
            default:
                return text;
        }
    }

    private static StringBuilder quote(StringBuilder sb, String s) {
        sb.append('"');
        JsonStringEncoder.getInstance().quoteAsString(s, sb);
        return sb.append('"');
    }

    // ---- helpers --------------------------------------------------------------------------

    /** True at an object to read; false for null (absent); rejects any other type. */
    private boolean startObject(JsonToken v, String field) throws RejectException {
        if (v == JsonToken.START_OBJECT) {
            return true;
        }
        if (v == JsonToken.VALUE_NULL) {
            return false;
        }
        throw wrongType(field, "an object", v);
    }

    private boolean startArray(JsonToken v, String field) throws RejectException {
        if (v == JsonToken.START_ARRAY) {
            return true;
        }
        if (v == JsonToken.VALUE_NULL) {
            return false;
        }
        throw wrongType(field, "an array", v);
    }

    /** Moves to the next element of an array of objects; false at its end. */
    private boolean nextElement(JsonParser p, String field) throws IOException, RejectException {
        JsonToken t = p.nextToken();
        if (t == JsonToken.END_ARRAY) {
            return false;
        }
        if (t != JsonToken.START_OBJECT) {
            throw wrongType(field + "[]", "an object", t);
        }
        return true;
    }

    private RejectException wrongType(String field, String expected, JsonToken found) {
        return new RejectException(
                RejectReason.WRONG_TYPE,
                where()
                        + ": '"
                        + field
                        + "' must be "
                        + expected
                        + ", found "
                        + Payloads.typeOf(found));
    }

    /** Where in the request the parser is, for reject details. */
    private String where() {
        boolean logs = kind == PipelineKind.LOGS;
        StringBuilder sb = new StringBuilder(logs ? "resourceLogs" : "resourceMetrics");
        if (resourceIndex < 0) {
            return "request";
        }
        sb.append('[').append(resourceIndex).append(']');
        if (scopeIndex >= 0) {
            sb.append(logs ? ".scopeLogs[" : ".scopeMetrics[").append(scopeIndex).append(']');
            if (itemIndex >= 0) {
                sb.append(logs ? ".logRecords[" : ".metrics[").append(itemIndex).append(']');
                if (dataKind != null && pointIndex >= 0) {
                    sb.append('.').append(dataKind).append(".dataPoints[");
                    sb.append(pointIndex).append(']');
                }
            }
        }
        return sb.toString();
    }

    private static boolean isDigits(String s) {
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch < '0' || ch > '9') {
                return false;
            }
        }
        return true;
    }

    /** JSON number syntax, so Java-only forms ("0x1p3", "1d") are not taken as numbers. */
    private static boolean isJsonNumber(String s) {
        return s.matches("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");
    }
}
