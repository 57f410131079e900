package io.streamwatch.tools;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * Reads durations the way people type them on a command line ({@code 90s}, {@code 5m}, {@code
 * 1h30m}, {@code 250ms}) as well as ISO-8601 ({@code PT5M}), so the tools accept the same spelling
 * as the job configuration.
 */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    @Override
    public Duration convert(String value) {
        return parse(value);
    }

    /** Parses {@code text}; throws {@link IllegalArgumentException} naming the bad input. */
    public static Duration parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("0")) {
            return Duration.ZERO; // "0" needs no unit, e.g. --status-interval 0
        }
        if (t.startsWith("p")) {
            return Duration.parse(t.toUpperCase(Locale.ROOT));
        }
        Matcher m = PART.matcher(t);
        Duration total = Duration.ZERO;
        int at = 0;
        while (at < t.length() && m.find(at) && m.start() == at) {
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
            at = m.end();
        }
        if (at == 0 || at != t.length()) {
            throw new IllegalArgumentException(
                    "not a duration: '" + text + "' (examples: 250ms, 30s, 5m, 1h30m, PT5M)");
        }
        return total;
    }
}
