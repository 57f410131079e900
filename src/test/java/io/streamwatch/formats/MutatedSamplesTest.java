package io.streamwatch.formats;

import static io.streamwatch.formats.Decoding.events;
import static io.streamwatch.formats.Decoding.rejection;
import static io.streamwatch.formats.Samples.origin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamwatch.config.PipelineConfig;
import io.streamwatch.config.PipelineKind;
import io.streamwatch.records.DeadLetter;
import io.streamwatch.records.Decoded;
import io.streamwatch.records.RejectReason;
import io.streamwatch.testing.TestPipelines;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Random mutations of the real samples, bytes and JSON values alike: the decoder never throws, a
 * format never fails with anything but a parse error (which would come out as {@code
 * internal_error}), and each record gives either events (all complete, all finite) or exactly one
 * dead letter. Seeded, so a failure reproduces.
 */
class MutatedSamplesTest {
    private static final int ROUNDS = 1500;
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final List<String> GROUP_BY = List.of("service", "host", "k8s.pod.name");

    static Stream<Arguments> samples() {
        return Stream.of(
                Arguments.of("otel", PipelineKind.LOGS, "otel/logs-two-resources.json"),
                Arguments.of("otel", PipelineKind.METRICS, "otel/metrics-gauge-sum-histogram.json"),
                Arguments.of("otel", PipelineKind.METRICS, "otel/metrics-summary-exponential.json"),
                Arguments.of("telegraf", PipelineKind.METRICS, "telegraf/batch.json"),
                Arguments.of("telegraf", PipelineKind.METRICS, "telegraf/procstat-nanos.json"),
                Arguments.of("streamwatch", PipelineKind.LOGS, "streamwatch/log.json"),
                Arguments.of("streamwatch", PipelineKind.METRICS, "streamwatch/metric.json"),
                Arguments.of("ecs", PipelineKind.LOGS, "ecs/log.json"));
    }

    @ParameterizedTest(name = "{2}")
    @MethodSource("samples")
    void neverThrowsAndGivesEventsOrOneDeadLetter(String format, PipelineKind kind, String sample)
            throws Exception {
        RecordDecoder d = Samples.decoder(format, kind, GROUP_BY, Map.of());
        mutate(d, kind, sample);
    }

    /** The check above fails when a format has a bug that only some mutated inputs reach. */
    @Test
    void failsForAFormatThatThrowsSomethingElseThanAParseError() {
        String sample = "telegraf/batch.json";
        PipelineConfig pipeline =
                Samples.pipeline("telegraf", PipelineKind.METRICS, GROUP_BY, Map.of());
        InputFormat real = InputFormats.create(pipeline, TestPipelines.LIMITS);
        int originalLength = Samples.read(sample).length;
        InputFormat buggy =
                (payload, origin, out) -> {
                    real.decode(payload, origin, out);
                    if (payload.length < originalLength) {
                        throw new NullPointerException("a bug only shorter records reach");
                    }
                };
        RecordDecoder d = new RecordDecoder(pipeline.name(), buggy, TestPipelines.LIMITS);
        assertThatThrownBy(() -> mutate(d, PipelineKind.METRICS, sample))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("internal_error")
                .hasMessageContaining("a bug only shorter records reach");
    }

    private static void mutate(RecordDecoder d, PipelineKind kind, String sample) throws Exception {
        byte[] original = Samples.read(sample);
        assertThat(rejection(d, original, origin())).as("dead letter of %s", sample).isNull();
        JsonNode tree = MAPPER.readTree(original);
        Random random = new Random(sample.hashCode());
        int events = 0;
        int deadLetters = 0;
        for (int i = 0; i < ROUNDS; i++) {
            byte[] mutated =
                    i % 2 == 0
                            ? mutateBytes(original, random)
                            : MAPPER.writeValueAsBytes(mutateTree(tree.deepCopy(), random));
            DeadLetter dl = rejection(d, mutated, origin());
            if (dl != null) {
                deadLetters++;
                assertThat(dl.reason)
                        .as(
                                "reason of %s (detail: %s)",
                                new String(mutated, StandardCharsets.UTF_8), dl.detail)
                        .isNotBlank()
                        .isNotEqualTo(RejectReason.INTERNAL_ERROR.code());
                assertThat(dl.detail).isNotBlank();
                continue;
            }
            List<Decoded> decoded = events(d, mutated, origin());
            assertThat(decoded).as("events of %s", new String(mutated)).isNotEmpty();
            for (Decoded e : decoded) {
                events++;
                if (kind == PipelineKind.LOGS) {
                    assertThat(e.log.key).isNotNull();
                    assertThat(e.log.message).isNotNull();
                } else {
                    assertThat(e.metric.key).startsWith(e.metric.name);
                    assertThat(e.metric.name).isNotEmpty();
                    assertThat(e.metric.value).isFinite();
                }
            }
        }
        // Both outcomes are exercised, or the mutations test nothing.
        assertThat(events).isPositive();
        assertThat(deadLetters).isPositive();
    }

    private static byte[] mutateBytes(byte[] in, Random r) {
        byte[] b = in.clone();
        int at = r.nextInt(b.length);
        switch (r.nextInt(4)) {
            case 0:
                String json = "{}[]\":,0-.e\\ an";
                b[at] = (byte) json.charAt(r.nextInt(json.length()));
                return b;
            case 1:
                return java.util.Arrays.copyOf(b, at);
            case 2:
                byte[] cut = new byte[b.length - 1];
                System.arraycopy(b, 0, cut, 0, at);
                System.arraycopy(b, at + 1, cut, at, b.length - at - 1);
                return cut;
            default:
                b[at] = (byte) r.nextInt(256);
                return b;
        }
    }

    /** Replaces one random value, or drops one random field, anywhere in the tree. */
    private static JsonNode mutateTree(JsonNode root, Random r) {
        List<JsonNode> containers = new ArrayList<>();
        collect(root, containers);
        JsonNode target = containers.get(r.nextInt(containers.size()));
        JsonNode replacement = randomValue(r);
        if (target instanceof ObjectNode o && o.size() > 0) {
            List<String> names = new ArrayList<>();
            Iterator<String> it = o.fieldNames();
            it.forEachRemaining(names::add);
            String name = names.get(r.nextInt(names.size()));
            if (r.nextInt(4) == 0) {
                o.remove(name);
            } else {
                o.set(name, replacement);
            }
        } else if (target instanceof ArrayNode a && a.size() > 0) {
            a.set(r.nextInt(a.size()), replacement);
        }
        return root;
    }

    private static void collect(JsonNode n, List<JsonNode> out) {
        if (n.isContainerNode()) {
            out.add(n);
            n.elements().forEachRemaining(c -> collect(c, out));
        }
    }

    private static JsonNode randomValue(Random r) {
        switch (r.nextInt(12)) {
            case 0:
                return NODES.nullNode();
            case 1:
                return NODES.textNode("NaN");
            case 2:
                return NODES.numberNode(Double.NaN);
            case 3:
                return NODES.numberNode(-1);
            case 4:
                return NODES.textNode("");
            case 5:
                return NODES.objectNode();
            case 6:
                return NODES.arrayNode().add(1);
            case 7:
                return NODES.booleanNode(true);
            case 8:
                return NODES.textNode("99999999999999999999999");
            case 9:
                return NODES.numberNode(1.5e300);
            case 10:
                return NODES.objectNode().set("stringValue", NODES.numberNode(3));
            default:
                return NODES.textNode("x");
        }
    }
}
