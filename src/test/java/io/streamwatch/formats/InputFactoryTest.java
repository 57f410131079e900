package io.streamwatch.formats;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.BufferRecycler;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * A factory lends its one set of parser buffers to one parser at a time ({@link
 * Json.OneRecyclerPool}): parsers open at the same time must each get buffers of their own, or the
 * text of one would overwrite the other's.
 */
class InputFactoryTest {
    /** The point of the pool: one set of buffers, reused; a second only while the first is out. */
    @Test
    void thePoolLendsItsBuffersToOneAtATimeAndKeepsThem() {
        Json.OneRecyclerPool pool = new Json.OneRecyclerPool();
        BufferRecycler first = pool.acquirePooled();
        BufferRecycler second = pool.acquirePooled();
        assertThat(second).as("lent while the first is out").isNotSameAs(first);
        pool.releasePooled(first);
        assertThat(pool.acquirePooled()).as("after its return").isSameAs(first);
        pool.releasePooled(first);
        assertThat(pool.acquirePooled()).as("again").isSameAs(first);
    }

    @Test
    void parsersOpenAtOnceKeepTheirOwnText() throws Exception {
        JsonFactory factory = Json.inputFactory();
        for (int round = 0; round < 3; round++) {
            String a = "a".repeat(5000) + round;
            String b = "b".repeat(7000) + round;
            try (JsonParser pa = factory.createParser(json(a));
                    JsonParser pb = factory.createParser(json(b))) {
                assertThat(pa.nextToken()).isEqualTo(JsonToken.START_OBJECT);
                assertThat(pb.nextToken()).isEqualTo(JsonToken.START_OBJECT);
                assertThat(pa.nextFieldName()).isEqualTo("m");
                assertThat(pb.nextFieldName()).isEqualTo("m");
                assertThat(pa.nextToken()).isEqualTo(JsonToken.VALUE_STRING);
                assertThat(pb.nextToken()).isEqualTo(JsonToken.VALUE_STRING);
                // Both strings are decoded into the parsers' text buffers before either is read.
                char[] bufferA = pa.getTextCharacters();
                char[] bufferB = pb.getTextCharacters();
                assertThat(bufferA).isNotSameAs(bufferB);
                assertThat(pa.getText()).isEqualTo(a);
                assertThat(pb.getText()).isEqualTo(b);
            }
        }
    }

    private static byte[] json(String message) {
        return ("{\"m\":\"" + message + "\"}").getBytes(StandardCharsets.UTF_8);
    }
}
