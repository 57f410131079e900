package io.streamwatch.faults;

import io.streamwatch.testing.IsoTimes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The fault tests' input and their own model of what the job must make of it, independent of the
 * job's classes: one-minute windows of log lines for a few services, in synthetic event time (two
 * days back, one window after the other as fast as the test likes), so that many windows close
 * during a short run. Every window's content is a function of the seed, the service and the window
 * number, so the expected aggregates and alert transitions of any prefix of windows follow.
 *
 * <p>Windows are "hot" (error ratio at least 1/3) or "calm" (at most 1/4) in seeded runs, so the
 * rules of {@code faults/rules.yaml} fire and resolve many times; a test can force a window's kind.
 */
final class SyntheticLogs {

    static final List<String> SERVICES = List.of("svc-a", "svc-b", "svc-c", "svc-d");
    static final List<String> LEVELS = List.of("DEBUG", "INFO", "WARN", "ERROR", "FATAL");
    // Plain words only: the pattern of each message is the message itself.
    static final List<String> MESSAGES =
            List.of("Cache hit", "Request served", "Slow response", "Upstream timeout", "Oom kill");
    static final long WINDOW = 60_000;

    /** What a test can force a window of a service to be. */
    enum Kind {
        CALM,
        HOT,
        /** Hot, and every error is FATAL (at least 4): fires the fatal rule too. */
        HOT_FATAL
    }

    /** A record for one partition of the logs topic. */
    record Line(int partition, String value) {}

    final long seed;
    final long base;
    private final Map<String, Kind> forced = new HashMap<>();

    SyntheticLogs(long seed, long nowMillis) {
        this.seed = seed;
        this.base = (nowMillis / WINDOW - 2 * 24 * 60) * WINDOW;
    }

    SyntheticLogs force(String service, int window, Kind kind) {
        forced.put(service + "@" + window, kind);
        return this;
    }

    long windowStart(int w) {
        return base + w * WINDOW;
    }

    static String iso(long millis) {
        return IsoTimes.iso(millis);
    }

    Kind kind(int service, int window) {
        Kind k = forced.get(SERVICES.get(service) + "@" + window);
        if (k != null) {
            return k;
        }
        // Runs of three windows, one run in three hot (neighbouring hot runs merge).
        long run = (window + 7L * service) / 3;
        return new Random(seed * 1_000_003L + service * 7919L + run).nextInt(3) == 0
                ? Kind.HOT
                : Kind.CALM;
    }

    /** Lines per level (DEBUG, INFO, WARN, ERROR, FATAL) of one service in one window. */
    int[] counts(int service, int window) {
        Random r = new Random(seed * 31 + service * 1_000_033L + window * 97L);
        Kind k = kind(service, window);
        int total = 8 + r.nextInt(5);
        int errors = k == Kind.CALM ? r.nextInt(3) : 4 + r.nextInt(3);
        int fatal = k == Kind.HOT_FATAL ? errors : r.nextInt(errors + 1);
        int[] c = new int[5];
        c[3] = errors - fatal;
        c[4] = fatal;
        for (int i = 0; i < total - errors; i++) {
            c[r.nextInt(3)]++;
        }
        return c;
    }

    /** The lines of window {@code w} in the order they are produced, alternating partitions. */
    List<Line> window(int w) {
        List<String[]> lines = new ArrayList<>();
        for (int s = 0; s < SERVICES.size(); s++) {
            int[] c = counts(s, w);
            for (int level = 0; level < 5; level++) {
                for (int i = 0; i < c[level]; i++) {
                    lines.add(new String[] {SERVICES.get(s), LEVELS.get(level)});
                }
            }
        }
        Collections.shuffle(lines, new Random(seed + w));
        List<Line> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            // At most 48 lines, one a second: all inside the window; the lines from second 5 on
            // move both partitions' watermarks past the previous window's end.
            long ts = windowStart(w) + 1000L * i + 100;
            String level = lines.get(i)[1];
            out.add(new Line(i % 2, line(ts, lines.get(i)[0], level)));
        }
        return out;
    }

    /** One line per partition far after window {@code w}: closes every window up to it. */
    List<Line> closers(int lastWindow) {
        long ts = windowStart(lastWindow + 3);
        return List.of(
                new Line(0, line(ts, "zz-closer", "INFO")),
                new Line(1, line(ts, "zz-closer", "INFO")));
    }

    static String line(long ts, String service, String level) {
        return String.format(
                "{\"timestamp\":%d,\"service\":\"%s\",\"host\":\"h1\",\"level\":\"%s\","
                        + "\"message\":\"%s\"}",
                ts, service, level, MESSAGES.get(LEVELS.indexOf(level)));
    }

    // ---------------------------------------------------------------------------------------
    // What the job must output

    /** Key of an aggregate: service and window start. */
    static String aggregateKey(String service, String windowStart) {
        return service + "@" + windowStart;
    }

    /** The expected log aggregate of every service and window below {@code windows}. */
    Map<String, ExpectedAggregate> aggregates(int windows) {
        Map<String, ExpectedAggregate> out = new LinkedHashMap<>();
        for (int w = 0; w < windows; w++) {
            for (int s = 0; s < SERVICES.size(); s++) {
                int[] c = counts(s, w);
                int total = 0;
                Map<String, Integer> levels = new LinkedHashMap<>();
                List<Map.Entry<String, Integer>> patterns = new ArrayList<>();
                for (int l = 0; l < 5; l++) {
                    total += c[l];
                    if (c[l] > 0) {
                        levels.put(LEVELS.get(l), c[l]);
                    }
                    // Top patterns are those of ERROR and FATAL lines.
                    if (c[l] > 0 && l >= 3) {
                        patterns.add(Map.entry(MESSAGES.get(l), c[l]));
                    }
                }
                patterns.sort(
                        Comparator.<Map.Entry<String, Integer>>comparingInt(e -> -e.getValue())
                                .thenComparing(Map.Entry::getKey));
                String start = iso(windowStart(w));
                out.put(
                        aggregateKey(SERVICES.get(s), start),
                        new ExpectedAggregate(
                                SERVICES.get(s),
                                start,
                                iso(windowStart(w + 1)),
                                total,
                                levels,
                                (double) (c[3] + c[4]) / total,
                                patterns.subList(0, Math.min(5, patterns.size()))));
            }
        }
        return out;
    }

    /** A log aggregate as the test expects it. */
    record ExpectedAggregate(
            String service,
            String windowStart,
            String windowEnd,
            int total,
            Map<String, Integer> levels,
            double errorRatio,
            List<Map.Entry<String, Integer>> topPatterns) {}

    /** An alert transition: rule, service, status and its time (startsAt or endsAt). */
    record Transition(String rule, String service, String status, String at) {
        @Override
        public String toString() {
            return rule + " " + service + " " + status + " " + at;
        }
    }

    /** The rules of {@code faults/rules.yaml} and the control-topic rule, judged by the test. */
    enum Rule {
        /** {@code error_ratio > 0.3 && total >= 5}, from the rule file. */
        FaultErrorRatio(0, 1),
        /** The same, {@code for: 2m} and {@code resolve_after: 2m}, from the rule file. */
        FaultErrorRatioSustained(2, 2),
        /** {@code fatal >= 3}, sent on the control topic. */
        FaultFatal(0, 1);

        /** Windows the condition must hold (event time, from the first one's start) to fire. */
        final int forWindows;

        /** Windows it must be false while firing to resolve. */
        final int resolveWindows;

        Rule(int forWindows, int resolveWindows) {
            this.forWindows = forWindows;
            this.resolveWindows = resolveWindows;
        }

        boolean holds(int[] c) {
            int total = c[0] + c[1] + c[2] + c[3] + c[4];
            return switch (this) {
                case FaultErrorRatio, FaultErrorRatioSustained ->
                        (double) (c[3] + c[4]) / total > 0.3 && total >= 5;
                case FaultFatal -> c[4] >= 3;
            };
        }
    }

    /**
     * The transitions of {@code rule} over windows [0, windows), as SPEC section 4 has them:
     * pending from the start of the first window where the condition holds, firing at the end of
     * the window where it has held for {@code for} (at once without one), and, once firing,
     * resolved at the end of the window where it has been false for {@code resolve_after} (default
     * one window). A false window ends a pending alert; a true one restarts the resolve count.
     */
    List<Transition> transitions(Rule rule, int windows) {
        List<Transition> out = new ArrayList<>();
        for (int s = 0; s < SERVICES.size(); s++) {
            boolean firing = false;
            int pendingSince = -1;
            int falseSince = -1;
            for (int w = 0; w < windows; w++) {
                boolean holds = rule.holds(counts(s, w));
                String end = iso(windowStart(w + 1));
                if (holds) {
                    falseSince = -1;
                    if (!firing) {
                        pendingSince = pendingSince < 0 ? w : pendingSince;
                        if (w + 1 - pendingSince >= rule.forWindows) {
                            out.add(new Transition(rule.name(), SERVICES.get(s), "firing", end));
                            firing = true;
                            pendingSince = -1;
                        }
                    }
                } else {
                    pendingSince = -1;
                    if (firing) {
                        falseSince = falseSince < 0 ? w : falseSince;
                        if (w + 1 - falseSince >= rule.resolveWindows) {
                            out.add(new Transition(rule.name(), SERVICES.get(s), "resolved", end));
                            firing = false;
                            falseSince = -1;
                        }
                    }
                }
            }
        }
        return out;
    }
}
