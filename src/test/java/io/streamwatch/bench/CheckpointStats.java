package io.streamwatch.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The checkpoint figures of a running job, from Flink's REST API ({@code /jobs/<id>/checkpoints}):
 * how many completed, their longest and average end-to-end duration, the largest incremental size
 * (what a checkpoint uploaded) and the largest full state size, and how often the job was restored
 * from a checkpoint (a failover). The key-scaling runs report these beside the throughput, because
 * the SPEC's target for 1M keys is about both.
 */
final class CheckpointStats {
    private CheckpointStats() {}

    /** JSON fields ({@code "a":1,...}) without braces; {@code "checkpoint_error"} on failure. */
    static String fetch(String restBase, String jobId) {
        try {
            HttpClient http =
                    HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            HttpRequest request =
                    HttpRequest.newBuilder(URI.create(restBase + "/jobs/" + jobId + "/checkpoints"))
                            .timeout(Duration.ofSeconds(30))
                            .build();
            String body = http.send(request, HttpResponse.BodyHandlers.ofString()).body();
            JsonNode root = new ObjectMapper().readTree(body);
            long completed = root.path("counts").path("completed").asLong();
            long failed = root.path("counts").path("failed").asLong();
            long restored = root.path("counts").path("restored").asLong();
            long maxDuration = 0;
            long sumDuration = 0;
            long maxCheckpointed = 0;
            long maxState = 0;
            int n = 0;
            List<String> failures = new ArrayList<>();
            for (JsonNode c : root.path("history")) {
                if ("FAILED".equals(c.path("status").asText())) {
                    failures.add(c.path("id").asText() + ": " + c.path("failure_message").asText());
                }
                if (!"COMPLETED".equals(c.path("status").asText())) {
                    continue;
                }
                long d = c.path("end_to_end_duration").asLong();
                maxDuration = Math.max(maxDuration, d);
                sumDuration += d;
                maxCheckpointed = Math.max(maxCheckpointed, c.path("checkpointed_size").asLong());
                maxState = Math.max(maxState, c.path("state_size").asLong());
                n++;
            }
            return String.format(
                    Locale.ROOT,
                    "\"checkpoints_completed\":%d,\"checkpoints_failed\":%d,\"restores\":%d,"
                            + "\"checkpoint_max_s\":%.3f,\"checkpoint_avg_s\":%.3f,"
                            + "\"checkpoint_max_incremental_bytes\":%d,"
                            + "\"checkpoint_max_state_bytes\":%d,\"checkpoint_failures\":%s,"
                            + "\"checkpoints_failed_before_start\":%d",
                    completed,
                    failed,
                    restored,
                    maxDuration / 1000.0,
                    n == 0 ? 0.0 : sumDuration / 1000.0 / n,
                    maxCheckpointed,
                    maxState,
                    new ObjectMapper().writeValueAsString(failures),
                    // Flink counts a trigger that could not start a checkpoint (a task not yet
                    // running, say) as failed, with no entry in the history.
                    Math.max(0, failed - failures.size()));
        } catch (Exception e) {
            return "\"checkpoint_error\":\"" + e.getClass().getSimpleName() + "\"";
        }
    }
}
