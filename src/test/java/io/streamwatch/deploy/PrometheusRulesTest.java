package io.streamwatch.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.streamwatch.testing.ExternalBinary;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The Prometheus and Alertmanager files of {@code deploy/}, checked by the servers' own tools:
 * {@code promtool check rules} and {@code promtool test rules} (each alerting rule fires on the
 * series it watches for, with its labels and annotations, and stays quiet on healthy ones), {@code
 * promtool check config} for both Prometheus configurations, {@code amtool check-config} for the
 * playground's Alertmanager. Skipped, saying so, without Debian's {@code prometheus} and {@code
 * prometheus-alertmanager} packages ({@code .ci/run} installs them). That the rules' metric names
 * are the job's is checked with the dashboard's, in {@link DockerComposeTest}.
 */
class PrometheusRulesTest {
    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final Path RULES = ROOT.resolve("deploy/prometheus/rules/streamwatch.yml");
    private static final Path RULE_TESTS =
            ROOT.resolve("deploy/prometheus/tests/streamwatch.test.yml");
    private static final YAMLMapper YAML = new YAMLMapper();

    record Result(int exit, String output) {}

    private static Result run(Path tool, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(tool.toString());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("%s finished", command).isTrue();
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    private static Path promtool() {
        return ExternalBinary.require("prometheus", "promtool");
    }

    @Test
    void theAlertingRulesAreValid() throws Exception {
        Result r = run(promtool(), "check", "rules", RULES.toString());

        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output()).contains("SUCCESS: " + alertNames().size() + " rules found");
    }

    @Test
    void everyAlertingRuleFiresInItsUnitTestAndOnlyThere() throws Exception {
        Result r = run(promtool(), "test", "rules", RULE_TESTS.toString());

        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output()).contains("SUCCESS");
        // promtool compares exactly the alerts a test expects; this makes sure no rule is left
        // without a test that expects it to fire.
        Set<String> expectedToFire = new TreeSet<>();
        for (JsonNode test : YAML.readTree(RULE_TESTS.toFile()).get("tests")) {
            for (JsonNode t : test.path("alert_rule_test")) {
                if (!t.path("exp_alerts").isEmpty()) {
                    expectedToFire.add(t.get("alertname").asText());
                }
            }
        }
        assertThat(expectedToFire).isEqualTo(alertNames());
    }

    @Test
    void bothPrometheusConfigurationsAreValidWithTheirRuleFiles() throws Exception {
        Path promtool = promtool();
        for (String config :
                List.of("deploy/prometheus/prometheus.yml", "deploy/prometheus/local.yml")) {
            Result r = run(promtool, "check", "config", ROOT.resolve(config).toString());

            assertThat(r.exit()).as(config + ":\n" + r.output()).isZero();
            // rule_files resolve relative to the configuration: both find the rules.
            assertThat(r.output()).as(config).contains("SUCCESS: 1 rule files found");
        }
    }

    @Test
    void thePlaygroundsAlertmanagerConfigurationIsValid() throws Exception {
        Path amtool = ExternalBinary.require("prometheus-alertmanager", "amtool");
        Result r =
                run(
                        amtool,
                        "check-config",
                        ROOT.resolve("deploy/alertmanager/alertmanager.yml").toString());

        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output()).contains("SUCCESS");
    }

    /** The names of the alerting rules in {@code streamwatch.yml}. */
    static Set<String> alertNames() throws Exception {
        Set<String> names = new TreeSet<>();
        for (JsonNode group : YAML.readTree(RULES.toFile()).get("groups")) {
            for (JsonNode rule : group.get("rules")) {
                names.add(rule.get("alert").asText());
            }
        }
        return names;
    }

    /** The rule expressions, for the metric-name check. */
    static List<String> expressions() throws Exception {
        List<String> out = new ArrayList<>();
        for (JsonNode group : YAML.readTree(RULES.toFile()).get("groups")) {
            for (JsonNode rule : group.get("rules")) {
                out.add(rule.get("expr").asText());
            }
        }
        return out;
    }
}
