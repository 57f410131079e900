package io.streamwatch.config;

import java.util.Locale;

/** The sinks' delivery guarantee ({@code delivery} in the config). */
public enum Delivery {
    EXACTLY_ONCE,
    AT_LEAST_ONCE,
    NONE;

    /** The config spelling: {@code exactly-once}, {@code at-least-once}, {@code none}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Parses the config spelling; returns null when unknown. */
    public static Delivery parse(String text) {
        for (Delivery d : values()) {
            if (d.configName().equalsIgnoreCase(text)) {
                return d;
            }
        }
        return null;
    }
}
