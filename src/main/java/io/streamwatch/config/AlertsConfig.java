package io.streamwatch.config;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;

/**
 * Where alerts go and where rules come from, and how long the alert engine keeps the state of a
 * group that sends nothing.
 *
 * @param rules rule file globs, relative to the config file
 * @param stateTtl how long the per-group alert state (pending, firing, anomaly baseline, absence
 *     clock) lives without an update before Flink drops it; {@link Duration#ZERO} keeps it forever.
 *     Without it the state grows with every group key ever seen.
 */
public record AlertsConfig(
        String topic,
        List<String> rules,
        String controlTopic,
        String statusTopic,
        Duration stateTtl)
        implements Serializable {

    /** The default of {@code alerts.state_ttl}. */
    public static final Duration DEFAULT_STATE_TTL = Duration.ofDays(7);

    /** With the default state TTL. */
    public AlertsConfig(String topic, List<String> rules, String controlTopic, String statusTopic) {
        this(topic, rules, controlTopic, statusTopic, DEFAULT_STATE_TTL);
    }
}
