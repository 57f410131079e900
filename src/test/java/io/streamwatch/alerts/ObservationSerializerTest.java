package io.streamwatch.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamwatch.records.PatternCount;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/** Observations cross the shuffle to the evaluator unchanged, whatever they hold. */
class ObservationSerializerTest {
    private static Observation roundTrip(Observation o) throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(64);
        ObservationSerializer.INSTANCE.serialize(o, out);
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        Observation back = ObservationSerializer.INSTANCE.deserialize(in);
        assertThat(in.available()).isZero();
        return back;
    }

    @Test
    void flinkFindsTheSerializerThroughTheAnnotation() {
        assertThat(TypeInformation.of(Observation.class)).isInstanceOf(ObservationTypeInfo.class);
    }

    @Test
    void everyFieldSurvivesIncludingNullsAndUnknownNames() throws Exception {
        Observation o = new Observation();
        o.pipeline = "app-logs";
        o.groupKey = "checkout";
        o.group = Map.of("service", "checkout", "région", "eu-west");
        o.windowStart = 1_764_065_700_000L;
        o.windowEnd = 1_764_065_760_000L;
        o.numbers = new HashMap<>();
        for (String n : ObservationSerializer.NAMES) {
            o.numbers.put(n, (double) n.length());
        }
        o.numbers.put("error_ratio", Double.NaN);
        o.numbers.put("p99", -0.0);
        o.numbers.put("custom_field", 1e300);
        o.numbers.put("nothing", null);
        o.patterns =
                new ArrayList<>(
                        Arrays.asList(
                                new PatternCount("a3f9", "Timeout after <NUM> ms", 41, "x 3000"),
                                null,
                                new PatternCount(null, "p", 1, null)));
        Observation back = roundTrip(o);
        assertThat(back)
                .usingRecursiveComparison()
                .withEqualsForType(Double::equals, Double.class)
                .isEqualTo(o);
        assertThat(back.numbers.get("p99")).isEqualTo(-0.0);
        assertThat(back.numbers.get("error_ratio")).isNaN();
        assertThat(ObservationSerializer.INSTANCE.copy(o))
                .usingRecursiveComparison()
                .withEqualsForType(Double::equals, Double.class)
                .isEqualTo(o);

        Observation empty = new Observation();
        assertThat(roundTrip(empty))
                .usingRecursiveComparison()
                .withEqualsForType(Double::equals, Double.class)
                .isEqualTo(empty);
    }

    @Test
    void aMetricObservationAsTheJobBuildsIt() throws Exception {
        Observation o = new Observation();
        o.pipeline = "app-metrics";
        o.groupKey = "checkout\u001fweb-1";
        o.name = "http.server.duration";
        o.group = Map.of("service", "checkout", "host", "web-1");
        o.numbers = new HashMap<>(Map.of("count", 600.0, "p99", 1190.3));
        o.patterns = List.of();
        assertThat(roundTrip(o))
                .usingRecursiveComparison()
                .withEqualsForType(Double::equals, Double.class)
                .isEqualTo(o);
        assertThat(roundTrip(o).evaluationKey()).isEqualTo(o.evaluationKey());
    }
}
