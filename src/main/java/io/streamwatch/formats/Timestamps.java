package io.streamwatch.formats;

import io.streamwatch.records.RejectReason;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * Reads event times: ISO-8601 text with a zone, or epoch milliseconds as a number (or as a string
 * of digits). Event time always comes from the record, never from the wall clock.
 */
public final class Timestamps {
    /** 0001-01-01 to 9999-12-31: anything outside is certainly not a real event time. */
    private static final long MIN_MILLIS = -62135596800000L;

    private static final long MAX_MILLIS = 253402300799999L;

    private Timestamps() {}

    /** Epoch milliseconds of a captured timestamp field at {@code path}. */
    static long read(Capture c, String path, long unitMillis) throws RejectException {
        if (!c.present()) {
            throw new RejectException(RejectReason.MISSING_FIELD, "no '" + path + "' field");
        }
        if (c.isNumber()) {
            return fromNumber(c, path, unitMillis);
        }
        if (c.text == null || c.isContainer()) {
            throw new RejectException(
                    RejectReason.WRONG_TYPE,
                    "'"
                            + path
                            + "' must be an ISO-8601 time or epoch milliseconds, found "
                            + c.token);
        }
        String text = c.text.trim();
        if (!text.isEmpty() && isDigits(text)) {
            if (text.length() > 18) {
                throw new RejectException(
                        RejectReason.TIMESTAMP_OUT_OF_RANGE,
                        "'" + path + "' " + text + " is out of range");
            }
            return checkRange(Long.parseLong(text) * unitMillis, path, text);
        }
        try {
            OffsetDateTime t = OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME);
            return checkRange(t.toInstant().toEpochMilli(), path, text);
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new RejectException(
                    RejectReason.WRONG_TYPE,
                    "'"
                            + path
                            + "' value \""
                            + abbreviate(text)
                            + "\" is not an ISO-8601 time with a zone");
        }
    }

    private static long fromNumber(Capture c, String path, long unitMillis) throws RejectException {
        if (Double.isNaN(c.number) || Double.isInfinite(c.number)) {
            throw new RejectException(
                    RejectReason.NON_FINITE_NUMBER, "'" + path + "' is " + c.number);
        }
        double millis = c.isLong ? (double) c.integer * unitMillis : c.number * unitMillis;
        if (millis < MIN_MILLIS || millis > MAX_MILLIS) {
            throw new RejectException(
                    RejectReason.TIMESTAMP_OUT_OF_RANGE,
                    "'" + path + "' " + (c.isLong ? c.integer : c.number) + " is out of range");
        }
        return c.isLong ? c.integer * unitMillis : (long) millis;
    }

    private static long checkRange(long millis, String path, String text) throws RejectException {
        if (millis < MIN_MILLIS || millis > MAX_MILLIS) {
            throw new RejectException(
                    RejectReason.TIMESTAMP_OUT_OF_RANGE,
                    "'" + path + "' " + text + " is out of range");
        }
        return millis;
    }

    private static boolean isDigits(String s) {
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch < '0' || ch > '9') {
                return false;
            }
        }
        return true;
    }

    static String abbreviate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "...";
    }
}
