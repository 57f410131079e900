package io.streamwatch.rules;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A summary or description template: text with {@code {{variable}}} or {@code {{variable |
 * filter}}} placeholders. Parsed once when the rule is loaded, so an unknown variable or filter is
 * a load-time problem, not a surprise in an alert.
 *
 * <p>Filters: {@code pct} (0.12 to {@code 12.0%}), {@code int} (rounded). Numbers print without
 * trailing zeros and with at most 4 significant decimals.
 */
public final class Template implements Serializable {
    private static final long serialVersionUID = 1L;

    private static final Pattern PLACEHOLDER =
            Pattern.compile("\\{\\{\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*(?:\\|\\s*([a-z]+)\\s*)?}}");
    private static final Set<String> FILTERS = Set.of("pct", "int");

    private final List<String> literals = new ArrayList<>();
    private final List<String> variables = new ArrayList<>();
    private final List<String> filters = new ArrayList<>();

    private Template() {}

    /**
     * Parses {@code text}; problems (unknown variables or filters) go to {@code problems}.
     *
     * @param known the variables this template may use
     */
    public static Template parse(String text, Set<String> known, List<String> problems) {
        Template t = new Template();
        Matcher m = PLACEHOLDER.matcher(text);
        int at = 0;
        while (m.find()) {
            t.literals.add(text.substring(at, m.start()));
            String var = m.group(1);
            String filter = m.group(2);
            if (!known.contains(var)) {
                problems.add(
                        "unknown template variable {{"
                                + var
                                + "}} (known: "
                                + String.join(", ", known.stream().sorted().toList())
                                + ")");
            }
            if (filter != null && !FILTERS.contains(filter)) {
                problems.add("unknown template filter '" + filter + "' (known: pct, int)");
            }
            t.variables.add(var);
            t.filters.add(filter);
            at = m.end();
        }
        t.literals.add(text.substring(at));
        if (text.substring(at).contains("{{")) {
            problems.add("unclosed or malformed placeholder in \"" + text + "\"");
        }
        return t;
    }

    /** The variables the placeholders name, in order (with repeats). */
    public List<String> variables() {
        return java.util.Collections.unmodifiableList(variables);
    }

    /** Renders with these values; a value the map lacks renders as an empty string. */
    public String render(Map<String, ?> values) {
        StringBuilder b = new StringBuilder(literals.get(0));
        for (int i = 0; i < variables.size(); i++) {
            b.append(format(values.get(variables.get(i)), filters.get(i)));
            b.append(literals.get(i + 1));
        }
        return b.toString();
    }

    static String format(Object v, String filter) {
        if (v == null) {
            return "";
        }
        if (!(v instanceof Number)) {
            return v.toString();
        }
        double d = ((Number) v).doubleValue();
        if ("pct".equals(filter)) {
            return String.format(Locale.ROOT, "%.1f%%", d * 100);
        }
        if ("int".equals(filter)) {
            return Long.toString(Math.round(d));
        }
        return number(d);
    }

    /** 12.0 to {@code 12}, 0.123456 to {@code 0.1235}, 1234.5 to {@code 1234.5}. */
    public static String number(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            return Double.toString(d);
        }
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return Long.toString((long) d);
        }
        String s =
                new java.math.BigDecimal(d)
                        .round(new java.math.MathContext(6))
                        .stripTrailingZeros()
                        .toPlainString();
        int dot = s.indexOf('.');
        if (dot >= 0 && s.length() - dot - 1 > 4) {
            s = String.format(Locale.ROOT, "%.4f", d).replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        return s;
    }
}
