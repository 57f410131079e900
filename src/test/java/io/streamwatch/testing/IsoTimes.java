package io.streamwatch.testing;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The tests' own rendering of an instant as the outputs' ISO-8601 UTC with milliseconds (SPEC
 * section 5), written from the contract rather than taken from the job's classes, so that a test
 * comparing the job's {@code window_start} with it can fail.
 */
public final class IsoTimes {
    private static final DateTimeFormatter FORMAT =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private IsoTimes() {}

    /** E.g. {@code 2026-01-01T00:01:00.000Z}. */
    public static String iso(long epochMillis) {
        return FORMAT.format(Instant.ofEpochMilli(epochMillis));
    }
}
