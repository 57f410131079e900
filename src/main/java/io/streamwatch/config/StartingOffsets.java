package io.streamwatch.config;

import java.io.Serializable;
import java.time.Instant;
import java.util.Locale;

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

    /** What a message shows after a value that is not a starting position. */
    public static final String HINT = "use earliest, latest, committed or timestamp:<epoch ms>";

    /**
     * Parses the config spelling; {@code timestamp:} also takes an ISO-8601 instant ({@code
     * timestamp:2026-11-25T10:00:00Z}), which is easier to get right than epoch milliseconds.
     *
     * @throws IllegalArgumentException when it is none of these
     */
    public static StartingOffsets parse(String text) {
        String t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        switch (t) {
            case "earliest":
                return of(Kind.EARLIEST);
            case "latest":
                return of(Kind.LATEST);
            case "committed":
                return of(Kind.COMMITTED);
            default:
                break;
        }
        if (t.startsWith("timestamp:")) {
            String at = text.strip().substring("timestamp:".length()).strip();
            try {
                long ms =
                        at.matches("\\d+") ? Long.parseLong(at) : Instant.parse(at).toEpochMilli();
                if (ms >= 0) {
                    return new StartingOffsets(Kind.TIMESTAMP, ms);
                }
            } catch (RuntimeException e) {
                // falls through to the message below
            }
        }
        throw new IllegalArgumentException(
                "\"" + text + "\" is not a starting position (" + HINT + ")");
    }

    @Override
    public String toString() {
        return kind == Kind.TIMESTAMP
                ? "timestamp:" + timestamp
                : kind.name().toLowerCase(Locale.ROOT);
    }
}
