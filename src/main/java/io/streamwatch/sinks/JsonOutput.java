package io.streamwatch.sinks;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import io.streamwatch.records.Times;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * Writes output records as JSON bytes with Jackson's streaming generator: no intermediate tree.
 * Each thread keeps one generator and buffer and reuses them for every record, since encoders run
 * in Flink task threads and create-and-close per record was a good part of the encoding cost.
 * Shared by every encoder so all outputs write times and maps alike.
 */
public final class JsonOutput {
    /**
     * With Jackson's port of the Schubfach algorithm for doubles: on Java 17, {@code
     * Double.toString} was most of the time it takes to write a metric aggregate's nine figures.
     * The same shortest digits that read back to the same double.
     */
    private static final JsonFactory FACTORY =
            JsonFactory.builder().enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER).build();

    /** Field names every aggregate writes, in its value and its key, encoded once. */
    static final SerializableString GROUP = new SerializedString("group");

    static final SerializableString WINDOW_START = new SerializedString("window_start");
    static final SerializableString WINDOW_END = new SerializedString("window_end");
    private static final SerializableString PIPELINE = new SerializedString("pipeline");
    private static final SerializableString NAME = new SerializedString("name");

    /** What an encoder writes between the object's braces. */
    @FunctionalInterface
    public interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    private JsonOutput() {}

    /** One JSON object, as a fresh array the caller owns. */
    public static byte[] object(Body body) {
        Writer w = WRITER.get();
        if (w.busy) {
            // A body that writes another object: the thread's writer is in use.
            return new Writer().write(body);
        }
        w.busy = true;
        try {
            return w.write(body);
        } catch (RuntimeException | Error e) {
            // The generator may be mid-object: start the next record with a new one.
            WRITER.remove();
            throw e;
        } finally {
            w.busy = false;
        }
    }

    private static final ThreadLocal<Writer> WRITER = ThreadLocal.withInitial(Writer::new);

    /**
     * A generator that stays open over its buffer and writes one root object after another: no
     * separator between them, and the buffer is emptied before each.
     */
    private static final class Writer {
        private final ByteArrayBuilder buf = new ByteArrayBuilder(512);
        private final JsonGenerator g;
        private boolean busy;

        Writer() {
            try {
                g = FACTORY.createGenerator(buf, JsonEncoding.UTF8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            g.setRootValueSeparator(null);
        }

        byte[] write(Body body) {
            buf.reset();
            try {
                g.writeStartObject();
                body.write(g);
                g.writeEndObject();
                g.flush();
            } catch (IOException e) {
                // Writing to memory does not fail; this would be a bug.
                throw new UncheckedIOException(e);
            }
            return buf.toByteArray();
        }
    }

    public static void time(JsonGenerator g, String field, long epochMillis) throws IOException {
        g.writeStringField(field, ISO_TIMES.get().iso(epochMillis));
    }

    /** As {@link #time(JsonGenerator, String, long)}, with the field name encoded once. */
    public static void time(JsonGenerator g, SerializableString field, long epochMillis)
            throws IOException {
        g.writeFieldName(field);
        g.writeString(ISO_TIMES.get().iso(epochMillis));
    }

    private static final ThreadLocal<IsoTimes> ISO_TIMES = ThreadLocal.withInitial(IsoTimes::new);

    /**
     * The last two times a thread wrote, as text. Why: every aggregate of a window writes the same
     * window start and end (and the start again in its key), so with a million keys the same two
     * strings were formatted, and allocated, three times per aggregate.
     */
    private static final class IsoTimes {
        private long millis0 = Long.MIN_VALUE;
        private long millis1 = Long.MIN_VALUE;
        private String iso0;
        private String iso1;

        String iso(long millis) {
            if (millis == millis0 && iso0 != null) {
                return iso0;
            }
            if (millis == millis1 && iso1 != null) {
                return iso1;
            }
            // The older of the two goes: window start and end alternate.
            millis1 = millis0;
            iso1 = iso0;
            millis0 = millis;
            iso0 = Times.iso(millis);
            return iso0;
        }
    }

    public static void stringMap(JsonGenerator g, String field, Map<String, String> map)
            throws IOException {
        g.writeObjectFieldStart(field);
        stringEntries(g, map);
    }

    /** As {@link #stringMap(JsonGenerator, String, Map)}, with the field name encoded once. */
    public static void stringMap(JsonGenerator g, SerializableString field, Map<String, String> map)
            throws IOException {
        g.writeFieldName(field);
        g.writeStartObject();
        stringEntries(g, map);
    }

    private static void stringEntries(JsonGenerator g, Map<String, String> map) throws IOException {
        for (Map.Entry<String, String> e : map.entrySet()) {
            g.writeStringField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
    }

    /**
     * The Kafka key of an aggregate: pipeline, optional metric name, group and window start, as
     * compact JSON. A compacted topic then keeps one value per group and window, and a late update
     * replaces the earlier one.
     */
    public static byte[] aggregateKey(
            String pipeline, String name, Map<String, String> group, long windowStart) {
        return object(
                g -> {
                    g.writeFieldName(PIPELINE);
                    g.writeString(pipeline);
                    if (name != null) {
                        g.writeFieldName(NAME);
                        g.writeString(name);
                    }
                    stringMap(g, GROUP, group);
                    time(g, WINDOW_START, windowStart);
                });
    }
}
