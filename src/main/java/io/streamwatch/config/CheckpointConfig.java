package io.streamwatch.config;

import java.io.Serializable;
import java.time.Duration;

/**
 * Checkpointing and state.
 *
 * @param stateBackend {@code rocksdb} (default, incremental checkpoints) or {@code hashmap}
 * @param directory checkpoint storage URI; null leaves it to the cluster's configuration
 * @param tolerableFailures consecutive failed checkpoints (e.g. timed out behind a burst of window
 *     output) the job rides out before it restarts
 */
public record CheckpointConfig(
        Duration interval,
        Duration timeout,
        String stateBackend,
        String directory,
        int tolerableFailures,
        boolean unaligned)
        implements Serializable {

    public static final int DEFAULT_TOLERABLE_FAILURES = 1;

    /** With the default number of tolerable failures. */
    public CheckpointConfig(
            Duration interval, Duration timeout, String stateBackend, String directory) {
        this(interval, timeout, stateBackend, directory, DEFAULT_TOLERABLE_FAILURES, false);
    }

    /**
     * The longest an exactly-once sink's transaction can stay open: from one checkpoint's barrier
     * until a later one completes, with every tolerated failure in between timing out.
     */
    public Duration longestTransaction() {
        return interval.plus(timeout).multipliedBy(tolerableFailures + 1L);
    }
}
