package io.streamwatch.faults;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The fault suite's own reading of SPEC section 6 and the dead-letter table of docs/formats.md,
 * written without the job's decoder: what a {@code streamwatch}-format payload is (a valid event,
 * or the one reason it must be rejected with).
 *
 * <p>Order of the checks, where a payload could fail more than one: the bytes first (null or blank:
 * {@code empty}; above the size limit: {@code oversized}; not UTF-8: {@code invalid_utf8}, since
 * JSON text is UTF-8 by definition), then the JSON in text order (the first of a duplicate key,
 * nesting deeper than 64 or a syntax error decides: {@code duplicate_key}, {@code too_deep}, {@code
 * malformed_json}; then {@code not_an_object}), then the fields. The generator only makes payloads
 * with one problem among the fields, so their order never matters.
 *
 * <p>It only knows the level texts the generator uses and fails on any other, so a generator change
 * cannot silently turn into a wrong expectation.
 */
final class InputClassifier {
    /** What a payload is: a reason, or a valid log or metric event. */
    record Verdict(
            String reason,
            String service,
            String level,
            String host,
            String name,
            double value,
            long eventTime) {
        static Verdict reject(String reason) {
            return new Verdict(reason, null, null, null, null, 0, 0);
        }

        boolean valid() {
            return reason == null;
        }
    }

    static final int MAX_DEPTH = 64;

    private static final Map<String, String> LEVELS =
            Map.ofEntries(
                    Map.entry("TRACE", "TRACE"),
                    Map.entry("DEBUG", "DEBUG"),
                    Map.entry("INFO", "INFO"),
                    Map.entry("WARN", "WARN"),
                    Map.entry("WARNING", "WARN"),
                    Map.entry("ERROR", "ERROR"),
                    Map.entry("FATAL", "FATAL"));
    private static final Set<String> NOT_LEVELS = Set.of("LOUD", "BANANA", "");

    private final ObjectMapper strict;
    private final JsonFactory factory;
    private final int maxRecordBytes;
    private final long maxAgeMillis;
    private final long maxFutureMillis;

    InputClassifier(int maxRecordBytes, long maxAgeMillis, long maxFutureMillis) {
        this.maxRecordBytes = maxRecordBytes;
        this.maxAgeMillis = maxAgeMillis;
        this.maxFutureMillis = maxFutureMillis;
        this.factory =
                JsonFactory.builder()
                        .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                        .streamReadConstraints(
                                StreamReadConstraints.builder()
                                        .maxNestingDepth(100_000)
                                        .maxNumberLength(Integer.MAX_VALUE)
                                        .maxStringLength(Integer.MAX_VALUE)
                                        .build())
                        .build();
        this.strict = new ObjectMapper(factory);
        this.strict.enable(
                com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
        this.strict.enable(
                com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_INTEGER_FOR_INTS);
    }

    Verdict classify(byte[] payload, boolean metrics, long kafkaTimestamp) {
        if (payload == null || new String(payload, StandardCharsets.ISO_8859_1).isBlank()) {
            return Verdict.reject("empty");
        }
        if (payload.length > maxRecordBytes) {
            return Verdict.reject("oversized");
        }
        String text;
        try {
            text =
                    StandardCharsets.UTF_8
                            .newDecoder()
                            .onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT)
                            .decode(ByteBuffer.wrap(payload))
                            .toString();
        } catch (CharacterCodingException e) {
            return Verdict.reject("invalid_utf8");
        }
        String structural = structure(text);
        if (structural != null) {
            return Verdict.reject(structural);
        }
        JsonNode root;
        try {
            root = strict.readTree(text);
        } catch (Exception e) {
            throw new IllegalStateException("structure() accepted what readTree rejects", e);
        }
        if (!root.isObject()) {
            return Verdict.reject("not_an_object");
        }
        JsonNode ts = root.get("timestamp");
        if (ts == null || ts.isNull()) {
            return Verdict.reject("missing_field");
        }
        Long eventTime = eventTime(ts);
        if (eventTime == null) {
            return Verdict.reject("wrong_type");
        }
        if (eventTime == Long.MIN_VALUE
                || eventTime < kafkaTimestamp - maxAgeMillis
                || eventTime > kafkaTimestamp + maxFutureMillis) {
            return Verdict.reject("timestamp_out_of_range");
        }
        String service = group(root.get("service"));
        if (!metrics) {
            JsonNode l = root.get("level");
            String level;
            if (l == null || l.isNull()) {
                level = "INFO";
            } else if (l.isIntegralNumber()) {
                int n = l.bigIntegerValue().min(BigInteger.valueOf(1000)).intValue();
                if (n < 1 || n > 24) {
                    return Verdict.reject("unknown_level");
                }
                level =
                        new String[] {"TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"}
                                [(n - 1) / 4];
            } else if (l.isTextual()) {
                String u = l.asText().toUpperCase(Locale.ROOT);
                if (NOT_LEVELS.contains(u)) {
                    return Verdict.reject("unknown_level");
                }
                level = LEVELS.get(u);
                if (level == null) {
                    throw new IllegalStateException("the classifier does not know level " + u);
                }
            } else {
                return Verdict.reject("wrong_type");
            }
            return new Verdict(null, service, level, null, null, 0, eventTime);
        }
        JsonNode name = root.get("name");
        if (name == null || name.isNull() || (name.isTextual() && name.asText().isEmpty())) {
            return Verdict.reject("missing_field");
        }
        if (!name.isTextual()) {
            throw new IllegalStateException("the generator makes no non-text names");
        }
        JsonNode v = root.get("value");
        if (v == null || v.isNull()) {
            return Verdict.reject("missing_field");
        }
        double value;
        if (v.isNumber()) {
            value =
                    v.isBigDecimal() || v.isBigInteger()
                            ? v.decimalValue().doubleValue()
                            : v.doubleValue();
            if (Double.isNaN(value) || Double.isInfinite(value)) {
                return Verdict.reject("non_finite_number");
            }
        } else if (v.isTextual()) {
            String s = v.asText();
            if (!s.matches("-?[0-9]+(\\.[0-9]+)?")) {
                return Verdict.reject("wrong_type");
            }
            value = Double.parseDouble(s);
        } else {
            return Verdict.reject("wrong_type");
        }
        return new Verdict(
                null, service, null, group(root.get("host")), name.asText(), value, eventTime);
    }

    /**
     * The JSON-level verdict from a streaming pass: duplicate keys, depth, syntax; null when the
     * text is one well-formed JSON value.
     */
    private String structure(String text) {
        int depth = 0;
        try (JsonParser p = factory.createParser(text)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                    depth++;
                    if (depth > MAX_DEPTH) {
                        // The first problem in text order decides; a parser stops here.
                        return "too_deep";
                    }
                } else if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
                    depth--;
                }
                if (depth == 0 && (t.isScalarValue() || t.isStructEnd())) {
                    // One value only: anything after it is malformed.
                    if (p.nextToken() != null) {
                        return "malformed_json";
                    }
                    break;
                }
            }
        } catch (com.fasterxml.jackson.core.JsonParseException e) {
            if (e.getOriginalMessage().startsWith("Duplicate field")) {
                return "duplicate_key";
            }
            return "malformed_json";
        } catch (java.io.IOException e) {
            return "malformed_json";
        }
        return null;
    }

    /** Epoch millis; null for a wrong type; {@link Long#MIN_VALUE} for a number beyond any date. */
    private static Long eventTime(JsonNode ts) {
        if (ts.isIntegralNumber()) {
            BigInteger b = ts.bigIntegerValue();
            // Years 1 to 9999 in epoch millis.
            if (b.compareTo(BigInteger.valueOf(253_402_300_799_999L)) > 0
                    || b.compareTo(BigInteger.valueOf(-62_135_596_800_000L)) < 0) {
                return Long.MIN_VALUE;
            }
            return b.longValue();
        }
        if (ts.isTextual()) {
            String s = ts.asText();
            if (s.matches("[0-9]{1,15}")) {
                return Long.parseLong(s);
            }
            try {
                return OffsetDateTime.parse(s).toInstant().toEpochMilli();
            } catch (DateTimeParseException e) {
                return null;
            }
        }
        if (ts.isNumber()) {
            throw new IllegalStateException("the generator makes no fractional timestamps");
        }
        return null;
    }

    private static String group(JsonNode n) {
        if (n == null || n.isNull()) {
            return "unknown";
        }
        if (!n.isTextual()) {
            throw new IllegalStateException("the generator makes only text group fields");
        }
        return n.asText();
    }
}
