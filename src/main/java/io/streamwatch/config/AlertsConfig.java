package io.streamwatch.config;

import java.io.Serializable;
import java.util.List;

/**
 * Where alerts go and where rules come from (the alert engine uses it; the foundation only
 * validates it).
 *
 * @param rules rule file globs, relative to the config file
 */
public record AlertsConfig(
        String topic, List<String> rules, String controlTopic, String statusTopic)
        implements Serializable {}
