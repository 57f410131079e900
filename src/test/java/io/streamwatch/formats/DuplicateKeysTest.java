package io.streamwatch.formats;

import static io.streamwatch.formats.Decoding.deadLetter;
import static io.streamwatch.formats.Decoding.rejection;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.streamwatch.records.DeadLetter;
import io.streamwatch.testing.TestPipelines;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The mapped formats find duplicate keys themselves (Jackson's detection is turned off for them, as
 * it costs a set per object): they must reject exactly what Jackson's strict mode rejects, at any
 * depth, in skipped and read objects alike, and accept the rest.
 */
class DuplicateKeysTest {
    private static final String TS = "\"timestamp\":\"2026-11-25T10:15:30.123Z\"";
    private static final long T = Instant.parse("2026-11-25T10:15:30.123Z").toEpochMilli();

    private final RecordDecoder logs =
            new RecordDecoder(TestPipelines.logs("streamwatch"), TestPipelines.LIMITS);
    private final RecordDecoder ecs =
            new RecordDecoder(TestPipelines.logs("ecs"), TestPipelines.LIMITS);

    private static final JsonFactory STRICT =
            JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    private static String reason(RecordDecoder d, String json) {
        DeadLetter dl =
                rejection(
                        d,
                        json.getBytes(StandardCharsets.UTF_8),
                        new RecordOrigin().set("logs", 0, 7, T));
        return dl == null ? "ok" : dl.reason;
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{" + TS + ",\"service\":\"a\",\"service\":\"b\"}",
                "{" + TS + ",\"tags\":{\"a\":1,\"b\":2,\"a\":3}}",
                "{" + TS + ",\"x\":[1,{\"k\":{\"z\":1,\"z\":2}}]}",
                "{" + TS + ",\"x\":[{\"a\":1},{\"b\":1,\"b\":2}]}",
                "{\"log\":{\"level\":\"INFO\",\"level\":\"WARN\"}," + TS + "}",
                "{\"f0\":0,\"f1\":1,\"f2\":2,\"f3\":3,\"f4\":4,\"f5\":5,\"f6\":6,\"f7\":7,\"f8\":8,"
                        + "\"f9\":9,\"f10\":10,\"f11\":11,\"f12\":12,\"f13\":13,\"f14\":14,\"f15\":15,"
                        + "\"f16\":16,\"f17\":17,\"f3\":3,"
                        + TS
                        + "}"
            })
    void duplicatesAtAnyDepthAreRejected(String json) {
        assertThat(reason(logs, json)).isEqualTo("duplicate_key");
        assertThat(reason(ecs, json)).isEqualTo("duplicate_key");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{" + TS + ",\"x\":[{\"a\":1},{\"a\":2}],\"y\":{\"a\":{\"a\":1}}}",
                "{" + TS + ",\"a\":{\"b\":1},\"b\":{\"a\":1}}",
            })
    void sameNamesInDifferentObjectsAreNotDuplicates(String json) {
        assertThat(reason(logs, json)).isEqualTo("ok");
    }

    @Test
    void theDeadLetterNamesTheFieldAndWhereItIs() {
        DeadLetter dl =
                deadLetter(
                        logs,
                        ("{" + TS + ",\"service\":\"a\",\"service\":\"b\"}")
                                .getBytes(StandardCharsets.UTF_8),
                        new RecordOrigin().set("logs", 0, 7, T));
        assertThat(dl.detail).startsWith("Duplicate field 'service' at line 1, column");
    }

    /** Random objects, some with a repeated key somewhere: the verdict equals Jackson's. */
    @Test
    void agreesWithJacksonsStrictModeOnRandomObjects() throws IOException {
        long seed = new Random().nextLong();
        Random r = new Random(seed);
        int duplicates = 0;
        for (int i = 0; i < 3000; i++) {
            StringBuilder sb = new StringBuilder("{").append(TS);
            int fields = r.nextInt(30);
            for (int f = 0; f < fields; f++) {
                sb.append(',');
                field(sb, r, 1);
            }
            String json = sb.append('}').toString();
            boolean jacksonSaysDuplicate = jacksonDuplicate(json);
            duplicates += jacksonSaysDuplicate ? 1 : 0;
            assertThat(reason(logs, json))
                    .as("seed %d: %s", seed, json)
                    .isEqualTo(jacksonSaysDuplicate ? "duplicate_key" : "ok");
        }
        // The generator must produce both kinds, or the comparison proves little.
        assertThat(duplicates).as("seed %d", seed).isBetween(300, 2700);
    }

    private static void field(StringBuilder sb, Random r, int depth) {
        // Few names, so that repeats happen at every depth and width.
        sb.append("\"k").append(r.nextInt(depth == 1 ? 40 : 6)).append("\":");
        value(sb, r, depth);
    }

    private static void value(StringBuilder sb, Random r, int depth) {
        int kind = depth > 4 ? 0 : r.nextInt(4);
        if (kind == 0) {
            sb.append(r.nextInt(100));
        } else if (kind == 1) {
            sb.append("\"v\"");
        } else if (kind == 2) {
            sb.append('{');
            int n = r.nextInt(5);
            for (int i = 0; i < n; i++) {
                if (i > 0) {
                    sb.append(',');
                }
                field(sb, r, depth + 1);
            }
            sb.append('}');
        } else {
            sb.append('[');
            int n = r.nextInt(4);
            for (int i = 0; i < n; i++) {
                if (i > 0) {
                    sb.append(',');
                }
                value(sb, r, depth + 1);
            }
            sb.append(']');
        }
    }

    private static boolean jacksonDuplicate(String json) throws IOException {
        try (JsonParser p = STRICT.createParser(json)) {
            while (p.nextToken() != null) {
                // read through
            }
            return false;
        } catch (JsonParseException e) {
            assertThat(e.getOriginalMessage()).startsWith("Duplicate field");
            return true;
        }
    }
}
