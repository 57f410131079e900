package io.streamwatch.offline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The dead letters of an offline run, counted by reason, with one of each as an example. A backtest
 * that said only "10320 dead letters" left the user guessing why (issue 21); this says which reason
 * and shows one record's detail. Counts, not records: a backtest over a lot of bad input keeps one
 * example per reason in memory, not every dead letter.
 */
public final class DeadLetterReasons {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, Map<String, Reason>> RUNS = new ConcurrentHashMap<>();

    private DeadLetterReasons() {}

    /**
     * How many dead letters had one reason, and one of them (the first to reach the sink; with
     * several partitions, not necessarily the oldest): its source record ({@code
     * topic/partition/offset}) and detail.
     */
    public record Reason(long count, String source, String detail) {
        Reason plusOne() {
            return new Reason(count + 1, source, detail);
        }
    }

    /** Counts one dead letter, as the job encodes it (JSON, the SPEC's shape), for a run. */
    static void add(String run, byte[] value) {
        String reason;
        String source;
        String detail;
        try {
            JsonNode d = JSON.readTree(value);
            reason = d.path("reason").asText("?");
            source =
                    d.path("source_topic").asText()
                            + "/"
                            + d.path("partition").asText()
                            + "/"
                            + d.path("offset").asText();
            detail = d.path("detail").asText();
        } catch (IOException e) {
            // The job's own encoder wrote it; unreadable means a bug, which still counts.
            reason = "?";
            source = "?";
            detail = "unreadable dead letter: " + e.getMessage();
        }
        String s = source;
        String d = detail;
        RUNS.computeIfAbsent(run, r -> new ConcurrentHashMap<>())
                .merge(reason, new Reason(1, s, d), (old, one) -> old.plusOne());
    }

    /** The reasons of a run, by name, and forgets them. */
    static Map<String, Reason> take(String run) {
        Map<String, Reason> reasons = RUNS.remove(run);
        return reasons == null ? Map.of() : new TreeMap<>(reasons);
    }

    /**
     * Prints one line per reason: the count, and the example's source and detail. A hint follows
     * when event times were too far from the records' Kafka timestamps, the usual cause when old
     * data is replayed.
     */
    public static void print(PrintWriter out, Map<String, Reason> reasons) {
        if (reasons.isEmpty()) {
            return;
        }
        out.println("Dead letters by reason, with one example of each:");
        reasons.forEach(
                (reason, r) ->
                        out.printf(
                                "  %-24s %8d  %s: %s%n",
                                reason, r.count(), r.source(), r.detail()));
        if (reasons.containsKey("timestamp_out_of_range")) {
            out.println(
                    "  timestamp_out_of_range: the records' event times are far from their Kafka"
                            + " timestamps; for old data see docs/rule-tests.md (\"Old data\")");
        }
    }
}
