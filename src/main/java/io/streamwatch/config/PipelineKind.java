package io.streamwatch.config;

/** What a pipeline reads and aggregates. */
public enum PipelineKind {
    LOGS,
    METRICS
}
