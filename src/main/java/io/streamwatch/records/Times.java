package io.streamwatch.records;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Formats times the one way every output record writes them: ISO-8601 UTC with milliseconds. */
public final class Times {
    private static final DateTimeFormatter ISO_MILLIS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    /** 0001-01-01T00:00:00Z: below it the pattern's year-of-era ('yyyy') differs from the year. */
    static final long FAST_MIN = -62_135_596_800_000L;

    /** 10000-01-01T00:00:00Z: from there on the formatter writes a sign and five digits. */
    static final long FAST_END = 253_402_300_800_000L;

    private static final long MILLIS_PER_DAY = 86_400_000L;

    private Times() {}

    /** E.g. {@code 2026-11-25T10:15:00.000Z}; {@link Instant#toString()} would drop zero millis. */
    public static String iso(long epochMillis) {
        if (epochMillis < FAST_MIN || epochMillis >= FAST_END) {
            return ISO_MILLIS.format(Instant.ofEpochMilli(epochMillis));
        }
        // Written by hand: every aggregate and alert writes two or more times, and the
        // DateTimeFormatter was a tenth of the window and evaluator threads' CPU.
        long days = Math.floorDiv(epochMillis, MILLIS_PER_DAY);
        int msOfDay = (int) Math.floorMod(epochMillis, MILLIS_PER_DAY);
        // Civil from days (Howard Hinnant, "chrono-compatible low-level date algorithms"):
        // shift to eras of 400 years starting on 0000-03-01, so leap days end a year.
        long z = days + 719_468;
        long era = Math.floorDiv(z, 146_097);
        int doe = (int) (z - era * 146_097); // [0, 146096]
        int yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
        int doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365], from March 1st
        int mp = (5 * doy + 2) / 153; // [0, 11], March = 0
        int day = doy - (153 * mp + 2) / 5 + 1;
        int month = mp < 10 ? mp + 3 : mp - 9;
        int year = (int) (yoe + era * 400) + (month <= 2 ? 1 : 0);

        int secOfDay = msOfDay / 1000;
        char[] c = new char[24];
        digits(c, 0, year, 4);
        c[4] = '-';
        digits(c, 5, month, 2);
        c[7] = '-';
        digits(c, 8, day, 2);
        c[10] = 'T';
        digits(c, 11, secOfDay / 3600, 2);
        c[13] = ':';
        digits(c, 14, secOfDay / 60 % 60, 2);
        c[16] = ':';
        digits(c, 17, secOfDay % 60, 2);
        c[19] = '.';
        digits(c, 20, msOfDay % 1000, 3);
        c[23] = 'Z';
        return new String(c);
    }

    /** Writes {@code v} (non-negative, at most {@code width} digits) zero-padded at {@code at}. */
    private static void digits(char[] c, int at, int v, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            c[i] = (char) ('0' + v % 10);
            v /= 10;
        }
    }
}
