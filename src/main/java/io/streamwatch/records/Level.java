package io.streamwatch.records;

import java.util.Locale;

/**
 * Log severity levels, in order. Inputs name them in many ways (WARNING, CRIT, severity numbers of
 * OpenTelemetry); {@link #parse} folds them onto these six so aggregates count them the same way.
 */
public enum Level {
    TRACE,
    DEBUG,
    INFO,
    WARN,
    ERROR,
    FATAL;

    private static final Level[] VALUES = values();

    /** Level by ordinal, as stored in {@link LogEvent#level}. */
    public static Level of(int ordinal) {
        return VALUES[ordinal];
    }

    /** Whether this level counts towards the error ratio and error patterns. */
    public boolean isError() {
        return this == ERROR || this == FATAL;
    }

    /**
     * Parses a level name or alias, case-insensitively; returns null when the text is not a level.
     */
    public static Level parse(String text) {
        if (text == null) {
            return null;
        }
        switch (text.trim().toUpperCase(Locale.ROOT)) {
            case "TRACE":
            case "TRC":
            case "FINEST":
            case "FINER":
                return TRACE;
            case "DEBUG":
            case "DBG":
            case "FINE":
            case "CONFIG":
                return DEBUG;
            case "INFO":
            case "INF":
            case "INFORMATION":
            case "INFORMATIONAL":
            case "NOTICE":
                return INFO;
            case "WARN":
            case "WARNING":
            case "WRN":
                return WARN;
            case "ERROR":
            case "ERR":
            case "SEVERE":
                return ERROR;
            case "FATAL":
            case "CRITICAL":
            case "CRIT":
            case "ALERT":
            case "EMERG":
            case "EMERGENCY":
            case "PANIC":
                return FATAL;
            default:
                return null;
        }
    }

    /**
     * Maps an OpenTelemetry severity number (1-24) to a level; returns null outside that range. 1-4
     * TRACE, 5-8 DEBUG, 9-12 INFO, 13-16 WARN, 17-20 ERROR, 21-24 FATAL.
     */
    public static Level fromSeverityNumber(long number) {
        if (number < 1 || number > 24) {
            return null;
        }
        return VALUES[(int) ((number - 1) / 4)];
    }
}
