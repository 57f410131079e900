package io.streamwatch.alertmanager;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamwatch.records.Times;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * Maps an alert record of the alerts topic (SPEC section 5: Alertmanager's alert model plus
 * Streamwatch's fields) to the alert Alertmanager's API takes. The record already has the model's
 * fields, so this is a mapping, not a rewrite:
 *
 * <ul>
 *   <li>{@code labels}: the record's labels, names made valid for Alertmanager 0.25 (which rejects
 *       a whole alert for one name outside {@code [a-zA-Z_][a-zA-Z0-9_]*}, e.g. a {@code group_by}
 *       JSON path such as {@code resource.service}: every other character becomes {@code _}, a
 *       leading digit gets a {@code _} in front, as Prometheus does); labels with an empty value
 *       are left out, as Alertmanager drops them too.
 *   <li>{@code annotations}: the record's annotations ({@code summary}, {@code description}, and on
 *       a resolve {@code resolved}), plus Streamwatch's fields as text so notification templates
 *       can use them: {@code value}, {@code threshold}, {@code window_start}, {@code window_end},
 *       {@code pipeline}, {@code fingerprint}, and on a resolve {@code resolved_value}, {@code
 *       resolved_at} and {@code reason} when the record has them. Nulls are left out.
 *   <li>{@code startsAt}: the record's, unchanged: a re-send after a restart carries the same one.
 *   <li>{@code endsAt}: only on a resolve: the record's, but never after {@code now} (Alertmanager
 *       would keep an alert that ends in the future firing until then) and never before {@code
 *       startsAt} (it rejects that). A firing alert has none: Alertmanager then keeps it for its
 *       {@code resolve_timeout} after each send, which the bridge's re-sends renew.
 * </ul>
 */
public final class AlertRecordMapping {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The extra fields copied into the annotations, in this order. */
    private static final String[] FIELDS = {
        "value", "threshold", "window_start", "window_end", "pipeline", "fingerprint"
    };

    private static final String[] RESOLVED_FIELDS = {"resolved_value", "resolved_at", "reason"};

    private AlertRecordMapping() {}

    /**
     * The Alertmanager alert of one record value.
     *
     * @param now when the alert is mapped: the latest {@code endsAt} a resolve may have
     * @throws IllegalArgumentException with the reason when the record is not an alert record
     */
    public static AlertmanagerAlert map(byte[] value, Instant now) {
        JsonNode r;
        try {
            r = JSON.readTree(value);
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "not JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (r == null || !r.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        String fingerprint = text(r, "fingerprint");
        if (fingerprint == null) {
            throw new IllegalArgumentException("no fingerprint");
        }
        String status = text(r, "status");
        boolean firing;
        if ("firing".equals(status)) {
            firing = true;
        } else if ("resolved".equals(status)) {
            firing = false;
        } else {
            throw new IllegalArgumentException("status is neither firing nor resolved: " + status);
        }
        Instant startsAt = time(r, "startsAt");
        if (startsAt == null) {
            throw new IllegalArgumentException("no startsAt");
        }

        ObjectNode out = JSON.createObjectNode();
        ObjectNode labels = out.putObject("labels");
        Map<String, String> sorted = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = r.path("labels").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String v = e.getValue().isValueNode() ? e.getValue().asText() : null;
            if (v != null && !v.isEmpty() && !e.getValue().isNull()) {
                // The first of two names that become the same label wins, in name order.
                sorted.putIfAbsent(labelName(e.getKey()), v);
            }
        }
        if (sorted.isEmpty()) {
            throw new IllegalArgumentException("no labels");
        }
        sorted.forEach(labels::put);

        ObjectNode annotations = out.putObject("annotations");
        for (Iterator<Map.Entry<String, JsonNode>> it = r.path("annotations").fields();
                it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isNull() && e.getValue().isValueNode()) {
                annotations.put(labelName(e.getKey()), e.getValue().asText());
            }
        }
        for (String f : FIELDS) {
            annotate(annotations, r, f);
        }
        if (!firing) {
            for (String f : RESOLVED_FIELDS) {
                annotate(annotations, r, f);
            }
        }

        out.put("startsAt", text(r, "startsAt"));
        if (!firing) {
            Instant endsAt = time(r, "endsAt");
            if (endsAt == null || endsAt.isAfter(now)) {
                endsAt = now;
            }
            if (endsAt.isBefore(startsAt)) {
                endsAt = startsAt;
            }
            out.put("endsAt", Times.iso(endsAt.toEpochMilli()));
        }
        return new AlertmanagerAlert(fingerprint, firing, out);
    }

    /**
     * A label or annotation name Alertmanager 0.25 accepts: characters outside {@code [a-zA-Z0-9_]}
     * become {@code _}, and a name that starts with a digit (or is empty) gets a {@code _} in
     * front.
     */
    public static String labelName(String name) {
        StringBuilder b = new StringBuilder(name.length() + 1);
        if (name.isEmpty() || (name.charAt(0) >= '0' && name.charAt(0) <= '9')) {
            b.append('_');
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok =
                    (c >= 'a' && c <= 'z')
                            || (c >= 'A' && c <= 'Z')
                            || (c >= '0' && c <= '9')
                            || c == '_';
            b.append(ok ? c : '_');
        }
        return b.toString();
    }

    private static void annotate(ObjectNode annotations, JsonNode r, String field) {
        JsonNode v = r.get(field);
        if (v == null || v.isNull() || !v.isValueNode() || annotations.has(field)) {
            return;
        }
        annotations.put(field, v.isNumber() ? plain(v) : v.asText());
    }

    /** A number as written without a needless ".0" or exponent: 600, 0.12, 0.0001. */
    private static String plain(JsonNode v) {
        BigDecimal d = v.decimalValue().stripTrailingZeros();
        return d.scale() < 0 ? d.setScale(0).toPlainString() : d.toPlainString();
    }

    private static String text(JsonNode r, String field) {
        JsonNode v = r.get(field);
        return v == null || !v.isTextual() ? null : v.textValue();
    }

    private static Instant time(JsonNode r, String field) {
        String t = text(r, field);
        if (t == null) {
            return null;
        }
        try {
            return Instant.parse(t);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(field + " is not an ISO-8601 time: " + t);
        }
    }
}
