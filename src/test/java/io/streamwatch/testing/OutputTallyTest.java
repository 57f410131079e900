package io.streamwatch.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link OutputTally} tells lost, duplicated, reopened and wrong apart, as the fault tests need.
 */
class OutputTallyTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode agg(String window, int total) throws Exception {
        return JSON.readTree("{\"window_start\":\"" + window + "\",\"total\":" + total + "}");
    }

    private static OutputTally tally(List<JsonNode> records) {
        return OutputTally.of(
                records,
                Map.of("w0", 3, "w1", 5, "w2", 7),
                r -> r.path("window_start").asText(),
                (r, e) -> r.path("total").asInt() == e);
    }

    @Test
    void eachKeyOnceWithTheModelsValueIsClean() throws Exception {
        OutputTally t = tally(List.of(agg("w0", 3), agg("w1", 5), agg("w2", 7)));
        assertThat(t.figures()).isEqualTo("lost 0, duplicated 0, reopened 0, wrong 0");
        t.assertNone("clean");
    }

    @Test
    void anIdenticalSecondRecordIsDuplicatedAndADifferentOneReopened() throws Exception {
        OutputTally t =
                tally(
                        List.of(
                                agg("w0", 3),
                                agg("w1", 5),
                                agg("w0", 3),
                                agg("w1", 6),
                                agg("w2", 7)));
        assertThat(t.figures()).isEqualTo("lost 0, duplicated 1, reopened 1, wrong 0");
        assertThatThrownBy(() -> t.assertNone("faulty")).hasMessageContaining("duplicated (1");
    }

    @Test
    void aMissingKeyIsLostAndAnUnknownOrDifferentFirstRecordWrong() throws Exception {
        OutputTally t = tally(List.of(agg("w0", 4), agg("w9", 1)));
        assertThat(t.lost()).containsExactlyInAnyOrder("w1", "w2");
        assertThat(t.wrong()).hasSize(2);
        assertThat(t.figures()).isEqualTo("lost 2, duplicated 0, reopened 0, wrong 2");
    }
}
