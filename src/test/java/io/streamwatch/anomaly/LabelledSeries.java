package io.streamwatch.anomaly;

import java.util.List;

/**
 * One generated series with its labels: the points (event times and values) and the intervals, as
 * point indices, where an anomaly was injected.
 *
 * @param name what it is, e.g. {@code 5m gaussian daily step-up #12}
 * @param family the shape without the seed, for the figures table
 * @param intervalMillis the nominal sampling interval
 * @param times event times (ms), increasing
 * @param values the values
 * @param anomalies injected anomalies, in time order
 * @param spread the noise's robust spread (1.4826 MAD of the noise alone), the unit of magnitudes
 */
record LabelledSeries(
        String name,
        String family,
        long intervalMillis,
        long[] times,
        double[] values,
        List<Anomaly> anomalies,
        double spread) {

    /**
     * An injected anomaly.
     *
     * @param kind spike, drop, step-up, step-down, drift, pattern-change, flat
     * @param start index of its first point
     * @param end index after its last point (a step lasts to the series' end)
     * @param detectBy index by which a detection counts as timely (the scorer's tolerance)
     */
    record Anomaly(String kind, int start, int end, int detectBy) {}

    int size() {
        return values.length;
    }

    double days() {
        return (times[times.length - 1] - times[0]) / 86_400_000.0;
    }
}
