package io.streamwatch.tools;

import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Tells the person watching the playground what the generator is breaking right now and which alert
 * that should cause, so a FIRING line in the tail can be matched to its cause (and a missing one
 * noticed). Separate from the send loop so the wording can be tested with a fixed clock.
 */
public final class IncidentLog {
    private final Scenario scenario;
    private final PrintStream out;
    private final DateTimeFormatter clock;
    private Set<ScenarioIncident> active = new LinkedHashSet<>();

    public IncidentLog(Scenario scenario, PrintStream out) {
        this(scenario, out, ZoneId.systemDefault());
    }

    IncidentLog(Scenario scenario, PrintStream out, ZoneId zone) {
        this.scenario = scenario;
        this.out = out;
        this.clock = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT).withZone(zone);
    }

    /** The first cycle, one line per incident, printed once at start. */
    public void printTimeline() {
        long anchor = scenario.anchorMillis();
        out.printf(
                "generate: incidents '%s', repeating every %dm from %s (each cycle picks other"
                        + " services and hosts):%n",
                scenario.name(), scenario.period().toMinutes(), time(anchor));
        for (ScenarioIncident i : scenario.cycle(0)) {
            out.printf(
                    "  +%dm for %dm: %s -> %s%n",
                    (i.startMillis() - anchor) / 60_000, i.minutes(), i.describe(), i.kind().rule);
        }
        out.flush();
    }

    /** Prints the incidents that started or ended since the last call; returns the lines. */
    public List<String> update(long nowMillis) {
        Set<ScenarioIncident> now = new LinkedHashSet<>(scenario.activeAt(nowMillis));
        if (now.equals(active)) {
            return List.of();
        }
        List<String> lines = new ArrayList<>();
        for (ScenarioIncident i : active) {
            if (!now.contains(i)) {
                lines.add(
                        String.format(
                                "%s incident: ended: %s (%s should resolve)",
                                time(i.endMillis()), i.describe(), i.kind().rule));
            }
        }
        for (ScenarioIncident i : now) {
            if (!active.contains(i)) {
                lines.add(
                        String.format(
                                "%s incident: started for %dm: %s (%s should fire)",
                                time(i.startMillis()), i.minutes(), i.describe(), i.kind().rule));
            }
        }
        active = now;
        lines.forEach(out::println);
        out.flush();
        return lines;
    }

    private String time(long millis) {
        return clock.format(Instant.ofEpochMilli(millis));
    }
}
