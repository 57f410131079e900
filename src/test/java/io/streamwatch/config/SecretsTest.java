package io.streamwatch.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Secrets come from the environment or files, and never show in output. */
class SecretsTest {
    private static final String PASSWORD = "s3cr3t-Pa55";
    private static final String KEY_PASSWORD = "k3y-pa55";

    @Test
    void envAndFileReferencesResolveAndNeverShow(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("key-password"), KEY_PASSWORD + "\n");
        Path file = dir.resolve("streamwatch.yaml");
        Files.writeString(
                file,
                """
                kafka:
                  properties:
                    security.protocol: SASL_SSL
                    sasl.jaas.config: PlainLoginModule required password="${env:SW_PASSWORD}";
                    ssl.key.password: ${file:key-password}
                pipelines:
                  - {name: l, kind: logs, topic: logs}
                """);

        StreamwatchConfig c =
                ConfigLoader.load(file, List.of(), Map.of("SW_PASSWORD", PASSWORD)::get);

        Map<String, String> props = c.kafka().properties();
        assertThat(props.get("sasl.jaas.config"))
                .isEqualTo("PlainLoginModule required password=\"" + PASSWORD + "\";");
        assertThat(props.get("ssl.key.password")).isEqualTo(KEY_PASSWORD);
        assertThat(props.get("security.protocol")).isEqualTo("SASL_SSL");

        assertThat(c.toString()).doesNotContain(PASSWORD, KEY_PASSWORD).contains("SASL_SSL");
        assertThat(c.kafka().toString()).doesNotContain(PASSWORD, KEY_PASSWORD);
        assertThat(c.kafka().redactedProperties())
                .containsEntry("sasl.jaas.config", "******")
                .containsEntry("ssl.key.password", "******")
                .containsEntry("security.protocol", "SASL_SSL");
    }

    @Test
    void overrideValuesMayReferenceSecretsToo() throws Exception {
        StreamwatchConfig c =
                ConfigLoader.load(
                        DefaultConfigTest.DEFAULT,
                        List.of(
                                ConfigOverride.of(
                                        "kafka.properties.sasl.jaas.config",
                                        "x password=\"${env:SW_PASSWORD}\";")),
                        Map.of("SW_PASSWORD", PASSWORD)::get);

        assertThat(c.kafka().properties().get("sasl.jaas.config")).contains(PASSWORD);
        assertThat(c.toString()).doesNotContain(PASSWORD);
    }

    @Test
    void unreadableFileNamesThePropertyAndFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("streamwatch.yaml");
        Files.writeString(
                file,
                """
                kafka:
                  properties: {ssl.truststore.password: "${file:/no/such/secret}"}
                pipelines: [{name: l, kind: logs, topic: logs}]
                """);

        assertThat(ConfigLoader.check(file, Map.of()))
                .containsExactly(
                        new ConfigProblem(
                                file.toString(),
                                "kafka",
                                "properties.ssl.truststore.password",
                                "cannot read secret file /no/such/secret (NoSuchFileException)"));
    }

    @Test
    void problemsNeverQuoteAPropertyValue(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("streamwatch.yaml");
        Files.writeString(
                file,
                """
                kafka:
                  properties:
                    sasl.jaas.config: "password=%s ${env:NOT_SET_ANYWHERE}"
                    bootstrap.servers: "%s"
                pipelines: [{name: l, kind: logs, topic: logs}]
                """
                        .formatted(PASSWORD, PASSWORD));

        assertThatThrownBy(() -> ConfigLoader.load(file, List.of(), Map.<String, String>of()::get))
                .isInstanceOfSatisfying(
                        ConfigException.class,
                        e -> {
                            assertThat(e.getMessage())
                                    .doesNotContain(PASSWORD)
                                    .contains(
                                            "properties.bootstrap.servers: set"
                                                    + " kafka.bootstrap_servers instead")
                                    .contains("environment variable NOT_SET_ANYWHERE is not set");
                            assertThat(e.problems()).hasSize(2);
                        });
    }

    @Test
    void kafkaConfigProvidersKeepTheirReferences(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("streamwatch.yaml");
        Files.writeString(
                file,
                """
                kafka:
                  properties:
                    config.providers: file
                    config.providers.file.class: org.apache.kafka.common.config.provider.FileConfigProvider
                    sasl.jaas.config: "password=${file:/etc/kafka/secrets.properties:password}"
                pipelines: [{name: l, kind: logs, topic: logs}]
                """);

        assertThat(ConfigLoader.load(file, Map.of()).kafka().properties().get("sasl.jaas.config"))
                .isEqualTo("password=${file:/etc/kafka/secrets.properties:password}");
    }

    @Test
    void secretLookingKeys() {
        assertThat(Secrets.isSecretKey("sasl.jaas.config")).isTrue();
        assertThat(Secrets.isSecretKey("ssl.keystore.password")).isTrue();
        assertThat(Secrets.isSecretKey("basic.auth.user.info.SECRET")).isTrue();
        assertThat(Secrets.isSecretKey("ssl.key.location")).isTrue();
        assertThat(Secrets.isSecretKey("security.protocol")).isFalse();
        assertThat(Secrets.redact(Map.of("a", "1", "x.password", "p")))
                .containsExactlyInAnyOrderEntriesOf(Map.of("a", "1", "x.password", "******"));
    }
}
