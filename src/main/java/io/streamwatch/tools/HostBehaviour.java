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
        return copy;
    }
}
