package io.streamwatch.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamwatch.testing.ExternalBinary;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The playground with Prometheus and Alertmanager, as a user runs it ({@code bin/playground
 * --no-build}: broker, JobManager, TaskManager, the job, the generator with its incidents, and
 * Prometheus, Alertmanager, its webhook printer and the bridge): every query of the Grafana
 * dashboard returns data from that real Prometheus scraping the running job (the dashboard is
 * otherwise checked by metric names only, in {@code DockerComposeTest}), the alerting rules that
 * watch the job evaluate without error, and the generator's first incident goes all the way: the
 * job's HighErrorRatio alert reaches Alertmanager, with a generatorURL to the job, and its webhook
 * prints the notification.
 *
 * <p>Its own work directory and ports, so it runs beside a playground. Skipped, saying so, without
 * Debian's {@code prometheus} and {@code prometheus-alertmanager}; in CI, which installs them,
 * failed instead ({@link io.streamwatch.testing.ExternalBinary#require}).
 */
class PlaygroundMonitoringTest {
    private static final Path ROOT =
            Path.of(System.getProperty("streamwatch.root", ".")).toAbsolutePath().normalize();
    private static final Path WORK = ROOT.resolve("target/e2e-monitoring");
    private static final PlaygroundPorts PORTS =
            new PlaygroundPorts(29592, 8591, 6623, 9749, 9790, 9793, 9797);
    private static final Duration START_DEADLINE = Duration.ofMinutes(6);
    private static final Duration DATA_DEADLINE = Duration.ofMinutes(5);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    private Process playground;

    @AfterEach
    void stop() throws Exception {
        if (playground != null && playground.isAlive()) {
            playground.toHandle().destroy(); // SIGTERM: its cleanup stops what it started
            if (!playground.waitFor(2, TimeUnit.MINUTES)) {
                playground.destroyForcibly();
            }
        }
        Process stop =
                env(new ProcessBuilder("bin/playground", "stop"))
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .redirectError(ProcessBuilder.Redirect.DISCARD)
                        .start();
        if (!stop.waitFor(2, TimeUnit.MINUTES)) {
            stop.destroyForcibly();
        }
    }

    @Test
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void dashboardQueriesReturnDataAndAnIncidentReachesAlertmanager() throws Exception {
        ExternalBinary.require("prometheus", "prometheus");
        ExternalBinary.require(
                "prometheus-alertmanager", "prometheus-alertmanager", "alertmanager");
        for (int port : PORTS.all()) {
            assertThat(PlaygroundPorts.open(port)).as("port %d must be free", port).isFalse();
        }
        Files.createDirectories(WORK);
        Path log = WORK.resolve("playground.out");
        ProcessBuilder pb =
                env(new ProcessBuilder("bin/playground", "--no-build"))
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile());
        pb.environment().put("SW_GENERATOR_ARGS", "--incidents=error-spike");
        playground = pb.start();

        waitFor(
                "the playground up",
                START_DEADLINE,
                () -> {
                    assertThat(playground.isAlive())
                            .as("the playground ended:%n%s", tail(log))
                            .isTrue();
                    return Files.readString(log).contains("everything up in");
                });
        String out = Files.readString(log);
        assertThat(out)
                .contains(
                        "Prometheus: http://localhost:" + PORTS.prometheus(),
                        "Alertmanager: http://localhost:" + PORTS.alertmanager());
        String jobId = Files.readString(WORK.resolve("run/job-id")).strip();

        // Every query of the dashboard, as Grafana sends it, returns at least one series.
        Map<String, String> queries = dashboardQueries();
        assertThat(queries).hasSizeGreaterThanOrEqualTo(10);
        Map<String, Integer> empty = new LinkedHashMap<>();
        waitFor(
                "every dashboard query returning data",
                DATA_DEADLINE,
                () -> {
                    empty.clear();
                    for (Map.Entry<String, String> q : queries.entrySet()) {
                        int n = query(q.getValue()).size();
                        if (n == 0) {
                            empty.put(q.getKey() + ": " + q.getValue(), n);
                        }
                    }
                    return empty.isEmpty();
                },
                () -> "queries without data: " + empty.keySet());

        // The rules that watch the job evaluate without error (and none fires on a healthy job
        // that has run for a while: not asserted, a busy machine may miss a checkpoint).
        JsonNode groups = get(PORTS.prometheus(), "/api/v1/rules").path("data").path("groups");
        List<String> rules = new ArrayList<>();
        groups.forEach(
                g ->
                        g.path("rules")
                                .forEach(
                                        r -> {
                                            rules.add(r.path("name").asText());
                                            assertThat(r.path("health").asText())
                                                    .as("rule %s: %s", r.path("name"), r)
                                                    .isEqualTo("ok");
                                        }));
        assertThat(rules).contains("StreamwatchJobNotRunning", "StreamwatchDeadLettersRising");

        // The first incident (an error spike) fires HighErrorRatio in the job; the bridge sends
        // it to Alertmanager, which notifies the webhook printer.
        Path notifications = WORK.resolve("logs/notifications.log");
        waitFor(
                "HighErrorRatio notified by Alertmanager",
                DATA_DEADLINE,
                () ->
                        Files.exists(notifications)
                                && Files.readString(notifications)
                                        .contains("notified FIRING HighErrorRatio{"),
                () -> "notifications: " + read(notifications) + "\n" + tail(log));
        JsonNode alert = null;
        for (JsonNode a : get(PORTS.alertmanager(), "/api/v2/alerts")) {
            if (a.path("labels").path("alertname").asText().equals("HighErrorRatio")) {
                alert = a;
            }
        }
        assertThat(alert).as("HighErrorRatio in Alertmanager").isNotNull();
        assertThat(alert.path("generatorURL").asText())
                .isEqualTo(
                        "http://localhost:"
                                + PORTS.webUi()
                                + "/#/job/running/"
                                + jobId
                                + "/overview");
        assertThat(alert.path("labels").path("service").asText()).isNotEmpty();
    }

    private static ProcessBuilder env(ProcessBuilder pb) {
        pb.directory(ROOT.toFile());
        pb.environment().put("SW_WORK", WORK.toString());
        PORTS.putInto(pb.environment());
        return pb;
    }

    /** Panel title (numbered when a panel has several) to PromQL, from the dashboard file. */
    private static Map<String, String> dashboardQueries() throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        collect(
                JSON.readTree(ROOT.resolve("deploy/grafana/dashboards/streamwatch.json").toFile())
                        .path("panels"),
                out);
        return out;
    }

    private static void collect(JsonNode panels, Map<String, String> out) {
        for (JsonNode p : panels) {
            collect(p.path("panels"), out);
            int i = 0;
            for (JsonNode t : p.path("targets")) {
                out.put(p.path("title").asText() + " #" + (++i), t.path("expr").asText());
            }
        }
    }

    private static JsonNode query(String promql) throws Exception {
        JsonNode r =
                get(
                        PORTS.prometheus(),
                        "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        assertThat(r.path("status").asText()).as("%s: %s", promql, r).isEqualTo("success");
        return r.path("data").path("result");
    }

    private static JsonNode get(int port, String path) throws Exception {
        HttpResponse<String> r =
                HTTP.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("GET %s: %s", path, r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    interface Check {
        boolean done() throws Exception;
    }

    interface Detail {
        String get() throws Exception;
    }

    private static void waitFor(String what, Duration deadline, Check check) throws Exception {
        waitFor(what, deadline, check, () -> "");
    }

    private static void waitFor(String what, Duration deadline, Check check, Detail detail)
            throws Exception {
        long end = System.nanoTime() + deadline.toNanos();
        while (!check.done()) {
            if (System.nanoTime() > end) {
                fail("%s: not within %s; %s", what, deadline, detail.get());
            }
            Thread.sleep(1000);
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "(none)";
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static String tail(Path log) {
        List<String> lines = read(log).lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }
}
