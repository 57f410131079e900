package io.streamwatch.config;

import java.io.Serializable;
import java.time.Duration;

/**
 * Checkpointing and state.
 *
 * @param stateBackend {@code rocksdb} (default, incremental checkpoints) or {@code hashmap}
 * @param directory checkpoint storage URI; null leaves it to the cluster's configuration
 */
public record CheckpointConfig(
        Duration interval, Duration timeout, String stateBackend, String directory)
        implements Serializable {}
