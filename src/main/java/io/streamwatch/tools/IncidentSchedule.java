package io.streamwatch.tools;

import java.util.List;

/**
 * Where {@link SampleRecords} learns which {@link Incident}s shape the records of a given moment. A
 * fixed list serves tests; a {@link Scenario} repeats its incidents every cycle without a list that
 * grows with time.
 */
@FunctionalInterface
public interface IncidentSchedule {

    /** No incidents: the steady state only. */
    IncidentSchedule NONE = nowMillis -> List.of();

    /** The incidents active for records with event time {@code nowMillis} (epoch ms). */
    List<? extends Incident> activeAt(long nowMillis);

    /** A fixed set of incidents, each active when it says so. */
    static IncidentSchedule of(List<? extends Incident> incidents) {
        List<Incident> all = List.copyOf(incidents);
        if (all.isEmpty()) {
            return NONE;
        }
        return nowMillis -> all.stream().filter(i -> i.activeAt(nowMillis)).toList();
    }
}
