package io.streamwatch.formats;

import java.io.Serializable;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Where a shipper writes each field Streamwatch reads: logical field name to JSON path (dotted for
 * nested objects, e.g. {@code log.level}). Presets cover common shippers; a pipeline's {@code
 * fields} setting overrides single entries, so users point Streamwatch at what they already write.
 */
public final class FieldMapping implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final String TIMESTAMP = "timestamp";
    public static final String LEVEL = "level";
    public static final String MESSAGE = "message";
    public static final String NAME = "name";
    public static final String VALUE = "value";

    private final Map<String, String> paths;

    private FieldMapping(Map<String, String> paths) {
        this.paths = paths;
    }

    /**
     * The mapping of a JSON-object preset ({@code streamwatch} or {@code ecs}), or null when the
     * format is not a mapped JSON object format.
     */
    public static FieldMapping preset(String format) {
        Map<String, String> m = new HashMap<>();
        switch (format.toLowerCase(Locale.ROOT)) {
            case "streamwatch":
                for (String f :
                        new String[] {
                            TIMESTAMP,
                            LEVEL,
                            MESSAGE,
                            NAME,
                            VALUE,
                            "service",
                            "host",
                            "logger",
                            "trace_id"
                        }) {
                    m.put(f, f);
                }
                break;
            case "ecs":
                m.put(TIMESTAMP, "@timestamp");
                m.put(LEVEL, "log.level");
                m.put(MESSAGE, "message");
                m.put("service", "service.name");
                m.put("host", "host.name");
                m.put("logger", "log.logger");
                m.put("trace_id", "trace.id");
                // ECS has no metric point shape; these follow its dotted style.
                m.put(NAME, "metric.name");
                m.put(VALUE, "metric.value");
                break;
            default:
                return null;
        }
        return new FieldMapping(m);
    }

    /** This mapping with some entries replaced (logical field to path). */
    public FieldMapping withOverrides(Map<String, String> overrides) {
        Map<String, String> m = new HashMap<>(paths);
        if (overrides != null) {
            m.putAll(overrides);
        }
        return new FieldMapping(m);
    }

    /** The JSON path of a logical field; a name the mapping does not know is a path itself. */
    public String pathOf(String field) {
        return paths.getOrDefault(field, field);
    }
}
