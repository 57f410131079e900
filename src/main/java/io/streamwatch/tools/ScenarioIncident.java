package io.streamwatch.tools;

import java.util.Objects;

/**
 * One concrete occurrence of an {@link IncidentKind} in a {@link Scenario}: what happens, to which
 * service or host, and from when to when (epoch ms of event time, which the generator keeps within
 * 2 s of the wall clock). A value, so the generator can tell which incidents started or ended
 * between two looks at the schedule, and a test can compare schedules.
 *
 * @param kind what happens
 * @param cycle which repetition of the scenario this belongs to (0 = the first)
 * @param service the service affected
 * @param host the host affected, or {@code null} when the whole service is
 * @param startMillis first millisecond of the incident
 * @param endMillis first millisecond after it
 * @param novelError for {@link IncidentKind#NEW_ERROR}: which never-seen template to log; -1
 *     otherwise
 */
public record ScenarioIncident(
        IncidentKind kind,
        long cycle,
        String service,
        String host,
        long startMillis,
        long endMillis,
        int novelError)
        implements Incident {

    /** Share of log events at ERROR during an error spike (steady state: 1-3%). */
    public static final double SPIKE_ERROR_RATIO = 0.25;

    /** Latency multiplier during a latency spike; lifts p99 from about 300 ms to over 1 s. */
    public static final double SPIKE_LATENCY_FACTOR = 5;

    /** How many times its usual {@code http.server.requests} points a bursting host sends. */
    public static final double BURST_FACTOR = 4;

    public ScenarioIncident {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(service, "service");
        if (endMillis <= startMillis) {
            throw new IllegalArgumentException("an incident must last: " + startMillis);
        }
    }

    @Override
    public boolean activeAt(long nowMillis) {
        return nowMillis >= startMillis && nowMillis < endMillis;
    }

    @Override
    public void shape(HostBehaviour b) {
        if (!b.service.equals(service) || (host != null && !b.host.equals(host))) {
            return;
        }
        switch (kind) {
            case ERROR_SPIKE -> b.errorRatio = Math.max(b.errorRatio, SPIKE_ERROR_RATIO);
            case LATENCY_SPIKE -> b.latencyFactor *= SPIKE_LATENCY_FACTOR;
            case NEW_ERROR -> b.novelError = novelError;
            case HOST_SILENT -> b.silent = true;
            case REQUEST_BURST -> b.requestRateFactor *= BURST_FACTOR;
        }
    }

    /** What is affected: the host, or the service when all its hosts are. */
    public String target() {
        return host != null ? host : service;
    }

    /** How long it lasts. */
    public long minutes() {
        return (endMillis - startMillis) / 60_000;
    }

    /** A one-line description, e.g. {@code error spike on payments (25% of log lines at ERROR)}. */
    public String describe() {
        return switch (kind) {
            case ERROR_SPIKE ->
                    String.format(
                            java.util.Locale.ROOT,
                            "error spike on %s (%.0f%% of log lines at ERROR)",
                            service,
                            SPIKE_ERROR_RATIO * 100);
            case LATENCY_SPIKE ->
                    String.format(
                            java.util.Locale.ROOT,
                            "latency spike on %s (request latencies x%.0f)",
                            host,
                            SPIKE_LATENCY_FACTOR);
            case NEW_ERROR ->
                    "new error message on "
                            + service
                            + ": \""
                            + SampleRecords.novelErrorExample(novelError)
                            + "\"";
            case HOST_SILENT -> "host " + host + " goes silent (no metrics, no logs)";
            case REQUEST_BURST ->
                    String.format(
                            java.util.Locale.ROOT,
                            "request burst on %s (x%.0f http.server.requests points)",
                            host,
                            BURST_FACTOR);
        };
    }
}
