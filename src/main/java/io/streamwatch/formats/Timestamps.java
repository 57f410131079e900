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
            throw new RejectException(RejectReason.MISSING_FIELD, c.missing(path));
        }
        if (c.isNumber()) {
            return fromNumber(c, path, unitMillis);
        }
        // A boolean carries text ("true") for group values, but it is no text the user wrote.
        if (c.text == null || c.isContainer() || c.isBoolean()) {
            throw new RejectException(
                    RejectReason.WRONG_TYPE,
                    "'"
                            + path
                            + "' must be an ISO-8601 time or epoch milliseconds, found "
                            + c.describe());
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
            return checkRange(parseIso(text), path, text);
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

    /**
     * Epoch milliseconds of an ISO-8601 time with a zone, as {@link
     * DateTimeFormatter#ISO_OFFSET_DATE_TIME} reads it. The usual shape ({@code
     * 2024-05-01T12:00:00.123Z}, or with {@code +02:00}) is read by hand: the formatter allocates a
     * map and several objects per call, which was the largest single cost of decoding a log record.
     * Anything else goes to the formatter, so what is accepted and rejected does not change.
     */
    static long parseIso(String text) {
        long fast = parseCommonIso(text);
        if (fast != NOT_COMMON) {
            return fast;
        }
        return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME)
                .toInstant()
                .toEpochMilli();
    }

    /** Returned by {@link #parseCommonIso} for text it leaves to the formatter. */
    private static final long NOT_COMMON = Long.MIN_VALUE;

    /**
     * {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}](Z|+HH:MM|-HH:MM)} with valid fields, or {@link
     * #NOT_COMMON}.
     */
    private static long parseCommonIso(String s) {
        int n = s.length();
        if (n < 20
                || s.charAt(4) != '-'
                || s.charAt(7) != '-'
                || (s.charAt(10) != 'T' && s.charAt(10) != 't')
                || s.charAt(13) != ':'
                || s.charAt(16) != ':') {
            return NOT_COMMON;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 2);
        int day = digits(s, 8, 2);
        int hour = digits(s, 11, 2);
        int minute = digits(s, 14, 2);
        int second = digits(s, 17, 2);
        if (year < 0
                || month < 1
                || month > 12
                || day < 1
                || day > monthLength(year, month)
                || hour < 0
                || hour > 23
                || minute < 0
                || minute > 59
                || second < 0
                || second > 59) {
            return NOT_COMMON;
        }
        int i = 19;
        int millis = 0;
        if (s.charAt(i) == '.') {
            int start = ++i;
            while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                if (i - start < 3) {
                    millis = millis * 10 + (s.charAt(i) - '0');
                }
                i++;
            }
            int length = i - start;
            if (length == 0 || length > 9) {
                return NOT_COMMON;
            }
            for (int k = length; k < 3; k++) {
                millis *= 10;
            }
        }
        int offsetSeconds;
        if (i == n - 1 && (s.charAt(i) == 'Z' || s.charAt(i) == 'z')) {
            offsetSeconds = 0;
        } else if (i == n - 6
                && (s.charAt(i) == '+' || s.charAt(i) == '-')
                && s.charAt(i + 3) == ':') {
            int oh = digits(s, i + 1, 2);
            int om = digits(s, i + 4, 2);
            if (oh < 0 || om < 0 || om > 59 || oh * 60 + om > 18 * 60) {
                return NOT_COMMON;
            }
            offsetSeconds = (oh * 3600 + om * 60) * (s.charAt(i) == '-' ? -1 : 1);
        } else {
            return NOT_COMMON;
        }
        long epochSecond =
                daysFromCivil(year, month, day) * 86_400L
                        + hour * 3600L
                        + minute * 60L
                        + second
                        - offsetSeconds;
        return epochSecond * 1000L + millis;
    }

    /** The value of {@code count} ASCII digits at {@code from}, or -1. */
    private static int digits(String s, int from, int count) {
        int v = 0;
        for (int i = from; i < from + count; i++) {
            char ch = s.charAt(i);
            if (ch < '0' || ch > '9') {
                return -1;
            }
            v = v * 10 + (ch - '0');
        }
        return v;
    }

    private static int monthLength(int year, int month) {
        if (month == 2) {
            boolean leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
            return leap ? 29 : 28;
        }
        return month == 4 || month == 6 || month == 9 || month == 11 ? 30 : 31;
    }

    /** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
    private static long daysFromCivil(int year, int month, int day) {
        int y = month <= 2 ? year - 1 : year;
        int era = Math.floorDiv(y, 400);
        int yoe = y - era * 400;
        int doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
        int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146_097L + doe - 719_468L;
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
