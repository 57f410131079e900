package io.streamwatch.tools;

/**
 * The knobs that decide what one host emits for one record. The steady state fills them in and
 * {@link Incident}s adjust them, which keeps incidents declarative: an error spike is "error ratio
 * 0.3 on payments", not a second record generator.
 */
public final class HostBehaviour {
    public final String service;
    public final String host;

    /** Share of log events at ERROR (a small part of them FATAL). */
    public double errorRatio;

    /** Share of log events at WARN. */
    public double warnRatio;

    /** Multiplies request latencies; 1 is normal. */
    public double latencyFactor = 1.0;

    /** A silent host sends nothing at all, logs or metrics. */
    public boolean silent;

    /**
     * Multiplies how many {@code http.server.requests} points the host reports; 1 is normal. A
     * burst adds points rather than raising their values, because the anomaly rule watches the
     * aggregate's {@code count}.
     */
    public double requestRateFactor = 1.0;

    /**
     * Which never-seen error message template the host logs in part of its ERROR lines, or -1 for
     * none. Each index is a different template (see {@link SampleRecords#novelErrorExample}).
     */
    public int novelError = -1;

    public HostBehaviour(String service, String host, double errorRatio, double warnRatio) {
        this.service = service;
        this.host = host;
        this.errorRatio = errorRatio;
        this.warnRatio = warnRatio;
    }

    HostBehaviour copy() {
        HostBehaviour copy = new HostBehaviour(service, host, errorRatio, warnRatio);
        copy.latencyFactor = latencyFactor;
        copy.silent = silent;
        copy.requestRateFactor = requestRateFactor;
        copy.novelError = novelError;
        return copy;
    }
}
