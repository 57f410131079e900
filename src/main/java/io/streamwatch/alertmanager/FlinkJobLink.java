package io.streamwatch.alertmanager;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The {@code generatorURL} of the alerts: the job's page in the Flink web UI, {@code
 * <flink-url>/#/job/running/<job id>/overview}. The job id is the one given, or else looked up in
 * Flink's REST API ({@code GET <flink-url>/jobs/overview}: the newest RUNNING job with the job's
 * name) at start and at every re-send, since a resubmitted job gets a new id. While there is no
 * such job (Flink unreachable, the job not running) the link is the web UI's job list, {@code
 * <flink-url>/#/job/running}.
 */
public final class FlinkJobLink {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String base;
    private final String fixedJobId;
    private final String jobName;
    private final HttpClient http;
    private final BridgeLog log;
    private volatile String link;
    private String lastFound;

    /**
     * @param flinkUrl the web UI's base URL, e.g. {@code http://localhost:8081}
     * @param jobId the job's id, or null to look it up by {@code jobName}
     */
    public FlinkJobLink(String flinkUrl, String jobId, String jobName, BridgeLog log) {
        this.base =
                flinkUrl.endsWith("/") ? flinkUrl.substring(0, flinkUrl.length() - 1) : flinkUrl;
        this.fixedJobId = jobId;
        this.jobName = jobName;
        this.log = log;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        this.link = jobId == null ? jobList() : jobPage(jobId);
    }

    /** The link to send now. */
    public String get() {
        return link;
    }

    /** Looks the job up again (nothing to do with a fixed job id). */
    public void refresh() {
        if (fixedJobId != null) {
            return;
        }
        String id = lookUp();
        link = id == null ? jobList() : jobPage(id);
        if (id != null && !id.equals(lastFound)) {
            log.info("generatorURL: " + link);
        }
        lastFound = id;
    }

    String jobPage(String id) {
        return base + "/#/job/running/" + id + "/overview";
    }

    String jobList() {
        return base + "/#/job/running";
    }

    private String lookUp() {
        try {
            HttpResponse<String> r =
                    http.send(
                            HttpRequest.newBuilder(URI.create(base + "/jobs/overview"))
                                    .timeout(Duration.ofSeconds(3))
                                    .GET()
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                return null;
            }
            String id = null;
            long newest = Long.MIN_VALUE;
            for (JsonNode job : JSON.readTree(r.body()).path("jobs")) {
                if (jobName.equals(job.path("name").asText())
                        && "RUNNING".equals(job.path("state").asText())
                        && job.path("start-time").asLong() > newest) {
                    newest = job.path("start-time").asLong();
                    id = job.path("jid").asText();
                }
            }
            return id;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (Exception e) {
            return null;
        }
    }
}
