package io.streamwatch.config;

import java.io.Serializable;
import java.time.Duration;
import java.util.Map;

/**
 * How to reach Kafka, for sources and sinks alike. Its {@link #toString()} masks secrets (see
 * {@link Secrets}).
 *
 * @param properties pass-through client settings ({@code kafka.properties} and {@code --kafka.*})
 * @param transactionTimeout the sinks' {@code transaction.timeout.ms}; must stay below the broker's
 *     {@code transaction.max.timeout.ms} (15 minutes by default)
 * @param transactionalIdPrefix prefix of the sinks' transactional ids; unique per job on a cluster
 */
public record KafkaConfig(
        String bootstrapServers,
        String groupId,
        StartingOffsets startingOffsets,
        Map<String, String> properties,
        Duration transactionTimeout,
        String transactionalIdPrefix)
        implements Serializable {

    /** The client properties safe to log or show: secret-looking values masked. */
    public Map<String, String> redactedProperties() {
        return Secrets.redact(properties);
    }

    /** Shows the properties redacted, so logging a config never leaks a secret. */
    @Override
    public String toString() {
        return "KafkaConfig[bootstrapServers="
                + bootstrapServers
                + ", groupId="
                + groupId
                + ", startingOffsets="
                + startingOffsets
                + ", properties="
                + redactedProperties()
                + ", transactionTimeout="
                + transactionTimeout
                + ", transactionalIdPrefix="
                + transactionalIdPrefix
                + "]";
    }
}
