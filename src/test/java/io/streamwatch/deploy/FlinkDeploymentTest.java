package io.streamwatch.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Checks {@code deploy/kubernetes/flinkdeployment.yaml} statically (no Kubernetes here): an
 * application-mode {@code FlinkDeployment} with savepoint upgrades, state on durable storage, the
 * job jar and config where the Dockerfile puts them, and the Flink configuration and log
 * configuration of {@code flink-conf/}, so the two cannot drift apart.
 */
class FlinkDeploymentTest {
    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final YAMLMapper YAML = new YAMLMapper();

    /** Keys of flink-conf/config.yaml that each environment sets for itself. */
    private static final Set<String> PER_ENVIRONMENT =
            Set.of(
                    "jobmanager.rpc.address",
                    "jobmanager.bind-host",
                    "taskmanager.host",
                    "taskmanager.bind-host",
                    "rest.address",
                    "rest.bind-address",
                    "execution.checkpointing.dir",
                    "execution.checkpointing.savepoint-dir",
                    "io.tmp.dirs",
                    "web.tmpdir",
                    // Set through spec.jobManager/taskManager.resource.memory, checked below.
                    "jobmanager.memory.process.size",
                    "taskmanager.memory.process.size");

    private static JsonNode deployment() throws Exception {
        return YAML.readTree(ROOT.resolve("deploy/kubernetes/flinkdeployment.yaml").toFile());
    }

    @Test
    void isAnApplicationModeDeploymentWithSavepointUpgrades() throws Exception {
        JsonNode d = deployment();
        assertThat(d.get("apiVersion").asText()).isEqualTo("flink.apache.org/v1beta1");
        assertThat(d.get("kind").asText()).isEqualTo("FlinkDeployment");
        JsonNode spec = d.get("spec");
        assertThat(spec.get("flinkVersion").asText()).isEqualTo("v2_2");
        assertThat(spec.get("image").asText()).doesNotEndWith(":latest").contains(":");
        JsonNode job = spec.get("job");
        assertThat(job.get("upgradeMode").asText()).isEqualTo("savepoint");
        assertThat(job.get("state").asText()).isEqualTo("running");
        assertThat(job.get("entryClass").asText())
                .isEqualTo(
                        Files.readString(ROOT.resolve("pom.xml"))
                                .replaceAll("(?s).*<main.class>([^<]+)</main.class>.*", "$1"));
        assertThat(job.get("parallelism").asInt()).isPositive();
    }

    @Test
    void jarAndConfigAreWhereTheImagePutsThem() throws Exception {
        JsonNode job = deployment().get("spec").get("job");
        String dockerfile = Files.readString(ROOT.resolve("deploy/kubernetes/Dockerfile"));
        String jar = job.get("jarURI").asText();
        assertThat(jar).startsWith("local://");
        assertThat(dockerfile).contains(" " + jar.substring("local://".length()) + "\n");
        String config = null;
        for (int i = 0; i < job.get("args").size() - 1; i++) {
            if (job.get("args").get(i).asText().equals("--config")) {
                config = job.get("args").get(i + 1).asText();
            }
        }
        assertThat(config).isEqualTo("/opt/streamwatch/jobs-config/streamwatch.yaml");
        assertThat(dockerfile).contains("COPY jobs-config /opt/streamwatch/jobs-config");
        assertThat(dockerfile).contains("FROM flink:2.2.1-java17");
    }

    @Test
    void stateGoesToDurableStorage() throws Exception {
        JsonNode conf = deployment().get("spec").get("flinkConfiguration");
        for (String key :
                new String[] {
                    "execution.checkpointing.dir",
                    "execution.checkpointing.savepoint-dir",
                    "high-availability.storageDir"
                }) {
            assertThat(conf.get(key).asText()).as(key).matches("(s3|s3a|gs|hdfs|abfss?|oss)://.+");
        }
        assertThat(conf.get("high-availability.type").asText()).isEqualTo("kubernetes");
    }

    @Test
    void flinkConfigurationIsFlinkConf() throws Exception {
        JsonNode spec = deployment().get("spec");
        JsonNode conf = spec.get("flinkConfiguration");
        JsonNode flinkConf = YAML.readTree(ROOT.resolve("flink-conf/config.yaml").toFile());
        flinkConf
                .fields()
                .forEachRemaining(
                        e -> {
                            if (!PER_ENVIRONMENT.contains(e.getKey())) {
                                assertThat(conf.path(e.getKey()).asText())
                                        .as("flinkConfiguration %s", e.getKey())
                                        .isEqualTo(e.getValue().asText());
                            }
                        });
        assertThat(spec.get("jobManager").get("resource").get("memory").asText())
                .isEqualTo(flinkConf.get("jobmanager.memory.process.size").asText());
        assertThat(spec.get("taskManager").get("resource").get("memory").asText())
                .isEqualTo(flinkConf.get("taskmanager.memory.process.size").asText());
        assertThat(spec.get("logConfiguration").get("log4j-console.properties").asText())
                .isEqualTo(Files.readString(ROOT.resolve("flink-conf/log4j-console.properties")));
    }
}
