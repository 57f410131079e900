package io.streamwatch.formats;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * The value found at one wanted JSON path of the current record. Reused across records, so the
 * parser allocates nothing per field beyond the strings it must keep.
 */
final class Capture {
    /** The token found, or null when the path was absent or JSON null. */
    JsonToken token;

    String text;
    double number;
    long integer;

    /** True when an integer token fits a long. */
    boolean isLong;

    /** True when the path held JSON null (then {@link #token} is null, as for an absent path). */
    boolean wasNull;

    void reset() {
        token = null;
        text = null;
        isLong = false;
        wasNull = false;
    }

    boolean present() {
        return token != null;
    }

    /** Reads the scalar the parser is positioned on. */
    void read(JsonParser p, JsonToken t) throws IOException {
        switch (t) {
            case VALUE_NULL:
                reset();
                wasNull = true;
                return;
            case VALUE_STRING:
                text = p.getText();
                break;
            case VALUE_NUMBER_INT:
                JsonParser.NumberType type = p.getNumberType();
                if (type == JsonParser.NumberType.INT || type == JsonParser.NumberType.LONG) {
                    integer = p.getLongValue();
                    number = integer;
                    isLong = true;
                } else {
                    number = p.getDoubleValue();
                    isLong = false;
                }
                break;
            case VALUE_NUMBER_FLOAT:
                number = p.getDoubleValue();
                isLong = false;
                break;
            case VALUE_TRUE:
            case VALUE_FALSE:
                text = t == JsonToken.VALUE_TRUE ? "true" : "false";
                break;
            default:
                break;
        }
        token = t;
    }

    boolean isNumber() {
        return token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT;
    }

    /**
     * Why a required value is missing, for a dead letter's detail: an explicit null says so, rather
     * than claiming the field is not there.
     */
    String missing(String path) {
        return wasNull ? "'" + path + "' is null" : "no '" + path + "' field";
    }

    /** What the value is, in words, for "found ..." in a dead letter's detail. */
    String describe() {
        if (token == null) {
            return wasNull ? "null" : "nothing";
        }
        return isBoolean() ? "boolean " + text : Payloads.typeOf(token);
    }

    boolean isBoolean() {
        return token == JsonToken.VALUE_TRUE || token == JsonToken.VALUE_FALSE;
    }

    boolean isContainer() {
        return token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY;
    }

    /** The value as text for a group field or a message; null for objects and arrays. */
    String asText() {
        if (token == null || isContainer()) {
            return null;
        }
        if (text != null) {
            return text;
        }
        if (isLong) {
            return Long.toString(integer);
        }
        return Double.toString(number);
    }
}
