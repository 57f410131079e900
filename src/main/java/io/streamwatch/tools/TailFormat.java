package io.streamwatch.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Turns one output record of the job (SPEC section 5 shapes) into one short line a person can scan
 * while the playground runs. Kept apart from the consumer in {@link AggregateTail} so every shape
 * can be tested without Kafka. Anything it does not recognise is printed as compact raw JSON (or
 * text), never dropped, so a new or broken shape is still visible.
 */
public final class TailFormat {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** Label keys that are not group fields; the rest of an alert's labels identify what fired. */
    private static final Set<String> NON_GROUP_LABELS = Set.of("alertname", "severity");

    private final DateTimeFormatter clock;

    /** Formats times of day in {@code zone}, the reader's zone in the playground. */
    public TailFormat(ZoneId zone) {
        this.clock = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT).withZone(zone);
    }

    /** One line for a record value; {@code null} is a tombstone. */
    public String line(byte[] value) {
        if (value == null) {
            return "<tombstone>";
        }
        String text;
        try {
            text =
                    StandardCharsets.UTF_8
                            .newDecoder()
                            .onMalformedInput(CodingErrorAction.REPORT)
                            .decode(ByteBuffer.wrap(value))
                            .toString();
        } catch (CharacterCodingException e) {
            return "<" + value.length + " bytes, not UTF-8>";
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(text);
        } catch (Exception e) {
            return oneLine(text);
        }
        if (node == null || !node.isObject()) {
            return oneLine(text);
        }
        try {
            String line = shaped(node);
            if (line != null) {
                return line;
            }
        } catch (RuntimeException e) {
            // A known type with unexpected contents: fall through to the raw JSON.
        }
        return node.toString();
    }

    private String shaped(JsonNode node) {
        String type = node.path("type").asText("");
        if (type.equals("log_aggregate")) {
            return logAggregate(node);
        }
        if (type.equals("metric_aggregate")) {
            return metricAggregate(node);
        }
        if (node.has("fingerprint") && node.has("status") && node.has("labels")) {
            return alert(node);
        }
        if (node.has("source_topic") && node.has("reason")) {
            return deadLetter(node);
        }
        return null;
    }

    /** {@code 10:15:00-10:16:00 app-logs checkout total=1532 err=3.4% top="..."x41}. */
    String logAggregate(JsonNode n) {
        StringBuilder sb = new StringBuilder();
        sb.append(window(n)).append(' ').append(n.path("pipeline").asText("?")).append(' ');
        sb.append(pad(group(n.path("group")), 12));
        sb.append(" total=").append(n.path("total").asLong());
        sb.append(" err=").append(percent(n.path("error_ratio").asDouble()));
        JsonNode top = n.path("top_patterns");
        if (top.isArray() && !top.isEmpty()) {
            JsonNode first = top.get(0);
            sb.append(" top=\"")
                    .append(shorten(first.path("pattern").asText(), 70))
                    .append("\"x")
                    .append(first.path("count").asLong());
            if (top.size() > 1) {
                sb.append(" (+").append(top.size() - 1).append(" more)");
            }
        }
        return sb.toString();
    }

    /**
     * {@code 10:15:00-10:16:00 app-metrics http.server.duration checkout/web-1 n=600 p50=98.2 ...}.
     */
    String metricAggregate(JsonNode n) {
        return window(n)
                + ' '
                + n.path("pipeline").asText("?")
                + ' '
                + n.path("name").asText("?")
                + ' '
                + group(n.path("group"))
                + " n="
                + n.path("count").asLong()
                + " p50="
                + number(n.path("p50"))
                + " p99="
                + number(n.path("p99"))
                + " max="
                + number(n.path("max"));
    }

    /** {@code FIRING HighErrorRatio checkout [page] value=0.12 threshold=0.05 ... "summary"}. */
    String alert(JsonNode n) {
        JsonNode labels = n.path("labels");
        String name = labels.path("alertname").asText(n.path("rule").asText("?"));
        List<String> group = new ArrayList<>();
        for (Map.Entry<String, JsonNode> label : labels.properties()) {
            if (!NON_GROUP_LABELS.contains(label.getKey())) {
                group.add(label.getKey() + "=" + label.getValue().asText());
            }
        }
        StringBuilder sb = new StringBuilder();
        sb.append(pad(n.path("status").asText("?").toUpperCase(Locale.ROOT), 8));
        sb.append(' ').append(name);
        if (!group.isEmpty()) {
            sb.append(' ').append(String.join(" ", group));
        }
        if (labels.hasNonNull("severity")) {
            sb.append(" [").append(labels.get("severity").asText()).append(']');
        }
        if (n.hasNonNull("value")) {
            sb.append(" value=").append(number(n.get("value")));
        }
        if (n.hasNonNull("threshold")) {
            sb.append(" threshold=").append(number(n.get("threshold")));
        }
        if (n.hasNonNull("window_start")) {
            sb.append(" window=").append(window(n));
        }
        String summary = n.path("annotations").path("summary").asText("");
        if (!summary.isEmpty()) {
            sb.append(" \"").append(shorten(summary, 100)).append('"');
        }
        return sb.toString();
    }

    /** {@code DEAD logs/0@1234 malformed_json: Unexpected end-of-input ...}. */
    String deadLetter(JsonNode n) {
        return "DEAD "
                + n.path("source_topic").asText("?")
                + '/'
                + n.path("partition").asText("?")
                + '@'
                + n.path("offset").asText("?")
                + ' '
                + n.path("reason").asText("?")
                + ": "
                + shorten(n.path("detail").asText(""), 100);
    }

    private String window(JsonNode n) {
        return time(n.path("window_start")) + '-' + time(n.path("window_end"));
    }

    private String time(JsonNode iso) {
        if (!iso.isTextual()) {
            return "?";
        }
        try {
            return clock.format(Instant.parse(iso.asText()));
        } catch (DateTimeParseException e) {
            return iso.asText();
        }
    }

    private static String group(JsonNode group) {
        if (!group.isObject() || group.isEmpty()) {
            return "-";
        }
        List<String> values = new ArrayList<>();
        group.elements().forEachRemaining(v -> values.add(v.asText()));
        return String.join("/", values);
    }

    private static String percent(double ratio) {
        return String.format(Locale.ROOT, "%.1f%%", ratio * 100);
    }

    /** Compact numbers: one decimal for ordinary values, 3 significant digits otherwise. */
    static String number(JsonNode v) {
        if (v == null || !v.isNumber()) {
            return v == null || v.isMissingNode() || v.isNull() ? "-" : v.asText();
        }
        double d = v.asDouble();
        double abs = Math.abs(d);
        if (abs == 0 || (abs >= 1 && abs < 1e7)) {
            String s = String.format(Locale.ROOT, "%.1f", d);
            return s.endsWith(".0") ? s.substring(0, s.length() - 2) : s;
        }
        if (abs < 1) {
            return new BigDecimal(d).round(new MathContext(3)).stripTrailingZeros().toPlainString();
        }
        return String.format(Locale.ROOT, "%.3e", d);
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }

    private static String shorten(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 3) + "...";
    }

    private static String oneLine(String text) {
        return shorten(text.replace('\n', ' ').replace('\r', ' '), 500);
    }
}
