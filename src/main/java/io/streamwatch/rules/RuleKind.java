package io.streamwatch.rules;

import java.util.Locale;

/** The four kinds of alert rule (SPEC section 4). */
public enum RuleKind {
    /** A condition over one aggregate's fields. */
    THRESHOLD,
    /** A group key seen before sends nothing for a while (event time). */
    ABSENCE,
    /** A field deviates from its own learned baseline by more than k sigma. */
    ANOMALY,
    /** An ERROR/FATAL message pattern never seen before for the group. */
    NEW_PATTERN;

    /** The config spelling, e.g. {@code new_pattern}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
