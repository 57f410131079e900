package io.streamwatch.job;

import static io.streamwatch.testing.IsoTimes.iso;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamwatch.config.PipelineConfig;
import io.streamwatch.config.StreamwatchConfig;
import io.streamwatch.testing.Json;
import io.streamwatch.testing.SharedKafka;
import io.streamwatch.testing.TestJobs;
import io.streamwatch.testing.TestPipelines;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The job with an {@code otel} metrics pipeline on a MiniCluster and the shared Kafka broker, fed
 * what an SDK exports through the Collector every 10 s: a cumulative counter (with a process
 * restart), a cumulative latency histogram and a delta one, each request on either of two
 * partitions. The window aggregates are checked against the test's own model: the counter's
 * increases per window, the histograms' observations per window (count, sum, mean exactly; max and
 * min exactly where the points pin them, else within their bucket; p99 within the bucket of the
 * true p99).
 */
class OtelIntegrationTest {
    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final long MIN = 60_000;
    private static final long STEP = 10_000;
    private static final int STEPS = 24; // four one-minute windows
    private static final long NANOS = 1_000_000;
    private static final double[] BOUNDS = {
        0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000
    };
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final long t0 =
            Instant.now()
                    .truncatedTo(ChronoUnit.MINUTES)
                    .minus(15, ChronoUnit.MINUTES)
                    .toEpochMilli();
    private final String topic = SharedKafka.uniqueTopic("otel-metrics");
    private final String out = SharedKafka.uniqueTopic("otel-aggregates");
    private final String dead = SharedKafka.uniqueTopic("otel-dead");
    private final String late = SharedKafka.uniqueTopic("otel-late");

    /** The model: per window start, the counter's increases and each histogram's observations. */
    private final Map<Long, List<Double>> counterDeltas = new TreeMap<>();

    private final Map<Long, List<Double>> cumulativeObservations = new TreeMap<>();
    private final Map<Long, List<Double>> deltaObservations = new TreeMap<>();

    /** Per window: whether the cumulative histogram's max / min moved in each of its points. */
    private final Map<Long, Boolean> cumulativeMaxPinned = new HashMap<>();

    private final Random random = new Random(20);

    @Test
    void histogramsAndCumulativeCountersAggregateAsTheirObservations() throws Exception {
        SharedKafka.createTopics(2, topic);
        SharedKafka.createTopics(1, out, dead, late);
        PipelineConfig metrics =
                TestPipelines.withTopics(
                        TestPipelines.metrics("otel"), topic, out, Duration.ofSeconds(1));
        StreamwatchConfig config =
                TestPipelines.job(
                        SharedKafka.bootstrapServers(), topic, List.of(metrics), dead, late);
        JobClient job = TestJobs.startOnKafka(config, List.of(), "otel-it");
        try (KafkaProducer<byte[], byte[]> producer = SharedKafka.producer()) {
            sendAll(producer);
        }
        Set<String> expected = new TreeSet<>();
        counterDeltas.keySet().forEach(w -> expected.add("http.server.request.count@" + iso(w)));
        cumulativeObservations
                .keySet()
                .forEach(w -> expected.add("http.server.request.duration@" + iso(w)));
        deltaObservations.keySet().forEach(w -> expected.add("rpc.duration@" + iso(w)));
        SharedKafka.readUntil(
                out,
                WAIT,
                seen ->
                        seen.stream()
                                .map(r -> key(Json.parse(r.value())))
                                .collect(Collectors.toSet())
                                .containsAll(expected));
        job.cancel().get();
        // Every aggregate exactly once, read to the end.
        Map<String, JsonNode> byKey = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : SharedKafka.readAll(out)) {
            JsonNode a = Json.parse(r.value());
            assertThat(byKey.put(key(a), a)).as("duplicate %s", key(a)).isNull();
        }
        assertThat(SharedKafka.readAll(dead)).isEmpty();

        for (Map.Entry<Long, List<Double>> w : counterDeltas.entrySet()) {
            JsonNode a = byKey.get("http.server.request.count@" + iso(w.getKey()));
            assertThat(a).as("counter window %s", iso(w.getKey())).isNotNull();
            double sum = w.getValue().stream().mapToDouble(Double::doubleValue).sum();
            assertThat(a.get("sum").asDouble()).as(iso(w.getKey())).isEqualTo(sum);
            assertThat(a.get("count").asLong()).isEqualTo(w.getValue().size());
            assertThat(a.get("group").get("service").asText()).isEqualTo("checkout");
            assertThat(a.get("group").get("host").asText()).isEqualTo("web-1");
        }
        checkHistogram(byKey, "http.server.request.duration", cumulativeObservations, true);
        checkHistogram(byKey, "rpc.duration", deltaObservations, false);
        // The issue's example is rpc.duration's first window: mean 233.3, max 700.
        JsonNode first = byKey.get("rpc.duration@" + iso(t0));
        assertThat(first.get("mean").asDouble()).isCloseTo(1400.0 / 6, offset(1e-9));
        assertThat(first.get("max").asDouble()).isEqualTo(700);
        assertThat(first.get("p99").asDouble()).isGreaterThan(250);
    }

    private static String key(JsonNode a) {
        return a.get("name").asText() + "@" + a.get("window_start").asText();
    }

    private void checkHistogram(
            Map<String, JsonNode> byKey,
            String name,
            Map<Long, List<Double>> model,
            boolean cumulative) {
        assertThat(byKey.keySet().stream().filter(k -> k.startsWith(name + "@")))
                .hasSize(model.size());
        for (Map.Entry<Long, List<Double>> w : model.entrySet()) {
            String where = name + "@" + iso(w.getKey());
            JsonNode a = byKey.get(where);
            assertThat(a).as(where).isNotNull();
            List<Double> obs = w.getValue().stream().sorted().toList();
            double sum = obs.stream().mapToDouble(Double::doubleValue).sum();
            assertThat(a.get("count").asLong()).as(where).isEqualTo(obs.size());
            assertThat(a.get("sum").asDouble()).as(where).isCloseTo(sum, offset(1e-6));
            assertThat(a.get("mean").asDouble())
                    .as(where)
                    .isCloseTo(sum / obs.size(), offset(1e-6));
            double max = obs.get(obs.size() - 1);
            if (!cumulative || cumulativeMaxPinned.get(w.getKey())) {
                assertThat(a.get("max").asDouble()).as(where).isEqualTo(max);
            } else {
                // Not pinned by the point: within the bucket of the true max.
                assertThat(a.get("max").asDouble()).as(where).isBetween(max, upper(max));
            }
            if (!cumulative) {
                assertThat(a.get("min").asDouble()).as(where).isEqualTo(obs.get(0));
            } else {
                assertThat(a.get("min").asDouble())
                        .as(where)
                        .isBetween(lower(obs.get(0)), obs.get(0));
            }
            // The lower quantile's observation, and its bucket (the sketch's 1% on top).
            double p99 = obs.get((int) Math.floor(0.99 * (obs.size() - 1)));
            assertThat(a.get("p99").asDouble())
                    .as("%s p99 of %s", where, obs)
                    .isBetween(lower(p99) * 0.99, upper(p99) * 1.01);
        }
    }

    /** The OTLP bucket of x: (BOUNDS[i-1], BOUNDS[i]]. */
    private static int bucket(double x) {
        int i = 0;
        while (i < BOUNDS.length && x > BOUNDS[i]) {
            i++;
        }
        return i;
    }

    private static double lower(double x) {
        int i = bucket(x);
        return i == 0 ? Double.NEGATIVE_INFINITY : BOUNDS[i - 1];
    }

    private static double upper(double x) {
        int i = bucket(x);
        return i == BOUNDS.length ? Double.POSITIVE_INFINITY : BOUNDS[i];
    }

    private static long window(long t) {
        return t - Math.floorMod(t, MIN);
    }

    /** A latency: mostly fast, now and then slow. */
    private double latency() {
        double ms =
                random.nextDouble() < 0.05
                        ? 500 + random.nextDouble() * 1500
                        : Math.exp(Math.log(40) + 0.6 * random.nextGaussian());
        return Math.round(ms * 100) / 100.0;
    }

    private void sendAll(KafkaProducer<byte[], byte[]> producer) throws Exception {
        // The counter began long before the data (its first total is not counted).
        long counterStart = t0 - 10 * MIN;
        long counter = 5_000;
        long histogramStart = t0 - 10 * MIN;
        Cumulative histogram = new Cumulative();
        for (int k = 0; k < 200; k++) {
            histogram.add(latency()); // history before the job watches
        }
        for (int i = 0; i < STEPS; i++) {
            long t = t0 + i * STEP + 5_000;
            long w = window(t);
            // The counter; the process restarts at +92 s, after the point at +85 s.
            if (t == t0 + 95_000) {
                counterStart = t0 + 92_000;
                counter = random.nextInt(40);
                counterDeltas.computeIfAbsent(w, x -> new ArrayList<>()).add((double) counter);
            } else {
                long increase = random.nextInt(100);
                counter += increase;
                if (i > 0) {
                    counterDeltas.computeIfAbsent(w, x -> new ArrayList<>()).add((double) increase);
                }
            }
            // The cumulative histogram: this interval's requests.
            double oldMax = histogram.max;
            List<Double> requests = new ArrayList<>();
            for (int k = 0; k < 15; k++) {
                requests.add(latency());
            }
            requests.forEach(histogram::add);
            if (i > 0) {
                cumulativeObservations.computeIfAbsent(w, x -> new ArrayList<>()).addAll(requests);
                boolean pinned = histogram.max > oldMax;
                cumulativeMaxPinned.merge(w, pinned, (a, b) -> a || b);
            }
            // The delta histogram: the issue's two points alone in the first window (then
            // intervals without calls), random ones after.
            List<Double> calls = new ArrayList<>();
            if (i == 0) {
                calls.addAll(List.of(50.0, 75.0, 125.0, 150.0));
            } else if (i == 1) {
                calls.addAll(List.of(300.0, 700.0));
            } else if (i >= 6) {
                for (int k = 0; k < 5; k++) {
                    calls.add(latency());
                }
            }
            deltaObservations.computeIfAbsent(w, x -> new ArrayList<>()).addAll(calls);
            Cumulative delta = new Cumulative();
            calls.forEach(delta::add);

            ArrayNode metrics = MAPPER.createArrayNode();
            metrics.add(counter(counterStart, t, counter));
            metrics.add(histogram("http.server.request.duration", histogramStart, t, histogram, 2));
            metrics.add(histogram("rpc.duration", t - STEP, t, delta, 1));
            SharedKafka.send(producer, topic, i % 2, request(metrics));
        }
        // Close every window: a gauge far ahead on both partitions.
        for (int p = 0; p < 2; p++) {
            ArrayNode metrics = MAPPER.createArrayNode();
            ObjectNode g = metrics.addObject();
            g.put("name", "flush");
            g.putObject("gauge")
                    .putArray("dataPoints")
                    .addObject()
                    .put("timeUnixNano", Long.toString((t0 + 10 * MIN) * NANOS))
                    .put("asDouble", 1);
            SharedKafka.send(producer, topic, p, request(metrics));
        }
    }

    /** A cumulative (or one interval's) histogram with the default bounds. */
    private static final class Cumulative {
        final long[] buckets = new long[BOUNDS.length + 1];
        long count;
        double sum;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;

        void add(double x) {
            buckets[bucket(x)]++;
            count++;
            sum += x;
            min = Math.min(min, x);
            max = Math.max(max, x);
        }
    }

    private static ObjectNode counter(long start, long t, long value) {
        ObjectNode m = MAPPER.createObjectNode();
        m.put("name", "http.server.request.count");
        m.put("unit", "{request}");
        ObjectNode sum = m.putObject("sum");
        ObjectNode p = sum.putArray("dataPoints").addObject();
        attributes(p);
        p.put("startTimeUnixNano", Long.toString(start * NANOS));
        p.put("timeUnixNano", Long.toString(t * NANOS));
        p.put("asInt", Long.toString(value));
        sum.put("aggregationTemporality", 2);
        sum.put("isMonotonic", true);
        return m;
    }

    private static ObjectNode histogram(
            String name, long start, long t, Cumulative h, int temporality) {
        ObjectNode m = MAPPER.createObjectNode();
        m.put("name", name);
        m.put("unit", "ms");
        ObjectNode histogram = m.putObject("histogram");
        ObjectNode p = histogram.putArray("dataPoints").addObject();
        attributes(p);
        p.put("startTimeUnixNano", Long.toString(start * NANOS));
        p.put("timeUnixNano", Long.toString(t * NANOS));
        p.put("count", Long.toString(h.count));
        p.put("sum", h.sum);
        ArrayNode counts = p.putArray("bucketCounts");
        for (long c : h.buckets) {
            counts.add(Long.toString(c));
        }
        ArrayNode bounds = p.putArray("explicitBounds");
        for (double b : BOUNDS) {
            bounds.add(b);
        }
        if (h.count > 0) {
            p.put("min", h.min);
            p.put("max", h.max);
        }
        histogram.put("aggregationTemporality", temporality);
        return m;
    }

    private static void attributes(ObjectNode point) {
        ArrayNode a = point.putArray("attributes");
        a.addObject().put("key", "http.route").putObject("value").put("stringValue", "/pay");
    }

    private static byte[] request(ArrayNode metrics) throws Exception {
        ObjectNode root = MAPPER.createObjectNode();
        ObjectNode rm = root.putArray("resourceMetrics").addObject();
        ArrayNode attributes = rm.putObject("resource").putArray("attributes");
        attributes
                .addObject()
                .put("key", "service.name")
                .putObject("value")
                .put("stringValue", "checkout");
        attributes
                .addObject()
                .put("key", "host.name")
                .putObject("value")
                .put("stringValue", "web-1");
        ObjectNode sm = rm.putArray("scopeMetrics").addObject();
        sm.putObject("scope").put("name", "io.opentelemetry.tomcat-10.0").put("version", "2.10.0");
        sm.set("metrics", metrics);
        return MAPPER.writeValueAsBytes(root);
    }
}
