package io.streamwatch.config;

import java.io.Serializable;

/**
 * Where the sources start when there is no checkpoint: {@code earliest}, {@code latest}, {@code
 * committed} (the group's offsets, earliest where there are none) or {@code timestamp:<ms>}.
 */
public record StartingOffsets(Kind kind, long timestamp) implements Serializable {

    /** The four ways to start. */
    public enum Kind {
        EARLIEST,
        LATEST,
        COMMITTED,
        TIMESTAMP
    }

    public static StartingOffsets of(Kind kind) {
        return new StartingOffsets(kind, -1L);
    }

    @Override
    public String toString() {
        return kind == Kind.TIMESTAMP ? "timestamp:" + timestamp : kind.name().toLowerCase();
    }
}
