package io.streamwatch.tools;

/**
 * The kinds of incident the sample generator can inject, one per example alert rule in {@code
 * jobs-config/rules/examples.yaml}. Each kind carries its place in the default 12-minute cycle
 * (whole minutes, so an incident covers whole 1-minute windows and never leaves a half-affected
 * window that could trip another rule) and the rule that is meant to catch it, so the generator can
 * say what should happen and a test can check the schedule without a broker.
 */
public enum IncidentKind {
    /** Error ratio of one service well above 5%: {@code HighErrorRatio}. */
    ERROR_SPIKE("error-spike", "error spike", "HighErrorRatio", 1, 3),
    /** One host's {@code http.server.duration} p99 far above 500 ms: {@code SlowRequestsP99}. */
    LATENCY_SPIKE("latency-spike", "latency spike", "SlowRequestsP99", 3, 3),
    /** An ERROR message template never logged before: {@code NewErrorPattern}. */
    NEW_ERROR("new-error", "new error message", "NewErrorPattern", 5, 3),
    /** One host sends neither metrics nor logs: {@code HostSilent} (absent for 2m). */
    HOST_SILENT("host-silent", "host silent", "HostSilent", 6, 4),
    /**
     * One host reports several times its usual request-count points: {@code RequestRateAnomaly}.
     */
    REQUEST_BURST("request-burst", "request burst", "RequestRateAnomaly", 9, 2);

    /** The cycle length the offsets below are written for. */
    static final int BASE_PERIOD_MINUTES = 12;

    /** Name on the command line, e.g. {@code --incidents host-silent}. */
    public final String id;

    /** Human wording for the generator's messages. */
    public final String label;

    /** The example rule that should fire while this incident runs. */
    public final String rule;

    /** Minutes into a {@link #BASE_PERIOD_MINUTES} cycle at which it starts. */
    final int startMinute;

    /** How many minutes it lasts; long enough for the rule's {@code for} / {@code absent_for}. */
    final int minutes;

    IncidentKind(String id, String label, String rule, int startMinute, int minutes) {
        this.id = id;
        this.label = label;
        this.rule = rule;
        this.startMinute = startMinute;
        this.minutes = minutes;
    }
}
