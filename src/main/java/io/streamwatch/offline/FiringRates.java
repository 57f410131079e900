package io.streamwatch.offline;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How often each rule fired per key and day in a backtest: what tells a rule that pages once a week
 * per host from one that pages ten times a day. Keys are those of the rule's pipeline (groups, with
 * the metric name for metric pipelines) that had at least one aggregate in the range: all the keys
 * a rule could have fired on (more than it watches when its condition filters).
 */
final class FiringRates {
    private FiringRates() {}

    /** One rule's figures. */
    record Rate(
            String rule,
            long fired,
            long keys,
            long firedKeys,
            double perKeyAndDay,
            double perFiredKeyAndDay,
            double mostOnOneKeyPerDay) {}

    /**
     * The rates of every rule that fired, from the alert transitions ({@code firing} ones count),
     * the distinct aggregate keys by pipeline, and the range's length in days.
     */
    static List<Rate> of(List<JsonNode> alerts, Map<String, Long> keysByPipeline, double days) {
        Map<String, Map<String, Long>> byRule = new TreeMap<>();
        Map<String, String> pipelineOf = new HashMap<>();
        for (JsonNode a : alerts) {
            if (!a.path("status").asText().equals("firing")) {
                continue;
            }
            String rule = a.path("rule").asText();
            pipelineOf.put(rule, a.path("pipeline").asText());
            byRule.computeIfAbsent(rule, r -> new HashMap<>())
                    .merge(a.path("fingerprint").asText(), 1L, Long::sum);
        }
        return byRule.entrySet().stream()
                .map(
                        e -> {
                            long fired = e.getValue().values().stream().mapToLong(x -> x).sum();
                            long firedKeys = e.getValue().size();
                            long keys =
                                    Math.max(
                                            firedKeys,
                                            keysByPipeline.getOrDefault(
                                                    pipelineOf.get(e.getKey()), 0L));
                            long most =
                                    e.getValue().values().stream()
                                            .mapToLong(x -> x)
                                            .max()
                                            .orElse(0);
                            return new Rate(
                                    e.getKey(),
                                    fired,
                                    keys,
                                    firedKeys,
                                    fired / (keys * days),
                                    fired / (firedKeys * days),
                                    most / days);
                        })
                .toList();
    }

    /** Prints the table. */
    static void print(PrintWriter out, List<Rate> rates, double days) {
        out.printf(
                "Per key and day (%.2f days; keys: the pipeline's groups with aggregates in the"
                        + " range):%n",
                days);
        out.printf(
                "%-28s %8s %10s %13s %19s %15s%n",
                "rule",
                "keys",
                "fired keys",
                "per key/day",
                "per fired key/day",
                "most on one/day");
        for (Rate r : rates) {
            out.printf(
                    java.util.Locale.ROOT,
                    "%-28s %8d %10d %13.4f %19.4f %15.3f%n",
                    r.rule(),
                    r.keys(),
                    r.firedKeys(),
                    r.perKeyAndDay(),
                    r.perFiredKeyAndDay(),
                    r.mostOnOneKeyPerDay());
        }
    }
}
