package io.streamwatch.formats;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.streamwatch.records.RejectReason;
import io.streamwatch.records.Times;
import java.io.IOException;

/**
 * Checks every JSON format makes the same way: the payload is one object and nothing else, and the
 * event time is close to the record's Kafka time. Shared so all formats reject alike, with the same
 * reasons and wording.
 */
final class Payloads {
    private Payloads() {}

    /** Reads the first token; rejects anything but the start of an object. */
    static void startObject(JsonParser p) throws IOException, RejectException {
        JsonToken first = p.nextToken();
        if (first == null) {
            throw new RejectException(RejectReason.EMPTY, "the payload is blank");
        }
        if (first != JsonToken.START_OBJECT) {
            throw new RejectException(
                    RejectReason.NOT_AN_OBJECT, "the payload is a JSON " + describe(first));
        }
    }

    /** Rejects content after the top-level object, which a lenient reader would silently drop. */
    static void expectEnd(JsonParser p) throws IOException, RejectException {
        if (p.nextToken() != null) {
            throw new RejectException(
                    RejectReason.MALFORMED_JSON,
                    "unexpected content after the JSON object at column "
                            + p.currentLocation().getColumnNr());
        }
    }

    /**
     * Rejects an event time too far from the record's Kafka time: a wrong unit or a broken clock
     * would otherwise open windows far from all others and hold back or race the watermark.
     */
    static void checkSkew(long ts, RecordOrigin origin, long maxAgeMillis, long maxFutureMillis)
            throws RejectException {
        if (origin.kafkaTimestamp < 0) {
            return;
        }
        if (ts < origin.kafkaTimestamp - maxAgeMillis
                || ts > origin.kafkaTimestamp + maxFutureMillis) {
            throw new RejectException(
                    RejectReason.TIMESTAMP_OUT_OF_RANGE,
                    "event time "
                            + Times.iso(ts)
                            + " is too far from the record's Kafka time "
                            + Times.iso(origin.kafkaTimestamp)
                            + " (limits.max_event_age / max_event_future)");
        }
    }

    /** A token's JSON type in words, for reject details. */
    static String typeOf(JsonToken t) {
        if (t == null) {
            return "nothing";
        }
        switch (t) {
            case START_OBJECT:
                return "object";
            case START_ARRAY:
                return "array";
            case VALUE_STRING:
                return "string";
            case VALUE_NULL:
                return "null";
            case VALUE_TRUE:
            case VALUE_FALSE:
                return "boolean";
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
                return "number";
            default:
                return t.toString();
        }
    }

    private static String describe(JsonToken t) {
        return typeOf(t) + ", not an object";
    }
}
