package io.streamwatch.records;

import java.util.Locale;

/**
 * Why a record went to the dead-letter topic. The {@link #code()} is the one word written in the
 * record's {@code reason} field and used as the metric label; the list is documented in
 * docs/formats.md.
 */
public enum RejectReason {
    /** The payload is not parseable JSON. */
    MALFORMED_JSON,
    /** Valid JSON, but not an object at the top level. */
    NOT_AN_OBJECT,
    /** A required field (timestamp, metric name or value, ...) is absent or null. */
    MISSING_FIELD,
    /** A field has the wrong JSON type, or text that does not parse as that field. */
    WRONG_TYPE,
    /** A number is NaN, infinite, or too large for a double. */
    NON_FINITE_NUMBER,
    /** The event time is unparseable as a time or too far from the record's Kafka time. */
    TIMESTAMP_OUT_OF_RANGE,
    /** The payload is larger than the configured maximum. */
    OVERSIZED,
    /** The payload is not valid UTF-8. */
    INVALID_UTF8,
    /** The payload is empty, blank, or a tombstone. */
    EMPTY,
    /** The same key appears twice in one JSON object. */
    DUPLICATE_KEY,
    /** The JSON nests deeper than the parser allows. */
    TOO_DEEP,
    /** The level field holds text that is not a known level. */
    UNKNOWN_LEVEL,
    /**
     * Not bad input: decoding the record failed with an unexpected exception, a bug in Streamwatch.
     * The detail names the exception and where it was thrown; the decoder also logs it at ERROR.
     */
    INTERNAL_ERROR;

    /** The word written in dead-letter records, e.g. {@code malformed_json}. */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }
}
