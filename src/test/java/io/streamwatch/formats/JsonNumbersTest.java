package io.streamwatch.formats;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The input parsers read every number as the double {@link Double#parseDouble} gives for its text:
 * aggregates are exact only if the parsed values are (the factory uses Jackson's fast parser).
 */
class JsonNumbersTest {
    private static final String[] EDGES = {
        "0",
        "-0.0",
        "0.0",
        "1",
        "-1",
        "0.1",
        "0.2",
        "0.30000000000000004",
        "1e308",
        "1.7976931348623157e308",
        "1.7976931348623158e308",
        "1e309",
        "4.9e-324",
        "2.4703282292062328e-324",
        "2.4703282292062327e-324",
        "1e-400",
        "9007199254740993",
        "123456789012345678901234567890",
        "2.2250738585072011e-308",
        "2.2250738585072012e-308",
        "0.000001",
        "1E+2",
        "1.5e-5",
        "3.141592653589793238462643383279",
        "-123.456e-7",
        "100000000000000000000000"
    };

    @Test
    void numbersParseAsDoubleParseDoubleDoes() throws Exception {
        for (String n : EDGES) {
            assertSameDouble(n);
        }
        SplittableRandom random = new SplittableRandom(20261207);
        for (int i = 0; i < 200_000; i++) {
            assertSameDouble(randomNumber(random));
        }
    }

    /** Random digits, point and exponent: long and short mantissas, near-halfway cases. */
    private static String randomNumber(SplittableRandom random) {
        switch (random.nextInt(4)) {
            case 0:
                return Double.toString(Double.longBitsToDouble(random.nextLong() & ~(1L << 63)))
                        .replace("Infinity", "1")
                        .replace("NaN", "2");
            case 1:
                return Double.toString(random.nextDouble() * Math.pow(10, random.nextInt(-30, 30)));
            default:
                StringBuilder b = new StringBuilder();
                if (random.nextBoolean()) {
                    b.append('-');
                }
                b.append(1 + random.nextInt(9));
                int digits = random.nextInt(0, 25);
                for (int d = 0; d < digits; d++) {
                    b.append(random.nextInt(10));
                }
                if (random.nextBoolean()) {
                    b.insert(b.length() - random.nextInt(0, digits + 1), '.');
                    if (b.charAt(b.length() - 1) == '.') {
                        b.append('5');
                    }
                }
                if (random.nextBoolean()) {
                    b.append('e').append(random.nextInt(-330, 310));
                }
                return b.toString();
        }
    }

    private static void assertSameDouble(String number) throws Exception {
        String json = "{\"v\":" + number + "}";
        try (JsonParser p =
                Json.inputFactory().createParser(json.getBytes(StandardCharsets.UTF_8))) {
            assertThat(p.nextToken()).isEqualTo(JsonToken.START_OBJECT);
            p.nextToken();
            p.nextToken();
            assertThat(Double.doubleToRawLongBits(p.getDoubleValue()))
                    .as(number)
                    .isEqualTo(Double.doubleToRawLongBits(Double.parseDouble(number)));
        }
    }
}
