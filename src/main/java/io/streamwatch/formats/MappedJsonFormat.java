package io.streamwatch.formats;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.streamwatch.config.LimitsConfig;
import io.streamwatch.config.PipelineKind;
import io.streamwatch.records.Decoded;
import io.streamwatch.records.GroupKey;
import io.streamwatch.records.Level;
import io.streamwatch.records.LogEvent;
import io.streamwatch.records.MetricPoint;
import io.streamwatch.records.RejectReason;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Input formats whose records are one flat-or-nested JSON object per event, with the fields at
 * known paths: the {@code streamwatch} and {@code ecs} presets, and any custom mapping. Parses each
 * record once, streaming, reading only the mapped paths.
 *
 * <p>Required: the timestamp; for metrics also the name and a finite numeric value. A missing level
 * counts as INFO, a missing message as empty, a missing group field as {@value GroupKey#MISSING}.
 */
public final class MappedJsonFormat implements InputFormat {
    private static final long serialVersionUID = 1L;

    private final PipelineKind kind;
    private final List<String> groupPaths = new ArrayList<>();
    private final String timestampPath;
    private final String levelPath;
    private final String messagePath;
    private final String namePath;
    private final String valuePath;
    private final long maxAgeMillis;
    private final long maxFutureMillis;

    private transient JsonFactory factory;
    private transient JsonPathExtractor extractor;
    private transient List<String> groupValues;

    // Capture slots, in the order the paths are registered in open().
    private static final int TS = 0;
    private static final int LEVEL_OR_NAME = 1;
    private static final int MESSAGE_OR_VALUE = 2;
    private static final int FIRST_GROUP = 3;

    public MappedJsonFormat(
            PipelineKind kind, FieldMapping mapping, List<String> groupBy, LimitsConfig limits) {
        this.kind = kind;
        for (String g : groupBy) {
            groupPaths.add(mapping.pathOf(g));
        }
        this.timestampPath = mapping.pathOf(FieldMapping.TIMESTAMP);
        this.levelPath = mapping.pathOf(FieldMapping.LEVEL);
        this.messagePath = mapping.pathOf(FieldMapping.MESSAGE);
        this.namePath = mapping.pathOf(FieldMapping.NAME);
        this.valuePath = mapping.pathOf(FieldMapping.VALUE);
        this.maxAgeMillis = limits.maxEventAge().toMillis();
        this.maxFutureMillis = limits.maxEventFuture().toMillis();
    }

    @Override
    public void open() {
        factory = Json.inputFactoryWithoutDuplicateDetection();
        List<String> paths = new ArrayList<>();
        paths.add(timestampPath);
        if (kind == PipelineKind.LOGS) {
            paths.add(levelPath);
            paths.add(messagePath);
        } else {
            paths.add(namePath);
            paths.add(valuePath);
        }
        paths.addAll(groupPaths);
        extractor = new JsonPathExtractor(paths);
        groupValues = new ArrayList<>(groupPaths.size() + 1);
    }

    @Override
    public void decode(byte[] payload, RecordOrigin origin, List<Decoded> out)
            throws RejectException, IOException {
        if (factory == null) {
            open();
        }
        Capture[] c;
        try (JsonParser p = factory.createParser(payload)) {
            Payloads.startObject(p);
            c = extractor.extract(p);
            Payloads.expectEnd(p);
        }
        long ts = Timestamps.read(c[TS], timestampPath, 1L);
        Payloads.checkSkew(ts, origin, maxAgeMillis, maxFutureMillis);
        groupValues.clear();
        if (kind == PipelineKind.METRICS) {
            String name = requiredText(c[LEVEL_OR_NAME], namePath);
            double value = number(c[MESSAGE_OR_VALUE], valuePath);
            groupValues.add(name);
            addGroupValues(c);
            MetricPoint m = new MetricPoint(GroupKey.join(groupValues), name, ts, value);
            m.topic = origin.topic;
            m.partition = origin.partition;
            m.offset = origin.offset;
            out.add(Decoded.of(m));
        } else {
            Level level = level(c[LEVEL_OR_NAME]);
            Capture msg = c[MESSAGE_OR_VALUE];
            if (msg.isContainer()) {
                throw new RejectException(
                        RejectReason.WRONG_TYPE,
                        "'" + messagePath + "' must be text, found " + msg.token);
            }
            String message = msg.present() ? msg.asText() : "";
            addGroupValues(c);
            LogEvent e = new LogEvent(GroupKey.join(groupValues), ts, level, message);
            e.topic = origin.topic;
            e.partition = origin.partition;
            e.offset = origin.offset;
            out.add(Decoded.of(e));
        }
    }

    private void addGroupValues(Capture[] c) throws RejectException {
        for (int i = 0; i < groupPaths.size(); i++) {
            Capture g = c[FIRST_GROUP + i];
            if (g.isContainer()) {
                throw new RejectException(
                        RejectReason.WRONG_TYPE,
                        "group field '"
                                + groupPaths.get(i)
                                + "' must be a scalar, found "
                                + g.token);
            }
            String v = g.asText();
            groupValues.add(v == null ? GroupKey.MISSING : v);
        }
    }

    private Level level(Capture c) throws RejectException {
        if (!c.present()) {
            return Level.INFO;
        }
        if (c.isNumber()) {
            Level l = c.isLong ? Level.fromSeverityNumber(c.integer) : null;
            if (l == null) {
                throw new RejectException(
                        RejectReason.UNKNOWN_LEVEL,
                        "'" + levelPath + "' " + c.asText() + " is not a severity number (1-24)");
            }
            return l;
        }
        if (c.text == null) {
            throw new RejectException(
                    RejectReason.WRONG_TYPE, "'" + levelPath + "' must be text, found " + c.token);
        }
        Level l = Level.parse(c.text);
        if (l == null) {
            throw new RejectException(
                    RejectReason.UNKNOWN_LEVEL,
                    "'"
                            + levelPath
                            + "' value \""
                            + Timestamps.abbreviate(c.text)
                            + "\" is not a known level");
        }
        return l;
    }

    private static String requiredText(Capture c, String path) throws RejectException {
        if (!c.present()) {
            throw new RejectException(RejectReason.MISSING_FIELD, c.missing(path));
        }
        if (c.token != JsonToken.VALUE_STRING) {
            throw new RejectException(
                    RejectReason.WRONG_TYPE, "'" + path + "' must be a string, found " + c.token);
        }
        if (c.text.isEmpty()) {
            throw new RejectException(RejectReason.MISSING_FIELD, "'" + path + "' is empty");
        }
        return c.text;
    }

    /** A finite number; numeric strings are accepted because some shippers quote numbers. */
    static double number(Capture c, String path) throws RejectException {
        if (!c.present()) {
            throw new RejectException(RejectReason.MISSING_FIELD, c.missing(path));
        }
        double v;
        if (c.isNumber()) {
            v = c.number;
        } else if (c.token == JsonToken.VALUE_STRING) {
            try {
                v = Double.parseDouble(c.text.trim());
            } catch (NumberFormatException e) {
                throw new RejectException(
                        RejectReason.WRONG_TYPE,
                        "'"
                                + path
                                + "' must be a number, found \""
                                + Timestamps.abbreviate(c.text)
                                + "\"");
            }
        } else {
            throw new RejectException(
                    RejectReason.WRONG_TYPE, "'" + path + "' must be a number, found " + c.token);
        }
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            throw new RejectException(RejectReason.NON_FINITE_NUMBER, "'" + path + "' is " + v);
        }
        return v;
    }
}
