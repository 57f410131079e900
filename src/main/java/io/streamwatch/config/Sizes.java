package io.streamwatch.config;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads byte sizes ({@code 65536}, {@code 64KiB}, {@code 1MiB}, {@code 1MB}) so limits can be
 * written the way people think of them; binary (KiB) and decimal (KB) units both mean what they
 * say.
 */
public final class Sizes {
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([A-Za-z]*)");
    private static final Map<String, Long> UNITS =
            Map.of(
                    "", 1L,
                    "b", 1L,
                    "kb", 1_000L,
                    "mb", 1_000_000L,
                    "gb", 1_000_000_000L,
                    "kib", 1L << 10,
                    "mib", 1L << 20,
                    "gib", 1L << 30);

    /** What a message shows after a value that is not a size. */
    public static final String HINT = "use e.g. 65536, 64KiB, 1MiB, 1MB";

    private Sizes() {}

    /**
     * Parses {@code text} into bytes.
     *
     * @throws IllegalArgumentException when it is not a size or exceeds {@link Integer#MAX_VALUE}
     *     (the job keeps sizes in ints, as Kafka does)
     */
    public static int parse(String text) {
        Matcher m = SIZE.matcher(text == null ? "" : text.strip());
        Long unit = m.matches() ? UNITS.get(m.group(2).toLowerCase(Locale.ROOT)) : null;
        if (unit == null) {
            throw new IllegalArgumentException("\"" + text + "\" is not a size (" + HINT + ")");
        }
        try {
            long bytes = Math.multiplyExact(Long.parseLong(m.group(1)), unit);
            if (bytes > Integer.MAX_VALUE) {
                throw new ArithmeticException();
            }
            return (int) bytes;
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("\"" + text + "\" is too large (at most 2GiB)");
        }
    }

    /** Formats in the largest binary unit that divides evenly: 65536 is {@code 64KiB}. */
    public static String format(long bytes) {
        if (bytes != 0 && bytes % (1L << 30) == 0) {
            return bytes / (1L << 30) + "GiB";
        } else if (bytes != 0 && bytes % (1L << 20) == 0) {
            return bytes / (1L << 20) + "MiB";
        } else if (bytes != 0 && bytes % (1L << 10) == 0) {
            return bytes / (1L << 10) + "KiB";
        }
        return Long.toString(bytes);
    }
}
