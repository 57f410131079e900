package io.streamwatch.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and writes the short duration notation of the config ({@code 500ms}, {@code 30s}, {@code
 * 5m}, {@code 1h}, {@code 1d}, {@code 1h30m}), so that files, job parameters and messages all speak
 * the same units.
 */
public final class Durations {
    private static final Pattern WHOLE = Pattern.compile("(?:\\d+(?:ms|s|m|h|d))+");
    private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    /** What a message shows after a value that is not a duration. */
    public static final String HINT = "use e.g. 500ms, 30s, 5m, 1h, 1d";

    private Durations() {}

    /**
     * Parses {@code text}; a bare {@code 0} means zero, any other number needs a unit so that "60"
     * is never silently read as milliseconds.
     *
     * @throws IllegalArgumentException when the text is not a duration
     */
    public static Duration parse(String text) {
        String t = text == null ? "" : text.strip();
        if (t.equals("0")) {
            return Duration.ZERO;
        }
        if (t.matches("\\d+")) {
            throw new IllegalArgumentException("\"" + text + "\" has no unit (" + HINT + ")");
        }
        if (!WHOLE.matcher(t).matches()) {
            throw new IllegalArgumentException("\"" + text + "\" is not a duration (" + HINT + ")");
        }
        Duration total = Duration.ZERO;
        Matcher m = PART.matcher(t);
        try {
            while (m.find()) {
                long n = Long.parseLong(m.group(1));
                total =
                        total.plus(
                                switch (m.group(2)) {
                                    case "ms" -> Duration.ofMillis(n);
                                    case "s" -> Duration.ofSeconds(n);
                                    case "m" -> Duration.ofMinutes(n);
                                    case "h" -> Duration.ofHours(n);
                                    default -> Duration.ofDays(n);
                                });
            }
            total.toMillis(); // a duration must fit in epoch milliseconds to be usable
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("\"" + text + "\" is too long a duration");
        }
        return total;
    }

    /**
     * Formats in the config notation, largest units first: 90s is {@code 1m30s}, zero {@code 0s}.
     */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms == 0) {
            return "0s";
        }
        StringBuilder out = new StringBuilder(ms < 0 ? "-" : "");
        ms = Math.abs(ms);
        long[] sizes = {86_400_000L, 3_600_000L, 60_000L, 1_000L, 1L};
        String[] units = {"d", "h", "m", "s", "ms"};
        for (int i = 0; i < sizes.length; i++) {
            if (ms >= sizes[i]) {
                out.append(ms / sizes[i]).append(units[i]);
                ms %= sizes[i];
            }
        }
        return out.toString();
    }
}
