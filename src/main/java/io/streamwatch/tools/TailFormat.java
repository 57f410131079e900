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
 *
 * <p>Alert transitions are what the playground is for, so they stand out: they start with {@code
 * FIRING} or {@code RESOLVED} where every aggregate starts with its window, and with colour on (for
 * a terminal) the whole line is red or green.
 */
public final class TailFormat {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** Label keys that are not group fields; the rest of an alert's labels identify what fired. */
    private static final Set<String> NON_GROUP_LABELS = Set.of("alertname", "severity");

    static final String RED = "\u001b[1;31m";
    static final String GREEN = "\u001b[1;32m";
    static final String YELLOW = "\u001b[1;33m";
    static final String RESET = "\u001b[0m";

    /** What a record is, so a reader can pick (e.g. alerts only). */
    public enum Kind {
        AGGREGATE,
        ALERT,
        DEAD_LETTER,
        /** Anything else: unknown shapes, text, tombstones. */
        OTHER
    }

    /** One formatted record. */
    public record Line(Kind kind, String text, String alertStatus, String fingerprint) {
        static Line of(Kind kind, String text) {
            return new Line(kind, text, null, null);
        }
    }

    private final DateTimeFormatter clock;
    private final boolean colour;

    /** Formats times of day in {@code zone}, the reader's zone in the playground; no colour. */
    public TailFormat(ZoneId zone) {
        this(zone, false);
    }

    /**
     * @param zone times of day are shown in this zone
     * @param colour ANSI colours for alert lines (for a terminal; never into a file or pipe)
     */
    public TailFormat(ZoneId zone, boolean colour) {
        this.clock = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT).withZone(zone);
        this.colour = colour;
    }

    /** One line for a record value; {@code null} is a tombstone. */
    public String line(byte[] value) {
        return format(value).text();
    }

    /** One line for a record value, with what kind of record it is. */
    public Line format(byte[] value) {
        if (value == null) {
            return Line.of(Kind.OTHER, "<tombstone>");
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
            return Line.of(Kind.OTHER, "<" + value.length + " bytes, not UTF-8>");
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(text);
        } catch (Exception e) {
            return Line.of(Kind.OTHER, oneLine(text));
        }
        if (node == null || !node.isObject()) {
            return Line.of(Kind.OTHER, oneLine(text));
        }
        Kind kind = kind(node);
        try {
            Line line = shaped(kind, node);
            if (line != null) {
                return line;
            }
        } catch (RuntimeException e) {
            // A known type with unexpected contents: fall through to the raw JSON.
        }
        return Line.of(kind, node.toString());
    }

    private static Kind kind(JsonNode node) {
        String type = node.path("type").asText("");
        if (type.equals("log_aggregate") || type.equals("metric_aggregate")) {
            return Kind.AGGREGATE;
        }
        if (node.has("fingerprint") && node.has("status") && node.has("labels")) {
            return Kind.ALERT;
        }
        if (node.has("source_topic") && node.has("reason")) {
            return Kind.DEAD_LETTER;
        }
        return Kind.OTHER;
    }

    private Line shaped(Kind kind, JsonNode node) {
        switch (kind) {
            case AGGREGATE:
                return Line.of(
                        kind,
                        node.path("type").asText().equals("log_aggregate")
                                ? logAggregate(node)
                                : metricAggregate(node));
            case ALERT:
                String status = node.path("status").asText("?").toLowerCase(Locale.ROOT);
                String text = alert(node);
                if (colour) {
                    String on =
                            status.equals("firing")
                                    ? RED
                                    : status.equals("resolved") ? GREEN : YELLOW;
                    text = on + text + RESET;
                }
                return new Line(kind, text, status, node.path("fingerprint").asText(null));
            case DEAD_LETTER:
                return Line.of(kind, deadLetter(node));
            default:
                return null;
        }
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

    /**
     * {@code FIRING HighErrorRatio [page] service=checkout team=payments "summary"
     * startsAt=10:16:00 value=0.12 threshold=0.05 window=10:15:00-10:16:00}; a resolved alert also
     * has {@code endsAt} (and {@code reason} when its rule changed).
     */
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
        if (labels.hasNonNull("severity")) {
            sb.append(" [").append(labels.get("severity").asText()).append(']');
        }
        if (!group.isEmpty()) {
            sb.append(' ').append(String.join(" ", group));
        }
        String summary = n.path("annotations").path("summary").asText("");
        if (!summary.isEmpty()) {
            sb.append(" \"").append(shorten(summary, 120)).append('"');
        }
        if (n.hasNonNull("startsAt")) {
            sb.append(" startsAt=").append(time(n.get("startsAt")));
        }
        if (n.hasNonNull("endsAt")) {
            sb.append(" endsAt=").append(time(n.get("endsAt")));
        }
        if (n.hasNonNull("value")) {
            sb.append(" value=").append(number(n.get("value")));
        }
        if (n.hasNonNull("resolved_value")) {
            sb.append(" resolved_value=").append(number(n.get("resolved_value")));
        }
        if (n.hasNonNull("threshold")) {
            sb.append(" threshold=").append(number(n.get("threshold")));
        }
        if (n.hasNonNull("window_start")) {
            sb.append(" window=").append(window(n));
        }
        if (n.hasNonNull("reason")) {
            sb.append(" reason=").append(n.get("reason").asText());
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
