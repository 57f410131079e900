package io.streamwatch.tools;

/**
 * A scheduled deviation from the generator's steady state, such as an error spike, a latency spike
 * or a host that goes silent. It exists so the playground can show alerts firing and resolving: a
 * scenario is a list of incidents, each active for a span of (event) time, that reshape how the
 * affected hosts behave while the steady-state record building stays untouched.
 */
public interface Incident {

    /**
     * Whether this incident shapes records with event time {@code nowMillis} (epoch ms). Event
     * time, not send time, so that an incident covers exactly the windows it says it does.
     */
    boolean activeAt(long nowMillis);

    /**
     * Changes how one host behaves while the incident is active. Called once per record with a
     * fresh copy of the host's steady-state behaviour, so an incident only touches the fields (and
     * hosts) it is about.
     */
    void shape(HostBehaviour behaviour);
}
