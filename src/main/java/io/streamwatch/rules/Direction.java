package io.streamwatch.rules;

/** Which deviations from the baseline an anomaly rule reports. */
public enum Direction {
    ABOVE,
    BELOW,
    BOTH
}
