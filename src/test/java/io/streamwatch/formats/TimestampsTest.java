package io.streamwatch.formats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The hand-written reading of the usual ISO-8601 shape must agree with {@link
 * DateTimeFormatter#ISO_OFFSET_DATE_TIME} on every text: the same instant, or a rejection by both.
 */
class TimestampsTest {

    /** What the formatter says: epoch milliseconds, or "rejected". */
    private static String reference(String text) {
        try {
            return Long.toString(
                    OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME)
                            .toInstant()
                            .toEpochMilli());
        } catch (RuntimeException e) {
            return "rejected";
        }
    }

    private static String ours(String text) {
        try {
            return Long.toString(Timestamps.parseIso(text));
        } catch (RuntimeException e) {
            return "rejected";
        }
    }

    @Test
    void agreesWithTheFormatterOnEdgeCases() {
        List<String> texts =
                List.of(
                        "2024-05-01T12:00:00Z",
                        "2024-05-01T12:00:00.1Z",
                        "2024-05-01T12:00:00.12Z",
                        "2024-05-01T12:00:00.123Z",
                        "2024-05-01T12:00:00.123456789Z",
                        "2024-05-01T12:00:00.1234567891Z",
                        "2024-05-01T12:00:00.Z",
                        "2024-05-01t12:00:00z",
                        "2024-05-01T12:00:00+02:00",
                        "2024-05-01T12:00:00.5-07:30",
                        "2024-05-01T12:00:00+18:00",
                        "2024-05-01T12:00:00+18:01",
                        "2024-05-01T12:00:00-18:00",
                        "2024-05-01T12:00:00+02:60",
                        "2024-05-01T12:00:00+0200",
                        "2024-05-01T12:00:00+02:00:30",
                        "2024-05-01T12:00Z",
                        "2024-05-01T12:00:00",
                        "2024-05-01 12:00:00Z",
                        "2024-02-29T00:00:00Z",
                        "2023-02-29T00:00:00Z",
                        "1900-02-29T00:00:00Z",
                        "2000-02-29T00:00:00Z",
                        "2024-04-31T00:00:00Z",
                        "2024-12-31T23:59:59.999Z",
                        "2024-13-01T00:00:00Z",
                        "2024-00-01T00:00:00Z",
                        "2024-01-00T00:00:00Z",
                        "2024-01-01T24:00:00Z",
                        "2024-01-01T23:60:00Z",
                        "2024-01-01T23:59:60Z",
                        "0000-01-01T00:00:00Z",
                        "0001-01-01T00:00:00Z",
                        "1969-12-31T23:59:59.999Z",
                        "1600-03-01T00:00:00Z",
                        "9999-12-31T23:59:59.999999999Z",
                        "+12024-01-01T00:00:00Z",
                        "2O24-01-01T00:00:00Z",
                        "2024-01-01T00:00:00.12a4Z",
                        "2024-01-01T00:00:00ZZ",
                        "2024-01-01T00:00:00+02:00 ");
        for (String t : texts) {
            assertEquals(reference(t), ours(t), t);
        }
    }

    @Test
    void agreesWithTheFormatterOnRandomTimes() {
        Random random = new Random(7);
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            long seconds = random.nextLong(-2_000_000_000_0L, 40_000_000_000L);
            int nanos = random.nextInt(1_000_000_000);
            int offsetMinutes = random.nextInt(-18 * 60, 18 * 60 + 1);
            OffsetDateTime t =
                    Instant.ofEpochSecond(seconds, nanos)
                            .atOffset(ZoneOffset.ofTotalSeconds(offsetMinutes * 60));
            String text = t.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
            texts.add(text);
            // Shorter fractions, as shippers write them.
            int dot = text.indexOf('.');
            if (dot > 0) {
                int end = dot + 1;
                while (Character.isDigit(text.charAt(end))) {
                    end++;
                }
                int keep = 1 + random.nextInt(end - dot - 1);
                texts.add(text.substring(0, dot + keep) + text.substring(end));
            }
        }
        for (String t : texts) {
            assertEquals(reference(t), ours(t), t);
        }
    }
}
