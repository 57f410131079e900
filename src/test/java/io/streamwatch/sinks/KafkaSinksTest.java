package io.streamwatch.sinks;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamwatch.config.ConfigLoader;
import io.streamwatch.config.StreamwatchConfig;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class KafkaSinksTest {
    private static final Path CONFIG = Path.of("jobs-config/streamwatch.yaml");

    @Test
    void producersBatchMoreThanTheClientDefaultUnlessTheConfigSaysOtherwise() throws Exception {
        StreamwatchConfig defaults = ConfigLoader.load(CONFIG, Map.of());
        Properties p = KafkaSinks.producerProperties(defaults, "alerts");
        assertThat(p.getProperty("batch.size")).isEqualTo("131072");
        assertThat(p.getProperty("linger.ms")).isEqualTo("20");
        // kafka.transaction_timeout: 10m in the shipped configuration.
        assertThat(p.getProperty("transaction.timeout.ms")).isEqualTo("600000");
        assertThat(p.getProperty("client.id")).endsWith("-alerts");

        StreamwatchConfig tuned =
                ConfigLoader.load(
                        CONFIG,
                        Map.of(
                                "kafka.properties.batch.size", "16384",
                                "kafka.properties.linger.ms", "0"));
        Properties q = KafkaSinks.producerProperties(tuned, "alerts");
        assertThat(q.getProperty("batch.size")).isEqualTo("16384");
        assertThat(q.getProperty("linger.ms")).isEqualTo("0");
    }
}
