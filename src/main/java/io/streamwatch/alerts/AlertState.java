package io.streamwatch.alerts;

import java.util.Map;

/**
 * Where one alert (one rule, one group, and for metrics one metric name) is in its lifecycle, kept
 * in keyed state so that a restart neither fires it twice nor loses its resolve. A Flink POJO.
 */
public class AlertState {
    public static final int INACTIVE = 0;
    public static final int PENDING = 1;
    public static final int FIRING = 2;

    /** The rule version this state belongs to; a changed rule starts afresh. */
    public String ruleVersion;

    public int status;

    /**
     * Start of the first window of the current run of true conditions (windows without data do not
     * break a run).
     */
    public long pendingSince;

    /**
     * Start of the first window of the current run of false conditions while firing; -1 if none.
     */
    public long falseSince = -1;

    /** When the alert fired (event time). */
    public long startsAt;

    public long lastWindowStart;
    public long lastWindowEnd;
    public double lastValue = Double.NaN;

    /**
     * The value the alert fired with: a resolve record keeps it (with the firing annotations) and
     * carries the resolving value in {@code resolved_value}. NaN in state written before this
     * field.
     */
    public double firedValue = Double.NaN;

    /** The firing alert's labels and annotations, for a resolve that has no fresh aggregate. */
    public Map<String, String> labels;

    public String fingerprint;
    public String summary;
    public String description;
    public Double threshold;

    /**
     * New-pattern rules: windows seen. (Anomaly rules kept their EWMA baseline here and in {@code
     * mean} and {@code variance} before the model of {@link #anomaly}; Flink's POJO serializer
     * drops those fields from state written then.)
     */
    public long observations;

    /**
     * New-pattern rules, in the group's window count entry: {@link #NO_PATTERN_ALERTS} when the
     * group has no entry of a pattern alert, so the rule need not look for alerts to resolve;
     * otherwise (set before such an entry is written; {@code -1} in state written before this
     * field) it looks.
     */
    public int patternAlerts = -1;

    /** {@link #patternAlerts}: none to look for. */
    public static final int NO_PATTERN_ALERTS = 0;

    /** {@link #patternAlerts}: the group may have a pattern alert's entry. */
    public static final int MAY_HAVE_PATTERN_ALERTS = 1;

    /**
     * Anomaly rules: the key's model in {@link io.streamwatch.anomaly.AnomalyStateFormat} (null in
     * state written before it: the model starts afresh).
     */
    public byte[] anomaly;

    /**
     * Anomaly rules: the firing alert's annotations beside summary and description (expected,
     * spread, score, direction), kept for its resolve.
     */
    public Map<String, String> annotations;

    // Absence rules: the end of the newest window seen for the group.
    public long lastSeen;

    /**
     * Absence rules: wall-clock time of the newest window's first aggregate, for the idle-input
     * check.
     */
    public long armedAt;

    public AlertState() {}

    /**
     * A copy of every field. Shallow, which is a full copy as the evaluator uses the state: it
     * replaces the maps and the anomaly bytes, never changes them in place. Why: the {@link
     * AlertStore} hands out and keeps copies, so a rule that changes an entry and then fails leaves
     * nothing half-changed behind.
     */
    AlertState copy() {
        AlertState c = new AlertState();
        c.ruleVersion = ruleVersion;
        c.status = status;
        c.pendingSince = pendingSince;
        c.falseSince = falseSince;
        c.startsAt = startsAt;
        c.lastWindowStart = lastWindowStart;
        c.lastWindowEnd = lastWindowEnd;
        c.lastValue = lastValue;
        c.firedValue = firedValue;
        c.labels = labels;
        c.fingerprint = fingerprint;
        c.summary = summary;
        c.description = description;
        c.threshold = threshold;
        c.observations = observations;
        c.patternAlerts = patternAlerts;
        c.anomaly = anomaly;
        c.annotations = annotations;
        c.lastSeen = lastSeen;
        c.armedAt = armedAt;
        return c;
    }
}
