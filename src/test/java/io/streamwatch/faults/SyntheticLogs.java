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
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The fault tests' input and their own model of what the job must make of it, independent of the
 * job's classes: one-minute windows of log lines for a few services, in synthetic event time (two
 * days back, one window after the other as fast as the test likes), so that many windows close
 * during a short run, and the same windows' metrics ({@link #metrics}). Every window's content is a
 * function of the seed, the service and the window number (and of what a test forces), so the
 * expected aggregates and alert transitions of any prefix of windows follow.
 *
 * <p>Windows are "hot" (error ratio at least 1/3) or "calm" (at most 1/4) in seeded runs, so the
 * rules of {@code faults/rules.yaml} fire and resolve many times; a test can force a window's kind.
 * Messages have variable parts, and each ERROR or FATAL line comes from a {@link Template} whose
 * pattern the model knows: numbers, IPs and UUIDs masked as docs/formats.md defines, and a user
 * name that only the template miner generalizes. The expected top patterns of a window are the
 * counts per template, ranked by count, then text.
 */
final class SyntheticLogs {

    static final List<String> SERVICES = List.of("svc-a", "svc-b", "svc-c", "svc-d");
    static final List<String> LEVELS = List.of("DEBUG", "INFO", "WARN", "ERROR", "FATAL");
    // The constant message of lines outside the model's windows (closers, the million keys).
    static final List<String> MESSAGES =
            List.of("Cache hit", "Request served", "Slow response", "Upstream timeout", "Oom kill");

    /** User names of the {@link Template#USER} template, a plain word the miner must learn. */
    static final List<String> USERS = List.of("alice", "bob", "carol", "dave", "erin");

    /**
     * The ERROR and FATAL messages of the model's windows, each with its expected pattern: the
     * masked form docs/formats.md defines ({@code <NUM>}, {@code <IP>}, {@code <UUID>}), and for
     * {@link #USER} the learned template, where the user name, a plain word masking keeps, becomes
     * {@code <*>} once the miner has seen two names at that position.
     */
    enum Template {
        UPSTREAM(3, "Upstream timeout after <NUM> retries to <IP>"),
        PAYMENT(3, "Payment <UUID> declined with code <NUM>"),
        USER(3, "User <*> not authorized"),
        OOM(4, "Out of memory: killed process <NUM> using <NUM> MB"),
        RESET(4, "Connection reset by peer on port <NUM>");

        /** Index in {@link #LEVELS}. */
        final int level;

        final String pattern;

        Template(int level, String pattern) {
            this.level = level;
            this.pattern = pattern;
        }

        String message(Random r, String user) {
            return switch (this) {
                case UPSTREAM ->
                        String.format(
                                "Upstream timeout after %d retries to 10.%d.%d.%d",
                                1 + r.nextInt(9),
                                r.nextInt(256),
                                r.nextInt(256),
                                1 + r.nextInt(254));
                case PAYMENT ->
                        String.format(
                                "Payment %s declined with code %d",
                                new UUID(r.nextLong(), r.nextLong()), 1 + r.nextInt(99));
                case USER -> "User " + user + " not authorized";
                case OOM ->
                        String.format(
                                "Out of memory: killed process %d using %d MB",
                                100 + r.nextInt(30000), 64 * (1 + r.nextInt(64)));
                case RESET ->
                        String.format(
                                "Connection reset by peer on port %d", 1024 + r.nextInt(60000));
            };
        }
    }

    /** A line of the model: its level and message, and for ERROR and FATAL its template. */
    record Message(int level, String text, Template template) {}

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

    /** The metrics of the same windows, from the same seed. */
    final SyntheticMetrics metrics;

    private final Map<String, Kind> forced = new HashMap<>();
    private final Map<Integer, Integer> userDebuts = new ConcurrentHashMap<>();

    SyntheticLogs(long seed, long nowMillis) {
        this.seed = seed;
        this.base = (nowMillis / WINDOW - 2 * 24 * 60) * WINDOW;
        this.metrics = new SyntheticMetrics(seed, base);
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

    /**
     * The first window of a service with at least two ERROR lines: the {@link Template#USER}
     * template's first, with exactly two of them, for two different users, so that whatever order
     * the two partitions deliver them in, the miner has generalized the name to {@code <*>} by the
     * window's end. Later windows use any user.
     */
    int userDebut(int service) {
        return userDebuts.computeIfAbsent(
                service,
                s -> {
                    int w = 0;
                    while (counts(s, w)[3] < 2) {
                        w++;
                    }
                    return w;
                });
    }

    /** The messages of one service in one window, by level (DEBUG first). */
    List<Message> messages(int service, int window) {
        int[] c = counts(service, window);
        Random r = new Random(seed * 43 + service * 1_000_099L + window * 89L);
        int debut = userDebut(service);
        List<Message> out = new ArrayList<>();
        for (int i = 0; i < c[0]; i++) {
            out.add(new Message(0, "Cache hit for key " + r.nextInt(100_000), null));
        }
        for (int i = 0; i < c[1]; i++) {
            out.add(new Message(1, "Request served in " + (1 + r.nextInt(900)) + " ms", null));
        }
        for (int i = 0; i < c[2]; i++) {
            out.add(
                    new Message(
                            2,
                            String.format(
                                    "Slow response from 10.0.%d.%d took %d ms",
                                    r.nextInt(256), 1 + r.nextInt(254), 1000 + r.nextInt(9000)),
                            null));
        }
        for (int i = 0; i < c[3]; i++) {
            Template t;
            String user = USERS.get(r.nextInt(USERS.size()));
            if (window < debut || (window == debut && i >= 2)) {
                t = r.nextBoolean() ? Template.UPSTREAM : Template.PAYMENT;
            } else if (window == debut) {
                t = Template.USER;
                user = USERS.get(i);
            } else {
                t = List.of(Template.UPSTREAM, Template.PAYMENT, Template.USER).get(r.nextInt(3));
            }
            out.add(new Message(3, t.message(r, user), t));
        }
        for (int i = 0; i < c[4]; i++) {
            Template t = r.nextBoolean() ? Template.OOM : Template.RESET;
            out.add(new Message(4, t.message(r, null), t));
        }
        return out;
    }

    /** The lines of window {@code w} in the order they are produced, alternating partitions. */
    List<Line> window(int w) {
        List<String[]> lines = new ArrayList<>();
        for (int s = 0; s < SERVICES.size(); s++) {
            for (Message m : messages(s, w)) {
                lines.add(
                        new String[] {
                            SERVICES.get(s),
                            LEVELS.get(m.level()),
                            m.text(),
                            m.template() == Template.USER ? String.valueOf(s % 2) : null
                        });
            }
        }
        Collections.shuffle(lines, new Random(seed + w));
        List<Line> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            // At most 48 lines, one a second: all inside the window; the lines from second 5 on
            // move both partitions' watermarks past the previous window's end.
            long ts = windowStart(w) + 1000L * i + 100;
            String[] l = lines.get(i);
            // A service's USER lines all go to one partition, in the order they are made: the
            // miner learns in the order lines arrive, and the two partitions may be read far
            // apart (a later window's line before the debut's, seen once: "User carol" mined
            // as its own template). The other lines alternate.
            int partition = l[3] != null ? Integer.parseInt(l[3]) : i % 2;
            out.add(new Line(partition, line(ts, l[0], l[1], l[2])));
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

    /** A line with the level's constant message: outside the model's windows only. */
    static String line(long ts, String service, String level) {
        return line(ts, service, level, MESSAGES.get(LEVELS.indexOf(level)));
    }

    static String line(long ts, String service, String level, String message) {
        return String.format(
                "{\"timestamp\":%d,\"service\":\"%s\",\"host\":\"h1\",\"level\":\"%s\","
                        + "\"message\":\"%s\"}",
                ts, service, level, message);
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
                for (int l = 0; l < 5; l++) {
                    total += c[l];
                    if (c[l] > 0) {
                        levels.put(LEVELS.get(l), c[l]);
                    }
                }
                // Top patterns are those of ERROR and FATAL lines: the templates that made them.
                Map<String, Integer> byTemplate = new TreeMap<>();
                for (Message m : messages(s, w)) {
                    if (m.template() != null) {
                        byTemplate.merge(m.template().pattern, 1, Integer::sum);
                    }
                }
                List<Map.Entry<String, Integer>> patterns = new ArrayList<>(byTemplate.entrySet());
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
        FaultFatal(0, 1),
        /** {@code p99 > 1000} on the latencies, from {@code faults/metric-rules.yaml}. */
        FaultSlowRequests(0, 1),
        /** {@code absent_for: 4m} on the metrics, from {@code faults/metric-rules.yaml}. */
        FaultMetricsAbsent(0, 1),
        /** Anomaly of the queue depth's mean, from {@code faults/metric-rules.yaml}. */
        FaultQueueAnomaly(0, 1);

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
                default -> throw new IllegalArgumentException(name() + " is a metric rule");
            };
        }

        /** Whether the rule watches the metrics pipeline ({@link SyntheticMetrics} models it). */
        boolean onMetrics() {
            return ordinal() >= FaultSlowRequests.ordinal();
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
        if (rule.onMetrics()) {
            return metrics.transitions(rule, windows);
        }
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
