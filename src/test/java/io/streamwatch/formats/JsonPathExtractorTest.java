package io.streamwatch.formats;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * One {@link JsonPathExtractor} reads many records in a row, as in the job, while the records
 * change their field order, nesting and unknown fields: what it finds must not depend on the
 * records before (it remembers what each name at each position resolved to).
 */
class JsonPathExtractorTest {
    private static final List<String> PATHS = List.of("level", "log.msg", "host.name", "value");

    @Test
    void findsEachPathWhateverTheRecordsBeforeLookedLike() throws Exception {
        JsonExtractorRun run = new JsonExtractorRun();
        Random random = new Random(7);
        for (int i = 0; i < 20_000; i++) {
            // Mostly one shape (the cache's common case), with every few records a shuffled,
            // re-nested or widened one.
            boolean odd = random.nextInt(4) == 0;
            String level = "L" + random.nextInt(5);
            String msg = "m" + i;
            String host = "h" + random.nextInt(50);
            long value = random.nextInt(1000);
            List<String> fields = new ArrayList<>();
            fields.add(q("level") + ":" + q(level));
            fields.add(
                    odd && random.nextBoolean()
                            ? q("log.msg") + ":" + q(msg)
                            : q("log") + ":{" + q("msg") + ":" + q(msg) + "}");
            fields.add(
                    odd && random.nextBoolean()
                            ? q("host") + ":{" + q("id") + ":1," + q("name") + ":" + q(host) + "}"
                            : q("host.name") + ":" + q(host));
            fields.add(q("value") + ":" + value);
            if (odd) {
                for (int extra = random.nextInt(20); extra > 0; extra--) {
                    fields.add(q("x" + extra) + ":" + extra);
                }
                // An unknown field named like a wanted one's last segment, at another depth.
                fields.add(q("name") + ":" + q("not-the-host"));
                Collections.shuffle(fields, random);
            }
            Capture[] c = run.extract("{" + String.join(",", fields) + "}");
            assertThat(c[0].asText()).as("record %d level", i).isEqualTo(level);
            assertThat(c[1].asText()).as("record %d log.msg", i).isEqualTo(msg);
            assertThat(c[2].asText()).as("record %d host.name", i).isEqualTo(host);
            assertThat(c[3].integer).as("record %d value", i).isEqualTo(value);
        }
    }

    @Test
    void aFieldMissingFromOneRecordIsAbsentThere() throws Exception {
        JsonExtractorRun run = new JsonExtractorRun();
        for (int i = 0; i < 100; i++) {
            run.extract("{\"level\":\"a\",\"value\":1,\"host.name\":\"h\"}");
        }
        Capture[] c = run.extract("{\"level\":\"a\",\"other\":1,\"host.name\":\"h\"}");
        assertThat(c[3].present()).isFalse();
        assertThat(c[2].asText()).isEqualTo("h");
    }

    private static String q(String s) {
        return "\"" + s + "\"";
    }

    /** The extractor and parser factory the decoder uses, over one record after another. */
    private static final class JsonExtractorRun {
        private final JsonFactory factory = Json.inputFactoryWithoutDuplicateDetection();
        private final JsonPathExtractor extractor = new JsonPathExtractor(PATHS);

        Capture[] extract(String json) throws Exception {
            try (JsonParser p = factory.createParser(json.getBytes())) {
                assertThat(p.nextToken()).isEqualTo(JsonToken.START_OBJECT);
                return extractor.extract(p);
            }
        }
    }
}
