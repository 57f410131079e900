package io.streamwatch.job;

import static io.streamwatch.testing.IsoTimes.iso;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamwatch.config.PipelineConfig;
import io.streamwatch.config.StreamwatchConfig;
import io.streamwatch.testing.Json;
import io.streamwatch.testing.SharedKafka;
import io.streamwatch.testing.TestJobs;
import io.streamwatch.testing.TestPipelines;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Learned templates end to end: ERROR lines whose variable parts are plain words go through the
 * real job (Kafka, MiniCluster, RocksDB, exactly-once) and every log aggregate's {@code
 * top_patterns} is compared with the test's own model of the input: per service, an event's
 * template is its first line with every position where a later line (up to that window) differed
 * replaced by {@code <*>} and the IP masked; its id is the FNV-1a hash of the first line's masked
 * form, the same in every window while the template generalizes; count and first example per
 * window.
 */
class TemplatesIntegrationTest {
    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final long MIN = 60_000;

    private final long t0 =
            Instant.now()
                    .truncatedTo(ChronoUnit.MINUTES)
                    .minus(15, ChronoUnit.MINUTES)
                    .toEpochMilli();
    private final String logsTopic = SharedKafka.uniqueTopic("logs");
    private final String logOut = SharedKafka.uniqueTopic("log-aggregates");

    /** One ERROR line as sent: its event (the model's label), words and whether IP-masked. */
    record Line(long ts, String service, String event, String[] tokens, boolean[] ip) {
        String message() {
            return String.join(" ", tokens);
        }
    }

    private final List<Line> sent = new ArrayList<>();
    private KafkaProducer<byte[], byte[]> producer;

    @Test
    void topPatternsCarryTheLearnedTemplatesWithStableIds() throws Exception {
        SharedKafka.createTopics(1, logsTopic, logOut);
        String dead = SharedKafka.uniqueTopic("dead-letter");
        String late = SharedKafka.uniqueTopic("late-events");
        SharedKafka.createTopics(1, dead, late);
        PipelineConfig logs =
                TestPipelines.withTopics(
                        TestPipelines.logs("streamwatch"),
                        logsTopic,
                        logOut,
                        Duration.ofSeconds(1));
        StreamwatchConfig config =
                TestPipelines.job(
                        SharedKafka.bootstrapServers(), logsTopic, List.of(logs), dead, late);

        JobClient job = TestJobs.startOnKafka(config, List.of(), "templates-it");
        try (KafkaProducer<byte[], byte[]> p = SharedKafka.producer()) {
            producer = p;
            // Window 0.
            error(1_000, "checkout", "login", "User alice failed to log in from 10.0.0.1");
            error(2_000, "checkout", "queue", "Queue orders is full, dropping message");
            error(3_000, "checkout", "login", "User bob failed to log in from 10.0.0.2");
            error(4_000, "checkout", "replica", "Lost connection to replica east of shard users");
            error(5_000, "search", "login", "User bob failed to log in from 10.0.0.9");
            error(6_000, "checkout", "login", "User bob failed to log in from 10.0.0.3");
            info(7_000, "checkout", "request served");
            // Window 1: the templates generalize further; one event is new.
            error(MIN + 1_000, "checkout", "queue", "Queue payments is full, dropping message");
            error(MIN + 2_000, "checkout", "login", "User carol failed to log in from 10.0.0.4");
            error(
                    MIN + 3_000,
                    "checkout",
                    "replica",
                    "Lost connection to replica west of shard carts");
            error(MIN + 4_000, "checkout", "queue", "Queue refunds is full, dropping message");
            error(MIN + 5_000, "checkout", "cert", "Certificate for billing expires soon");
            error(MIN + 6_000, "search", "login", "User dave failed to log in from 10.0.0.8");
            // Moves the watermark past both windows.
            info(10 * MIN, "clock", "tick");
        }
        Map<String, List<Map<String, Object>>> expected = model();

        SharedKafka.readUntil(logOut, WAIT, seen -> seen.size() >= expected.size());
        job.cancel().get();
        List<ConsumerRecord<byte[], byte[]>> records = SharedKafka.readAll(logOut);

        Map<String, List<Map<String, Object>>> actual = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            JsonNode a = Json.parse(r.value());
            List<Map<String, Object>> top = new ArrayList<>();
            for (JsonNode t : a.get("top_patterns")) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("pattern_id", t.get("pattern_id").asText());
                m.put("pattern", t.get("pattern").asText());
                m.put("count", t.get("count").asLong());
                m.put("example", t.get("example").asText());
                top.add(m);
            }
            String key = a.get("group").get("service").asText() + "@" + a.get("window_start");
            assertThat(actual.put(key, top)).as("duplicate %s", key).isNull();
        }
        assertThat(actual).isEqualTo(expected);
        // The model's own claims, stated plainly: the login template of checkout kept its id
        // from window 0 to window 1 while it generalized, and search learned its own.
        String w0 = "checkout@\"" + iso(t0) + "\"";
        String w1 = "checkout@\"" + iso(t0 + MIN) + "\"";
        assertThat(actual.get(w0).get(0).get("pattern"))
                .isEqualTo("User bob failed to log in from <IP>".replace("bob", "<*>"));
        assertThat(actual.get(w1))
                .anySatisfy(
                        t ->
                                assertThat(t.get("pattern_id"))
                                        .isEqualTo(actual.get(w0).get(0).get("pattern_id")));
    }

    /** service@"window_start" to the expected top_patterns (top 5), ranked by count then text. */
    private Map<String, List<Map<String, Object>>> model() {
        Map<String, List<Map<String, Object>>> out = new TreeMap<>();
        Map<String, List<Line>> byWindow = new TreeMap<>();
        // The last line's time minus the out-of-orderness (5s): later windows do not fire.
        long watermark = sent.get(sent.size() - 1).ts() - 5_000;
        for (Line l : sent) {
            long start = l.ts() - Math.floorMod(l.ts(), MIN);
            if (start + MIN > watermark) {
                continue;
            }
            byWindow.computeIfAbsent(
                            l.service() + "@\"" + iso(start) + "\"", k -> new ArrayList<>())
                    .add(l);
        }
        for (Map.Entry<String, List<Line>> w : byWindow.entrySet()) {
            Map<String, Map<String, Object>> byEvent = new LinkedHashMap<>();
            for (Line l : w.getValue()) {
                if (l.event() == null) {
                    continue;
                }
                Map<String, Object> t =
                        byEvent.computeIfAbsent(
                                l.event(),
                                e -> {
                                    Map<String, Object> m = new LinkedHashMap<>();
                                    m.put("pattern_id", fnv1a(masked(first(l))));
                                    m.put("pattern", null);
                                    m.put("count", 0L);
                                    m.put("example", l.message());
                                    return m;
                                });
                t.put("pattern", template(l));
                t.put("count", (Long) t.get("count") + 1);
            }
            List<Map<String, Object>> ranked = new ArrayList<>(byEvent.values());
            ranked.sort(
                    Comparator.<Map<String, Object>>comparingLong(m -> -(Long) m.get("count"))
                            .thenComparing(m -> (String) m.get("pattern")));
            out.put(w.getKey(), ranked.subList(0, Math.min(5, ranked.size())));
        }
        return out;
    }

    /** The first line of {@code l}'s event in its service. */
    private Line first(Line l) {
        return sent.stream()
                .filter(s -> l.event().equals(s.event()) && l.service().equals(s.service()))
                .findFirst()
                .orElseThrow();
    }

    /** The template after {@code l}: positions that varied so far become {@code <*>}. */
    private String template(Line l) {
        Line f = first(l);
        String[] t = masked(f).split(" ");
        for (Line s : sent) {
            if (s.ts() > l.ts()
                    || !l.event().equals(s.event())
                    || !l.service().equals(s.service())) {
                continue;
            }
            for (int i = 0; i < t.length; i++) {
                if (!f.ip()[i] && !s.tokens()[i].equals(f.tokens()[i])) {
                    t[i] = "<*>";
                }
            }
        }
        return String.join(" ", t);
    }

    private static String masked(Line l) {
        String[] t = l.tokens().clone();
        for (int i = 0; i < t.length; i++) {
            if (l.ip()[i]) {
                t[i] = "<IP>";
            }
        }
        return String.join(" ", t);
    }

    /** 32-bit FNV-1a of the UTF-8 bytes, as 8 hex digits (docs/formats.md: "pattern_id"). */
    private static String fnv1a(String s) {
        int h = 0x811c9dc5;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x01000193;
        }
        return String.format("%08x", h);
    }

    private void error(long offset, String service, String event, String message) throws Exception {
        String[] tokens = message.split(" ");
        boolean[] ip = new boolean[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            ip[i] = tokens[i].matches("\\d+\\.\\d+\\.\\d+\\.\\d+");
        }
        send(t0 + offset, service, "ERROR", message);
        sent.add(new Line(t0 + offset, service, event, tokens, ip));
    }

    private void info(long offset, String service, String message) throws Exception {
        send(t0 + offset, service, "INFO", message);
        sent.add(new Line(t0 + offset, service, null, message.split(" "), null));
    }

    private void send(long ts, String service, String level, String message) throws Exception {
        String json =
                String.format(
                        "{\"timestamp\":\"%s\",\"service\":\"%s\",\"level\":\"%s\",\"message\":\"%s\"}",
                        iso(ts), service, level, message);
        SharedKafka.send(producer, logsTopic, 0, json.getBytes(StandardCharsets.UTF_8));
    }
}
