package io.streamwatch.job;

import io.streamwatch.config.StreamwatchConfig;

/** The Streamwatch pipeline (being built). */
public final class StreamwatchJob {
    private StreamwatchJob() {}

    /**
     * Builds the pipeline on real Kafka sources and sinks and runs it: on the cluster the job is
     * submitted to, or with {@code localWebUi} in a local MiniCluster serving the web UI.
     */
    public static void runOnKafka(StreamwatchConfig config, boolean localWebUi, int webUiPort)
            throws Exception {
        throw new UnsupportedOperationException("not yet wired");
    }
}
