package io.streamwatch.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.streamwatch.config.AlertsConfig;
import io.streamwatch.config.PipelineConfig;
import io.streamwatch.config.StreamwatchConfig;
import io.streamwatch.rules.RuleDefinition;
import io.streamwatch.rules.RuleReader;
import io.streamwatch.testing.SharedKafka;
import io.streamwatch.testing.TestJobs;
import io.streamwatch.testing.TestPipelines;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * No Docker engine runs where the tests run, so this checks {@code docker-compose.yml} and what it
 * mounts statically: images pinned, every mounted file present, ports that agree with {@code
 * flink-conf/config.yaml}, a valid Grafana dashboard, and every metric the dashboard queries one
 * that the job really registers, by the names Flink's Prometheus reporter gives them in a
 * MiniCluster run of the job.
 */
class DockerComposeTest {
    private static final InMemoryReporter REPORTER = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setConfiguration(REPORTER.addToConfiguration(new Configuration()))
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final YAMLMapper YAML = new YAMLMapper();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern METRIC = Pattern.compile("\\bflink_[A-Za-z0-9_:]+");

    private static JsonNode compose() throws Exception {
        return YAML.readTree(ROOT.resolve("docker-compose.yml").toFile());
    }

    private static JsonNode flinkConf() throws Exception {
        return YAML.readTree(ROOT.resolve("flink-conf/config.yaml").toFile());
    }

    @Test
    void imagesArePinned() throws Exception {
        compose()
                .get("services")
                .fields()
                .forEachRemaining(
                        s -> {
                            String image = s.getValue().path("image").asText();
                            assertThat(image).as("image of service %s", s.getKey()).isNotEmpty();
                            assertThat(image)
                                    .as("image of service %s is pinned", s.getKey())
                                    .matches("[^:]+:[^:]*\\d[^:]*")
                                    .doesNotEndWith(":latest");
                        });
    }

    @Test
    void everyMountedFileExists() throws Exception {
        String version = pomVersion();
        List<String> checked = new ArrayList<>();
        compose()
                .get("services")
                .fields()
                .forEachRemaining(
                        s ->
                                s.getValue()
                                        .path("volumes")
                                        .forEach(
                                                v -> {
                                                    String source = v.asText().split(":")[0];
                                                    if (!source.startsWith("./")) {
                                                        return; // a named volume
                                                    }
                                                    checked.add(source);
                                                    if (source.startsWith("./target/")) {
                                                        // Build output: `mvn package` makes it.
                                                        assertThat(source)
                                                                .isEqualTo(
                                                                        "./target/streamwatch-"
                                                                                + version
                                                                                + ".jar");
                                                    } else {
                                                        assertThat(ROOT.resolve(source))
                                                                .as("mounted by %s", s.getKey())
                                                                .exists();
                                                    }
                                                }));
        assertThat(checked).contains("./flink-conf", "./deploy/prometheus/prometheus.yml");
    }

    @Test
    void portsAgreeWithFlinkConf() throws Exception {
        JsonNode conf = flinkConf();
        int restPort = conf.get("rest.port").asInt();
        String[] range = conf.get("metrics.reporter.prom.port").asText().split("-");
        int promLow = Integer.parseInt(range[0]);
        int promHigh = Integer.parseInt(range[range.length - 1]);
        JsonNode services = compose().get("services");

        assertThat(services.get("jobmanager").get("ports").get(0).asText())
                .isEqualTo(restPort + ":" + restPort);
        assertThat(services.get("jobmanager").get("healthcheck").get("test").toString())
                .contains("/" + restPort + " ");
        assertThat(services.get("submit").get("entrypoint").toString())
                .contains("jobmanager:" + restPort);

        JsonNode prometheus =
                YAML.readTree(ROOT.resolve("deploy/prometheus/prometheus.yml").toFile());
        List<String> targets = new ArrayList<>();
        prometheus
                .get("scrape_configs")
                .forEach(
                        c ->
                                c.get("static_configs")
                                        .forEach(
                                                s ->
                                                        s.get("targets")
                                                                .forEach(
                                                                        t ->
                                                                                targets.add(
                                                                                        t
                                                                                                .asText()))));
        assertThat(targets).containsExactlyInAnyOrder("jobmanager:9249", "taskmanager:9249");
        for (String t : targets) {
            int port = Integer.parseInt(t.substring(t.indexOf(':') + 1));
            assertThat(port).as(t + " in the reporter's range").isBetween(promLow, promHigh);
            assertThat(services.has(t.substring(0, t.indexOf(':')))).isTrue();
        }
    }

    @Test
    void grafanaIsProvisionedWithTheDashboard() throws Exception {
        JsonNode datasources =
                YAML.readTree(
                        ROOT.resolve("deploy/grafana/provisioning/datasources/prometheus.yml")
                                .toFile());
        String uid = datasources.get("datasources").get(0).get("uid").asText();
        JsonNode dashboard = dashboard();
        assertThat(dashboard.get("title").asText()).isEqualTo("Streamwatch");
        List<String> titles = new ArrayList<>();
        dashboard
                .get("panels")
                .forEach(
                        p -> {
                            titles.add(p.get("title").asText());
                            p.path("targets")
                                    .forEach(
                                            t ->
                                                    assertThat(
                                                                    t.get("datasource")
                                                                            .get("uid")
                                                                            .asText())
                                                            .isEqualTo(uid));
                        });
        assertThat(String.join("\n", titles))
                .contains(
                        "Records in",
                        "Aggregates out",
                        "Rejected records by reason",
                        "Late records",
                        "Event-time lag",
                        "Checkpoint duration",
                        "Checkpoint size",
                        "Backpressure",
                        "Alerts");
    }

    @Test
    void everyMetricTheDashboardAndTheAlertingRulesQueryIsRegisteredByTheJob() throws Exception {
        Set<String> queried = new TreeSet<>();
        dashboard()
                .get("panels")
                .forEach(
                        p ->
                                p.path("targets")
                                        .forEach(
                                                t -> {
                                                    Matcher m =
                                                            METRIC.matcher(t.get("expr").asText());
                                                    while (m.find()) {
                                                        queried.add(m.group());
                                                    }
                                                }));
        assertThat(queried).hasSizeGreaterThanOrEqualTo(8);
        Set<String> inRules = new TreeSet<>();
        for (String expr : PrometheusRulesTest.expressions()) {
            Matcher m = METRIC.matcher(expr);
            while (m.find()) {
                inRules.add(m.group());
            }
        }
        assertThat(inRules).hasSizeGreaterThanOrEqualTo(8);
        queried.addAll(inRules);

        Set<String> registered = metricNamesOfAJobRun();
        assertThat(registered)
                .as("names as Prometheus shows them on a real cluster (seen by the e2e test)")
                .contains(
                        "flink_taskmanager_job_task_operator_deserializer_streamwatch_pipeline_reason_recordsRejected");
        assertThat(registered).containsAll(queried);
    }

    private static JsonNode dashboard() throws Exception {
        return JSON.readTree(ROOT.resolve("deploy/grafana/dashboards/streamwatch.json").toFile());
    }

    private static String pomVersion() throws Exception {
        Matcher m =
                Pattern.compile(
                                "<artifactId>streamwatch</artifactId>\\s*<version>([^<]+)</version>")
                        .matcher(Files.readString(ROOT.resolve("pom.xml")));
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    /** Runs the job on the MiniCluster until its metrics are registered; their Prometheus names. */
    private static Set<String> metricNamesOfAJobRun() throws Exception {
        String bootstrap = SharedKafka.bootstrapServers();
        String logs = SharedKafka.uniqueTopic("logs");
        String metrics = SharedKafka.uniqueTopic("metrics");
        String logOut = SharedKafka.uniqueTopic("log-aggregates");
        String metricOut = SharedKafka.uniqueTopic("metric-aggregates");
        String dead = SharedKafka.uniqueTopic("dead-letter");
        String late = SharedKafka.uniqueTopic("late-events");
        String alerts = SharedKafka.uniqueTopic("alerts");
        String status = SharedKafka.uniqueTopic("rule-status");
        String control = SharedKafka.uniqueTopic("rules");
        SharedKafka.createTopics(1, logs, metrics, logOut, metricOut, dead, late, alerts, status);
        SharedKafka.createCompactedTopic(control);
        PipelineConfig logPipeline =
                TestPipelines.withTopics(
                        TestPipelines.logs("streamwatch"), logs, logOut, Duration.ofSeconds(1));
        PipelineConfig metricPipeline =
                TestPipelines.withTopics(
                        TestPipelines.metrics("streamwatch"),
                        metrics,
                        metricOut,
                        Duration.ofSeconds(1));
        StreamwatchConfig config =
                TestPipelines.withAlerts(
                        TestPipelines.job(
                                bootstrap, logs, List.of(logPipeline, metricPipeline), dead, late),
                        new AlertsConfig(alerts, List.of(), control, status));
        List<RuleDefinition> rules = new ArrayList<>();
        rules.add(
                RuleReader.read(
                        new ObjectMapper()
                                .readTree(
                                        "{\"name\":\"Errors\",\"pipeline\":\"app-logs\","
                                                + "\"condition\":\"error_ratio > 0.5\"}"),
                        "rules.yaml",
                        0,
                        new ArrayList<>()));
        JobClient job = TestJobs.startOnKafka(config, rules, "metric-names");
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (true) {
                Set<String> names = JobMetricNames.prometheusNames(REPORTER);
                boolean ready =
                        names.stream().anyMatch(n -> n.endsWith("streamwatch_pipeline_recordsIn"))
                                && names.stream()
                                        .anyMatch(
                                                n -> n.endsWith("streamwatch_pipeline_lateRecords"))
                                && names.stream()
                                        .anyMatch(
                                                n ->
                                                        n.endsWith(
                                                                "streamwatch_pipeline_aggregatesOut"))
                                && names.stream()
                                        .anyMatch(n -> n.endsWith("streamwatch_rule_alertsFiring"))
                                && names.stream()
                                        .anyMatch(
                                                n ->
                                                        n.endsWith(
                                                                "streamwatch_status_alertTransitions"))
                                && names.stream()
                                        .anyMatch(
                                                n -> n.endsWith("streamwatch_ruleEvaluationErrors"))
                                && names.contains("flink_jobmanager_job_lastCheckpointDuration");
                if (ready) {
                    return names;
                }
                assertThat(System.nanoTime())
                        .as("the job's metrics within 90 s; so far: %s", names)
                        .isLessThan(deadline);
                Thread.sleep(200);
            }
        } finally {
            job.cancel().get();
        }
    }
}
