package io.streamwatch.config;

import java.io.Serializable;

/**
 * Whether a pipeline combines its events per key and window in the source task, before they are
 * shuffled to the windows (docs/configuration.md, "Pre-aggregation"). It exists because the
 * windows' cost is per record reaching them (a network hop, a state read and write, a timer):
 * combining first sends one partial aggregate per key and window instead. Results are the same; the
 * partials held at a checkpoint are in it as operator state.
 *
 * @param enabled combine before the shuffle (tumbling windows only; sliding ones pass records on)
 * @param maxEntries partial aggregates a source task holds at most; beyond, all are sent at once
 */
public record PreAggregationConfig(boolean enabled, int maxEntries) implements Serializable {

    public static final int DEFAULT_MAX_ENTRIES = 50_000;

    public static PreAggregationConfig defaults() {
        return new PreAggregationConfig(true, DEFAULT_MAX_ENTRIES);
    }
}
