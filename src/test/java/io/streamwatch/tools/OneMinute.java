package io.streamwatch.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamwatch.aggregation.PatternMasker;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The records of one minute of event time at the default 200 records/s (a bad record every 500),
 * with what a 1-minute window aggregate would see of them per service and host: what the example
 * rules look at. Records are sent up to {@link SampleRecords#MAX_JITTER_MS} after their event time,
 * so the minute's sending runs that much longer and keeps only the records stamped inside it.
 */
final class OneMinute {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final long MINUTE = 60_000;

    final List<JsonNode> logs = new ArrayList<>();
    final List<JsonNode> metrics = new ArrayList<>();
    final Set<String> badHosts = new HashSet<>();

    static OneMinute of(SampleRecords r, long from) {
        OneMinute w = new OneMinute();
        long span = MINUTE + SampleRecords.MAX_JITTER_MS;
        int slots = (int) (span / 5); // 200 per second
        for (int i = 1; i <= slots; i++) {
            long now = from + i * 5L - 1;
            if (i % 500 == 0) {
                SampleRecords.Sample bad = r.nextBad(now);
                if (bad != null && now < from + MINUTE) {
                    w.badHosts.add(bad.key());
                }
                continue;
            }
            SampleRecords.Sample s = r.next(now);
            if (s != null) {
                w.add(s, from);
            }
        }
        return w;
    }

    private void add(SampleRecords.Sample s, long from) {
        JsonNode node;
        try {
            node = MAPPER.readTree(s.value());
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        JsonNode ts = node.path("timestamp");
        long eventTime = ts.isNumber() ? ts.asLong() : Instant.parse(ts.asText()).toEpochMilli();
        if (eventTime >= from && eventTime < from + MINUTE) {
            (s.stream() == SampleRecords.Stream.LOGS ? logs : metrics).add(node);
        }
    }

    Set<String> hosts() {
        Set<String> hosts = new HashSet<>();
        logs.forEach(n -> hosts.add(n.path("host").asText()));
        metrics.forEach(n -> hosts.add(n.path("host").asText()));
        return hosts;
    }

    long total(String service) {
        return logs.stream().filter(n -> n.path("service").asText().equals(service)).count();
    }

    double errorRatio(String service) {
        long errors =
                logs.stream()
                        .filter(n -> n.path("service").asText().equals(service))
                        .filter(OneMinute::isError)
                        .count();
        return (double) errors / total(service);
    }

    /** Masked ERROR/FATAL patterns of a service with their counts. */
    Map<String, Integer> errorPatterns(String service) {
        Map<String, Integer> patterns = new HashMap<>();
        for (JsonNode n : logs) {
            if (n.path("service").asText().equals(service) && isError(n)) {
                patterns.merge(PatternMasker.mask(n.path("message").asText()), 1, Integer::sum);
            }
        }
        return patterns;
    }

    int count(String host, String name) {
        return (int)
                metrics.stream()
                        .filter(n -> n.path("host").asText().equals(host))
                        .filter(n -> n.path("name").asText().equals(name))
                        .count();
    }

    /** The p99 of a host's {@code http.server.duration} points (nearest rank). */
    double p99(String host) {
        double[] values =
                metrics.stream()
                        .filter(n -> n.path("host").asText().equals(host))
                        .filter(n -> n.path("name").asText().equals("http.server.duration"))
                        .mapToDouble(n -> n.path("value").asDouble())
                        .sorted()
                        .toArray();
        assertThat(values.length).as("duration points of " + host).isGreaterThan(100);
        return values[(int) Math.ceil(0.99 * values.length) - 1];
    }

    private static boolean isError(JsonNode n) {
        String level = n.path("level").asText();
        return level.equals("ERROR") || level.equals("FATAL");
    }
}
