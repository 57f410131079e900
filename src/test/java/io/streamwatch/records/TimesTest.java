package io.streamwatch.records;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The hand-written {@link Times#iso} against the DateTimeFormatter it replaced. */
class TimesTest {
    /** The formatter {@link Times} used before, and still uses outside years 1 to 9999. */
    private static final DateTimeFormatter REFERENCE =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private static final long DAY = 86_400_000L;

    private static String reference(long millis) {
        return REFERENCE.format(Instant.ofEpochMilli(millis));
    }

    private static long at(String iso) {
        return Instant.parse(iso).toEpochMilli();
    }

    @Test
    void examples() {
        assertThat(Times.iso(at("2026-11-25T10:15:00Z"))).isEqualTo("2026-11-25T10:15:00.000Z");
        assertThat(Times.iso(0)).isEqualTo("1970-01-01T00:00:00.000Z");
        assertThat(Times.iso(-1)).isEqualTo("1969-12-31T23:59:59.999Z");
        assertThat(Times.iso(at("2024-02-29T23:59:59.007Z"))).isEqualTo("2024-02-29T23:59:59.007Z");
        assertThat(Times.iso(at("9999-12-31T23:59:59.999Z"))).isEqualTo("9999-12-31T23:59:59.999Z");
        assertThat(Times.iso(at("0001-01-01T00:00:00Z"))).isEqualTo("0001-01-01T00:00:00.000Z");
    }

    @Test
    void fastRangeIsYearsOneToNineThousandNineHundredNinetyNine() {
        assertThat(Times.FAST_MIN).isEqualTo(at("0001-01-01T00:00:00Z"));
        assertThat(Times.FAST_END).isEqualTo(at("+10000-01-01T00:00:00Z"));
    }

    @Test
    void edgesAgreeWithTheFormatter() {
        String[] edges = {
            "1970-01-01T00:00:00Z",
            "1969-12-31T23:59:59.999Z",
            "1969-12-31T00:00:00Z",
            "1968-02-29T12:00:00Z",
            "2000-02-29T00:00:00Z",
            "2000-03-01T00:00:00Z",
            "1900-02-28T23:59:59.999Z",
            "1900-03-01T00:00:00Z",
            "2100-02-28T23:59:59.999Z",
            "2100-03-01T00:00:00Z",
            "2400-02-29T00:00:00Z",
            "1600-02-29T00:00:00Z",
            "1582-10-15T00:00:00Z",
            "0400-02-29T00:00:00Z",
            "0001-01-01T00:00:00Z",
            "9999-12-31T23:59:59.999Z",
            "2026-11-25T10:15:00Z",
            "2038-01-19T03:14:07.999Z",
            "0000-01-01T00:00:00Z",
            "-0001-12-31T23:59:59.999Z",
            "+10000-01-01T00:00:00Z",
        };
        for (String e : edges) {
            long t = at(e);
            for (long d = -2; d <= 2; d++) {
                assertThat(Times.iso(t + d)).as("%s %+d ms", e, d).isEqualTo(reference(t + d));
            }
        }
        long[] extremes = {
            Times.FAST_MIN - 1,
            Times.FAST_MIN,
            Times.FAST_END - 1,
            Times.FAST_END,
            Long.MIN_VALUE,
            Long.MAX_VALUE,
            Long.MIN_VALUE / 2,
            Long.MAX_VALUE / 2
        };
        for (long t : extremes) {
            assertThat(Times.iso(t)).as("%d", t).isEqualTo(reference(t));
        }
    }

    @Test
    void everyDayBoundaryFrom1600To2500AgreesWithTheFormatter() {
        long from = LocalDate.of(1600, 1, 1).toEpochDay();
        long to = LocalDate.of(2500, 1, 1).toEpochDay();
        for (long day = from; day <= to; day++) {
            long t = day * DAY;
            assertThat(Times.iso(t)).isEqualTo(reference(t));
            assertThat(Times.iso(t - 1)).isEqualTo(reference(t - 1));
            assertThat(Times.iso(t + DAY / 2 + 4321)).isEqualTo(reference(t + DAY / 2 + 4321));
        }
    }

    @Test
    void randomInstantsAgreeWithTheFormatter() {
        SplittableRandom random = new SplittableRandom(20261125);
        for (int i = 0; i < 500_000; i++) {
            long wide = random.nextLong(Times.FAST_MIN - 10 * DAY, Times.FAST_END + 10 * DAY);
            assertThat(Times.iso(wide)).isEqualTo(reference(wide));
            long recent = random.nextLong(at("1950-01-01T00:00:00Z"), at("2100-01-01T00:00:00Z"));
            assertThat(Times.iso(recent)).isEqualTo(reference(recent));
        }
        for (int i = 0; i < 10_000; i++) {
            long any = random.nextLong();
            assertThat(Times.iso(any)).isEqualTo(reference(any));
        }
    }
}
