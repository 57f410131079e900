package io.streamwatch.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamwatch.aggregation.PatternMasker;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SampleRecordsTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final long NOW = Instant.parse("2026-11-25T10:15:30.123Z").toEpochMilli();
    private static final List<String> SERVICES =
            List.of("checkout", "payments", "search", "inventory");

    private final SampleRecords records = new SampleRecords(SERVICES, 2, List.of(), 42);

    @Test
    void logEventsHaveTheSpecFieldsAndAreKeyedByHost() throws Exception {
        Map<String, Integer> levels = new HashMap<>();
        Set<String> messages = new HashSet<>();
        for (SampleRecords.Sample sample : samples(SampleRecords.Stream.LOGS, 1500)) {
            JsonNode event = MAPPER.readTree(sample.value());
            assertThat(event.path("timestamp").asText())
                    .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
            long ts = Instant.parse(event.get("timestamp").asText()).toEpochMilli();
            assertThat(ts).isBetween(NOW - SampleRecords.MAX_JITTER_MS, NOW);
            assertThat(event.path("service").asText()).isIn(SERVICES);
            assertThat(event.path("host").asText())
                    .startsWith(event.path("service").asText() + "-")
                    .isEqualTo(sample.key());
            assertThat(event.path("message").asText()).isNotBlank();
            assertThat(event.path("logger").asText()).startsWith("com.shop.");
            assertThat(event.path("trace_id").asText()).matches("[0-9a-f]{16}");
            levels.merge(event.path("level").asText(), 1, Integer::sum);
            messages.add(event.path("message").asText());
            assertThat(sample.bad()).isFalse();
        }
        assertThat(levels.keySet())
                .contains("INFO", "WARN", "ERROR")
                .isSubsetOf("INFO", "WARN", "ERROR", "FATAL");
        assertThat(levels.get("INFO")).isGreaterThan(levels.get("WARN"));
        assertThat(levels.get("WARN")).isGreaterThan(levels.get("ERROR"));
        // Variable parts (ids, durations, IPs) make most messages distinct.
        assertThat(messages.size()).isGreaterThan(500);
    }

    @Test
    void metricPointsHaveTheSpecFields() throws Exception {
        Set<String> names = new HashSet<>();
        for (SampleRecords.Sample sample : samples(SampleRecords.Stream.METRICS, 1000)) {
            JsonNode point = MAPPER.readTree(sample.value());
            assertThat(point.path("timestamp").isIntegralNumber()).isTrue();
            assertThat(point.path("timestamp").asLong())
                    .isBetween(NOW - SampleRecords.MAX_JITTER_MS, NOW);
            assertThat(point.path("value").isNumber()).isTrue();
            assertThat(point.path("value").asDouble()).isFinite().isGreaterThanOrEqualTo(0);
            assertThat(point.path("service").asText()).isIn(SERVICES);
            assertThat(point.path("host").asText()).isEqualTo(sample.key());
            assertThat(point.path("tags").isObject()).isTrue();
            names.add(point.path("name").asText());
        }
        assertThat(names).contains("http.server.duration", "http.server.requests", "cpu.usage");
    }

    @Test
    void theSameSeedGivesTheSameRecords() {
        SampleRecords again = new SampleRecords(SERVICES, 2, List.of(), 42);
        for (int i = 0; i < 100; i++) {
            assertThat(again.next(NOW).value()).isEqualTo(records.next(NOW).value());
        }
    }

    @Test
    void badRecordsRotateThroughEveryKindAndAreUnusable() throws Exception {
        SampleRecords.Sample malformed = records.nextBad(NOW);
        assertThat(malformed.bad()).isTrue();
        assertThatThrownBy(() -> MAPPER.readTree(malformed.value())).isNotNull();

        JsonNode missing = MAPPER.readTree(records.nextBad(NOW).value());
        assertThat(missing.has("timestamp")).isFalse();
        assertThat(missing.has("message")).isTrue();

        SampleRecords.Sample nan = records.nextBad(NOW);
        assertThat(nan.stream()).isEqualTo(SampleRecords.Stream.METRICS);
        assertThat(new String(nan.value(), StandardCharsets.UTF_8)).contains("\"value\":NaN");
        JsonNode lenient =
                MAPPER.copy()
                        .enable(JsonParser.Feature.ALLOW_NON_NUMERIC_NUMBERS)
                        .readTree(nan.value());
        assertThat(lenient.get("value").asDouble()).isNaN();

        SampleRecords.Sample latin1 = records.nextBad(NOW);
        assertThatThrownBy(
                        () ->
                                StandardCharsets.UTF_8
                                        .newDecoder()
                                        .onMalformedInput(CodingErrorAction.REPORT)
                                        .decode(ByteBuffer.wrap(latin1.value())))
                .isInstanceOf(CharacterCodingException.class);

        // Then the rotation starts over.
        assertThatThrownBy(() -> MAPPER.readTree(records.nextBad(NOW).value())).isNotNull();
    }

    @Test
    void incidentsReshapeTheHostsTheyAreAbout() throws Exception {
        Incident silentCheckout1 =
                new Incident() {
                    @Override
                    public boolean activeAt(long nowMillis) {
                        return nowMillis >= NOW;
                    }

                    @Override
                    public void shape(HostBehaviour behaviour) {
                        behaviour.silent |= behaviour.host.equals("checkout-1");
                    }
                };
        SampleRecords withIncident = new SampleRecords(SERVICES, 2, List.of(silentCheckout1), 7);
        Set<String> hostsBefore = new HashSet<>();
        Set<String> hostsDuring = new HashSet<>();
        for (int i = 0; i < 500; i++) {
            SampleRecords.Sample before = withIncident.next(NOW - 60_000);
            hostsBefore.add(before.key());
            // Incidents go by event time, which is up to MAX_JITTER_MS before the send time.
            SampleRecords.Sample during = withIncident.next(NOW + SampleRecords.MAX_JITTER_MS);
            if (during != null) {
                hostsDuring.add(during.key());
            }
        }
        assertThat(hostsBefore).contains("checkout-1").hasSize(8);
        assertThat(hostsDuring).doesNotContain("checkout-1").hasSize(7);
    }

    @Test
    void theSteadyStateTripsNoExampleRule() {
        // HighErrorRatio: error_ratio > 5%; SlowRequestsP99: p99 > 500 ms, per minute.
        for (int m = 0; m < 3; m++) {
            OneMinute w = OneMinute.of(records, NOW + m * 60_000);
            for (String service : SERVICES) {
                assertThat(w.errorRatio(service)).as(service).isBetween(0.003, 0.04);
            }
            for (HostBehaviour h : records.hosts()) {
                assertThat(w.p99(h.host)).as(h.host).isBetween(150.0, 480.0);
                assertThat(w.count(h.host, "http.server.requests")).as(h.host).isBetween(50, 140);
            }
        }
    }

    @Test
    void everySteadyErrorTemplateMasksToOnePattern() {
        // Ids that mask differently now and then (all-digit hex read as a number) would look like
        // a new error to the new-pattern rule.
        HostBehaviour host = new HostBehaviour("payments", "payments-1", 0, 0);
        SampleRecords.Vars vars = new SampleRecords.Vars(new Random(3), host);
        for (String service : SERVICES) {
            for (SampleRecords.Template t : SampleRecords.Catalogue.errors(service)) {
                Set<String> patterns = new HashSet<>();
                for (int i = 0; i < 3000; i++) {
                    patterns.add(PatternMasker.mask(t.message().apply(vars)));
                }
                assertThat(patterns).as(t.logger()).hasSize(1);
            }
        }
    }

    private List<SampleRecords.Sample> samples(SampleRecords.Stream stream, int count) {
        List<SampleRecords.Sample> out = new ArrayList<>();
        while (out.size() < count) {
            SampleRecords.Sample sample = records.next(NOW);
            if (sample.stream() == stream) {
                out.add(sample);
            }
        }
        return out;
    }
}
