package io.streamwatch.alerts;

import java.util.Map;

/**
 * One alert transition, in Prometheus Alertmanager's model plus Streamwatch's own fields (SPEC
 * section 5). A Flink POJO.
 */
public class Alert {
    public static final String FIRING = "firing";
    public static final String RESOLVED = "resolved";

    public String fingerprint;
    public String status;
    public Map<String, String> labels;
    public String summary;
    public String description;

    /** Annotations beside summary and description (anomaly rules: expected, spread, ...). */
    public Map<String, String> annotations;

    /** Event time when the alert fired. */
    public long startsAt;

    /** Event time when it resolved; -1 while firing. */
    public long endsAt = -1;

    public double value = Double.NaN;

    /** Null when the rule has none. */
    public Double threshold;

    public long windowStart;
    public long windowEnd;
    public String rule;
    public String pipeline;

    /**
     * Resolved records: what resolved the alert, as text (annotation {@code resolved}); the {@code
     * summary} and {@code description} stay as rendered when it fired.
     */
    public String resolvedText;

    /** Resolved records: the value of the evaluation that resolved it; NaN when there is none. */
    public double resolvedValue = Double.NaN;

    /**
     * Resolved records: event time of the data that resolved it (absence: when data returned); -1
     * while firing.
     */
    public long resolvedAt = -1;

    /** Why a resolve happened other than by its condition: {@code rule_deleted}, ... */
    public String reason;

    public Alert() {}
}
