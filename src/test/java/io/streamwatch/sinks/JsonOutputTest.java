package io.streamwatch.sinks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** {@link JsonOutput#object}: the reused per-thread generator writes what a fresh one would. */
class JsonOutputTest {
    /** What {@code object} wrote before it reused its generator: a new one per object. */
    private static byte[] reference(JsonOutput.Body body) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = new JsonFactory().createGenerator(out, JsonEncoding.UTF8)) {
            g.writeStartObject();
            body.write(g);
            g.writeEndObject();
        }
        return out.toByteArray();
    }

    private static JsonOutput.Body record(int i) {
        Map<String, String> group = new LinkedHashMap<>();
        group.put("service", "checkout-" + i);
        group.put("host", "web-\u00e9\"" + i);
        return g -> {
            g.writeStringField("type", "metric_aggregate");
            JsonOutput.stringMap(g, "group", group);
            JsonOutput.time(g, "window_start", 1_700_000_000_000L + i * 60_000L);
            g.writeNumberField("count", i);
            g.writeNumberField("p99", i / 7.0);
            g.writeArrayFieldStart("list");
            for (int k = 0; k < i % 5; k++) {
                g.writeString("x".repeat(i % 300));
            }
            g.writeEndArray();
        };
    }

    @Test
    void manyObjectsInARowEachEqualAFreshGeneratorsOutput() throws IOException {
        for (int i = 0; i < 2_000; i++) {
            assertThat(JsonOutput.object(record(i))).isEqualTo(reference(record(i)));
        }
        assertThat(JsonOutput.object(g -> {})).isEqualTo("{}".getBytes());
    }

    /** Times repeat (window start and end) and change; each is written as its own instant. */
    @Test
    void eachTimeIsWrittenAsItsOwnInstantWhateverCameBefore() throws IOException {
        long start = 1_700_000_040_000L;
        long[] times = {
            start,
            start + 60_000,
            start,
            start + 60_000,
            start + 120_000,
            start,
            start + 60_000,
            start + 60_000,
            0,
            -1,
            start
        };
        for (long t : times) {
            String json =
                    new String(
                            JsonOutput.object(g -> JsonOutput.time(g, "at", t)),
                            StandardCharsets.UTF_8);
            assertThat(json)
                    .isEqualTo(
                            "{\"at\":\""
                                    + DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
                                            .withZone(ZoneOffset.UTC)
                                            .format(Instant.ofEpochMilli(t))
                                    + "\"}");
        }
    }

    @Test
    void everyResultIsAFreshArray() throws IOException {
        byte[] first = JsonOutput.object(record(1));
        byte[] second = JsonOutput.object(record(1));
        assertThat(second).isNotSameAs(first).isEqualTo(first);
        first[0] = 'X';
        byte[] third = JsonOutput.object(record(2));
        assertThat(second).isEqualTo(reference(record(1)));
        assertThat(third).isEqualTo(reference(record(2)));
    }

    @Test
    void aBodyThatFailsLeavesTheNextObjectWhole() throws IOException {
        assertThatThrownBy(
                        () ->
                                JsonOutput.object(
                                        g -> {
                                            g.writeStringField("half", "written");
                                            g.writeObjectFieldStart("open");
                                            throw new IllegalStateException("boom");
                                        }))
                .isInstanceOf(IllegalStateException.class);
        assertThat(JsonOutput.object(record(3))).isEqualTo(reference(record(3)));
    }

    @Test
    void aBodyMayWriteAnotherObject() throws IOException {
        List<byte[]> inner = new ArrayList<>();
        byte[] outer =
                JsonOutput.object(
                        g -> {
                            g.writeStringField("a", "1");
                            inner.add(JsonOutput.object(record(4)));
                            g.writeStringField("b", "2");
                        });
        assertThat(outer)
                .isEqualTo(
                        reference(
                                g -> {
                                    g.writeStringField("a", "1");
                                    g.writeStringField("b", "2");
                                }));
        assertThat(inner).singleElement().isEqualTo(reference(record(4)));
    }

    @Test
    void threadsDoNotShareAWriter() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int offset = t * 1_000;
                results.add(
                        pool.submit(
                                () -> {
                                    for (int i = offset; i < offset + 1_000; i++) {
                                        byte[] got = JsonOutput.object(record(i));
                                        if (!java.util.Arrays.equals(got, reference(record(i)))) {
                                            return false;
                                        }
                                    }
                                    return true;
                                }));
            }
            for (Future<Boolean> r : results) {
                assertThat(r.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
