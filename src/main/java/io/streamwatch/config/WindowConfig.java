package io.streamwatch.config;

import java.io.Serializable;
import java.time.Duration;

/**
 * The aggregation window of a pipeline.
 *
 * @param slide equal to {@code size} for tumbling windows
 */
public record WindowConfig(Type type, Duration size, Duration slide) implements Serializable {

    /** Tumbling or sliding. */
    public enum Type {
        TUMBLING,
        SLIDING
    }
}
