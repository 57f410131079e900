package io.streamwatch.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The duration and size notations of the config. */
class DurationsAndSizesTest {

    @ParameterizedTest
    @CsvSource({
        "500ms,500",
        "30s,30000",
        "5m,300000",
        "1h,3600000",
        "1d,86400000",
        "1h30m,5400000",
        "1m500ms,60500",
        "0,0",
        "0s,0",
        " 2m ,120000"
    })
    void parsesDurations(String text, long millis) {
        assertThat(Durations.parse(text)).isEqualTo(Duration.ofMillis(millis));
    }

    @ParameterizedTest
    @ValueSource(strings = {"5x", "", "60", "1.5m", "-5s", "m", "5 m", "PT5M"})
    void rejectsNonDurations(String text) {
        assertThatThrownBy(() -> Durations.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("500ms, 30s, 5m, 1h, 1d");
    }

    @ParameterizedTest
    @CsvSource({"0,0s", "500,500ms", "90000,1m30s", "5400000,1h30m", "86400000,1d"})
    void formatsDurations(long millis, String text) {
        assertThat(Durations.format(Duration.ofMillis(millis))).isEqualTo(text);
        assertThat(Durations.parse(text)).isEqualTo(Duration.ofMillis(millis));
    }

    @ParameterizedTest
    @CsvSource({
        "65536,65536",
        "64KiB,65536",
        "1MiB,1048576",
        "1MB,1000000",
        "10kb,10000",
        "2 KiB,2048",
        "1GiB,1073741824"
    })
    void parsesSizes(String text, int bytes) {
        assertThat(Sizes.parse(text)).isEqualTo(bytes);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1 megabyte", "", "1.5MiB", "-1", "KiB", "4GiB"})
    void rejectsNonSizes(String text) {
        assertThatThrownBy(() -> Sizes.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void formatsSizes() {
        assertThat(Sizes.format(65536)).isEqualTo("64KiB");
        assertThat(Sizes.format(1 << 20)).isEqualTo("1MiB");
        assertThat(Sizes.format(1000)).isEqualTo("1000");
    }

    @Test
    void startingOffsets() {
        assertThat(StartingOffsets.parse("Earliest"))
                .isEqualTo(StartingOffsets.of(StartingOffsets.Kind.EARLIEST));
        assertThat(StartingOffsets.parse("timestamp:1764065730123"))
                .isEqualTo(new StartingOffsets(StartingOffsets.Kind.TIMESTAMP, 1764065730123L));
        assertThat(StartingOffsets.parse("timestamp:2026-11-25T10:15:30.123Z").timestamp())
                .isEqualTo(java.time.Instant.parse("2026-11-25T10:15:30.123Z").toEpochMilli());
        assertThatThrownBy(() -> StartingOffsets.parse("timestamp:soon"))
                .hasMessageContaining("earliest, latest, committed or timestamp:<epoch ms>");
    }
}
