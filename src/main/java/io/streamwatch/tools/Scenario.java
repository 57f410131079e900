package io.streamwatch.tools;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A named, repeating schedule of incidents for the sample generator, so the playground shows every
 * example rule firing and resolving without anyone breaking a service by hand. It starts at the
 * first whole minute after the generator starts and repeats every {@code period} (default 12
 * minutes); each cycle moves the incidents to other services and hosts and uses a different
 * never-seen error message, so each cycle is news to the rules again.
 *
 * <p>All times are whole minutes from the start of a cycle: an incident then covers whole 1-minute
 * windows. Offsets are those of {@link IncidentKind} for a 12-minute cycle, scaled down (rounded
 * down to a minute) for a shorter period; durations stay as they are, cut at the end of the cycle,
 * because they are what the rules' {@code for} and {@code absent_for} need.
 */
public final class Scenario implements IncidentSchedule {

    /** The scenario of the playground: every kind, one after another. */
    public static final String DEFAULT = "rotating";

    public static final Duration DEFAULT_PERIOD =
            Duration.ofMinutes(IncidentKind.BASE_PERIOD_MINUTES);

    /** Shorter cycles would cut the silence below the absence rule's 2 minutes plus a window. */
    public static final Duration MIN_PERIOD = Duration.ofMinutes(6);

    private static final long MINUTE = 60_000;

    private final String name;
    private final Set<IncidentKind> kinds;
    private final long anchorMillis;
    private final long periodMinutes;
    private final List<String> services;
    private final int hostsPerService;

    // activeAt is asked once per record: keep the current cycle's incidents.
    private long cachedCycle = -1;
    private List<ScenarioIncident> cached = List.of();

    private Scenario(
            String name,
            Set<IncidentKind> kinds,
            long anchorMillis,
            long periodMinutes,
            List<String> services,
            int hostsPerService) {
        this.name = name;
        this.kinds = kinds;
        this.anchorMillis = anchorMillis;
        this.periodMinutes = periodMinutes;
        this.services = List.copyOf(services);
        this.hostsPerService = hostsPerService;
    }

    /** The scenario names {@link #named} accepts: {@value #DEFAULT} and one per kind. */
    public static List<String> names() {
        List<String> names = new ArrayList<>();
        names.add(DEFAULT);
        for (IncidentKind k : IncidentKind.values()) {
            names.add(k.id);
        }
        return names;
    }

    /**
     * A scenario by name: {@value #DEFAULT} (all kinds) or one kind alone (e.g. {@code
     * host-silent}), which keeps that kind's place in the cycle.
     *
     * @param startMillis when the generator starts (wall clock); the first cycle starts at the next
     *     whole minute
     * @param period the cycle length: whole minutes, at least {@link #MIN_PERIOD}
     * @throws IllegalArgumentException for an unknown name or a bad period
     */
    public static Scenario named(
            String name,
            long startMillis,
            Duration period,
            List<String> services,
            int hostsPerService) {
        Set<IncidentKind> kinds = EnumSet.noneOf(IncidentKind.class);
        String wanted = name.toLowerCase(Locale.ROOT);
        if (wanted.equals(DEFAULT)) {
            kinds.addAll(EnumSet.allOf(IncidentKind.class));
        } else {
            for (IncidentKind k : IncidentKind.values()) {
                if (k.id.equals(wanted)) {
                    kinds.add(k);
                }
            }
        }
        if (kinds.isEmpty()) {
            throw new IllegalArgumentException(
                    "unknown scenario '" + name + "'; one of " + String.join(", ", names()));
        }
        if (period.compareTo(MIN_PERIOD) < 0 || period.toMillis() % MINUTE != 0) {
            throw new IllegalArgumentException(
                    "the incident period must be whole minutes and at least "
                            + MIN_PERIOD.toMinutes()
                            + "m, not "
                            + period);
        }
        if (services.isEmpty() || hostsPerService < 1) {
            throw new IllegalArgumentException("need at least one service and one host each");
        }
        long anchor = Math.floorDiv(startMillis + MINUTE - 1, MINUTE) * MINUTE;
        return new Scenario(wanted, kinds, anchor, period.toMinutes(), services, hostsPerService);
    }

    public String name() {
        return name;
    }

    /** When the first cycle starts: the first whole minute at or after the generator's start. */
    public long anchorMillis() {
        return anchorMillis;
    }

    public Duration period() {
        return Duration.ofMinutes(periodMinutes);
    }

    /** The cycle {@code nowMillis} falls in; -1 before the first. */
    public long cycleAt(long nowMillis) {
        if (nowMillis < anchorMillis) {
            return -1;
        }
        return (nowMillis - anchorMillis) / (periodMinutes * MINUTE);
    }

    @Override
    public List<ScenarioIncident> activeAt(long nowMillis) {
        long n = cycleAt(nowMillis);
        if (n < 0) {
            return List.of();
        }
        List<ScenarioIncident> all = cycle(n);
        List<ScenarioIncident> active = new ArrayList<>(2);
        for (ScenarioIncident i : all) {
            if (i.activeAt(nowMillis)) {
                active.add(i);
            }
        }
        return active;
    }

    /**
     * The incidents of cycle {@code n}, in start order. The targets rotate with {@code n}: with the
     * default services, cycle 0 has the error spike on the second service, the latency spike on the
     * first service's first host, the silence on the third service's second host, the new error on
     * the fourth service and the burst on the first service's second host.
     */
    public List<ScenarioIncident> cycle(long n) {
        if (n == cachedCycle) {
            return cached;
        }
        long cycleStart = anchorMillis + n * periodMinutes * MINUTE;
        List<ScenarioIncident> out = new ArrayList<>();
        for (IncidentKind k : IncidentKind.values()) {
            if (!kinds.contains(k)) {
                continue;
            }
            long start = k.startMinute * periodMinutes / IncidentKind.BASE_PERIOD_MINUTES;
            long end = Math.min(start + k.minutes, periodMinutes);
            String service;
            String host;
            switch (k) {
                case ERROR_SPIKE -> {
                    service = service(n + 1);
                    host = null;
                }
                case LATENCY_SPIKE -> {
                    service = service(n);
                    host = host(service, n);
                }
                case NEW_ERROR -> {
                    service = service(n + 3);
                    host = null;
                }
                case HOST_SILENT -> {
                    service = service(n + 2);
                    host = host(service, n + 1);
                }
                case REQUEST_BURST -> {
                    service = service(n);
                    host = host(service, n + 1);
                }
                default -> throw new IllegalStateException(k.name());
            }
            out.add(
                    new ScenarioIncident(
                            k,
                            n,
                            service,
                            host,
                            cycleStart + start * MINUTE,
                            cycleStart + end * MINUTE,
                            k == IncidentKind.NEW_ERROR ? novelError(n) : -1));
        }
        out.sort((a, b) -> Long.compare(a.startMillis(), b.startMillis()));
        cached = List.copyOf(out);
        cachedCycle = n;
        return cached;
    }

    /**
     * The new error template of cycle {@code n}: the next one each cycle, starting from one picked
     * by the start minute, so a generator restarted against a job that already learned the first
     * templates (kept broker data) still shows new ones.
     */
    private int novelError(long n) {
        long first = anchorMillis / MINUTE;
        return (int) Math.floorMod(first + n, (long) SampleRecords.NovelErrors.size());
    }

    private String service(long i) {
        return services.get((int) (i % services.size()));
    }

    private String host(String service, long i) {
        return service + "-" + (1 + i % hostsPerService);
    }
}
