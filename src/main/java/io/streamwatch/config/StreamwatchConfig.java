package io.streamwatch.config;

import java.io.Serializable;
import java.util.List;

/**
 * The whole job configuration: {@code jobs-config/streamwatch.yaml} with the job parameters
 * applied. Immutable and validated; built only by {@link ConfigLoader}.
 *
 * @param source where it was loaded from, for messages
 * @param parallelism job parallelism; 0 means the cluster's default
 */
public record StreamwatchConfig(
        String source,
        KafkaConfig kafka,
        Delivery delivery,
        CheckpointConfig checkpoint,
        int parallelism,
        LimitsConfig limits,
        List<PipelineConfig> pipelines,
        AlertsConfig alerts,
        String deadLetterTopic,
        String lateEventsTopic)
        implements Serializable {

    /** The pipeline of that name, or null. */
    public PipelineConfig pipeline(String name) {
        return pipelines.stream().filter(p -> p.name().equals(name)).findFirst().orElse(null);
    }
}
