package io.streamwatch.faults;

import io.streamwatch.faults.SyntheticLogs.Line;
import io.streamwatch.faults.SyntheticLogs.Transition;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The metric half of the fault tests' input and their own model of it, beside {@link SyntheticLogs}
 * and in its windows: per service (host {@code h1}) and one-minute window, a request latency series
 * ({@value #LATENCY}, 10-20 points) and a steady queue depth ({@value #QUEUE}, 4 points near 100
 * with noise of at most 0.5). Every value is a multiple of 1/4, so sums in any order are exact and
 * the model can ask for exact counts, sums, minima, maxima and means.
 *
 * <p>A window of a service is normal, "slow" (three to five latencies of 2,000-5,000 ms among
 * latencies below 400 ms: p99 far above the slow rule's 1,000 whatever the sketch's 1% error), a
 * "spike" (the queue depth at 10,000, a hundred times its level) or a "gap" (the service sends no
 * metric at all). Slow windows come from the seed (one in eight); spikes and gaps only where a test
 * forces them, also while the input is being fed ({@link #force}, thread-safe).
 */
final class SyntheticMetrics {

    static final String LATENCY = "http.server.duration";
    static final String QUEUE = "queue.depth";
    static final String HOST = "h1";

    /** The absence rule's {@code absent_for} in {@code faults/metric-rules.yaml}. */
    static final long ABSENT_FOR = 4 * SyntheticLogs.WINDOW;

    /**
     * The anomaly rule's {@code warmup} in {@code faults/metric-rules.yaml}, plus the first window
     * (only noted) and a margin: a spike before a key's window this far is not forced.
     */
    static final int FIRST_SPIKE_WINDOW = 10 + 1 + 4;

    /** What a window of a service's metrics is. */
    enum Kind {
        NORMAL,
        SLOW,
        SPIKE,
        GAP
    }

    private final long seed;
    private final long base;
    private final Map<String, Kind> forced = new ConcurrentHashMap<>();

    SyntheticMetrics(long seed, long base) {
        this.seed = seed;
        this.base = base;
    }

    /** Forces a window of a service; a spike only after the anomaly rule's warm-up. */
    SyntheticMetrics force(String service, int window, Kind kind) {
        if (kind == Kind.SPIKE && window < FIRST_SPIKE_WINDOW) {
            throw new IllegalArgumentException("a spike before the warm-up: window " + window);
        }
        forced.put(service + "@" + window, kind);
        return this;
    }

    /** Forces {@code windows} windows of silence of a service from {@code from} on. */
    SyntheticMetrics gap(String service, int from, int windows) {
        for (int w = from; w < from + windows; w++) {
            force(service, w, Kind.GAP);
        }
        return this;
    }

    Kind kind(int service, int window) {
        Kind k = forced.get(SyntheticLogs.SERVICES.get(service) + "@" + window);
        if (k != null) {
            return k;
        }
        return random(1, service, window).nextInt(8) == 0 ? Kind.SLOW : Kind.NORMAL;
    }

    /**
     * A generator for one purpose, service and window: seeds mixed by SplittableRandom, since the
     * first values of java.util.Random for neighbouring seeds are alike.
     */
    private Random random(int purpose, int service, int window) {
        return new Random(
                new SplittableRandom(seed * 1_000_003L + purpose * 7_919L + service * 104_729L)
                                .split()
                                .nextLong()
                        ^ new SplittableRandom(window).nextLong());
    }

    boolean hasData(int service, int window) {
        return kind(service, window) != Kind.GAP;
    }

    private long windowStart(int w) {
        return base + w * SyntheticLogs.WINDOW;
    }

    /** The latencies of a service in a window, in the order they are sent (none in a gap). */
    double[] latencies(int service, int window) {
        Kind k = kind(service, window);
        if (k == Kind.GAP) {
            return new double[0];
        }
        Random r = random(2, service, window);
        double[] v = new double[10 + r.nextInt(11)];
        int slow = k == Kind.SLOW ? 3 + r.nextInt(3) : 0;
        for (int i = 0; i < v.length; i++) {
            v[i] =
                    i < slow
                            ? 2000 + r.nextInt(3000) + 0.25 * r.nextInt(4)
                            : 20 + r.nextInt(380) + 0.25 * r.nextInt(4);
        }
        return v;
    }

    /** The queue depths of a service in a window (none in a gap). */
    double[] queueDepths(int service, int window) {
        Kind k = kind(service, window);
        if (k == Kind.GAP) {
            return new double[0];
        }
        Random r = random(3, service, window);
        double[] v = new double[4];
        for (int i = 0; i < v.length; i++) {
            v[i] = (k == Kind.SPIKE ? 10_000 : 100) + 0.25 * (r.nextInt(5) - 2);
        }
        return v;
    }

    /** The points of window {@code w}, in time order, for the one partition of the topic. */
    List<Line> window(int w) {
        return window(w, Long.MAX_VALUE).get(0);
    }

    /**
     * The points of window {@code w} in time order, split into those less than {@code offset} ms
     * after the window's start and the rest.
     */
    List<List<Line>> window(int w, long offset) {
        List<long[]> order = new ArrayList<>();
        List<String> lines = new ArrayList<>();
        for (int s = 0; s < SyntheticLogs.SERVICES.size(); s++) {
            String service = SyntheticLogs.SERVICES.get(s);
            double[] lat = latencies(s, w);
            for (int i = 0; i < lat.length; i++) {
                // Points 2 s apart from second 0.5: all inside the window.
                long ts = windowStart(w) + 2000L * i + 500 + s;
                order.add(new long[] {ts, lines.size()});
                lines.add(point(ts, LATENCY, lat[i], service));
            }
            double[] q = queueDepths(s, w);
            for (int i = 0; i < q.length; i++) {
                long ts = windowStart(w) + 15_000L * i + 700 + s;
                order.add(new long[] {ts, lines.size()});
                lines.add(point(ts, QUEUE, q[i], service));
            }
        }
        order.sort(Comparator.comparingLong(o -> o[0]));
        List<Line> before = new ArrayList<>();
        List<Line> after = new ArrayList<>();
        order.forEach(
                o ->
                        (o[0] - windowStart(w) < offset ? before : after)
                                .add(new Line(0, lines.get((int) o[1]))));
        return List.of(before, after);
    }

    /** One point far after window {@code lastWindow}: closes every metric window up to it. */
    List<Line> closers(int lastWindow) {
        return List.of(new Line(0, point(windowStart(lastWindow + 3), QUEUE, 1, "zz-closer")));
    }

    static String point(long ts, String name, double value, String service) {
        return String.format(
                Locale.ROOT,
                "{\"timestamp\":%d,\"name\":\"%s\",\"value\":%s,\"service\":\"%s\",\"host\":\"%s\"}",
                ts,
                name,
                Double.toString(value),
                service,
                HOST);
    }

    // ---------------------------------------------------------------------------------------
    // What the job must output

    /** Key of a metric aggregate: name, service and window start. */
    static String aggregateKey(String name, String service, String windowStart) {
        return name + "|" + service + "@" + windowStart;
    }

    /**
     * A metric aggregate as the test expects it: the window's values sorted, from which count, sum,
     * min, max and mean are exact and each quantile is the value of rank floor(q (n - 1))
     * (docs/formats.md: the "lower" quantile), which the job's sketch meets within 1%.
     */
    record ExpectedMetric(
            String name, String service, String windowStart, String windowEnd, double[] sorted) {
        int count() {
            return sorted.length;
        }

        double sum() {
            double s = 0;
            for (double v : sorted) {
                s += v;
            }
            return s;
        }

        double quantile(double q) {
            return sorted[(int) Math.floor(q * (sorted.length - 1))];
        }

        @Override
        public String toString() {
            return name + " " + service + " " + windowStart + " " + Arrays.toString(sorted);
        }
    }

    /** The expected metric aggregate of every service, name and window below {@code windows}. */
    Map<String, ExpectedMetric> aggregates(int windows) {
        Map<String, ExpectedMetric> out = new LinkedHashMap<>();
        for (int w = 0; w < windows; w++) {
            String start = SyntheticLogs.iso(windowStart(w));
            String end = SyntheticLogs.iso(windowStart(w + 1));
            for (int s = 0; s < SyntheticLogs.SERVICES.size(); s++) {
                if (!hasData(s, w)) {
                    continue;
                }
                String service = SyntheticLogs.SERVICES.get(s);
                double[] lat = latencies(s, w).clone();
                Arrays.sort(lat);
                out.put(
                        aggregateKey(LATENCY, service, start),
                        new ExpectedMetric(LATENCY, service, start, end, lat));
                double[] q = queueDepths(s, w).clone();
                Arrays.sort(q);
                out.put(
                        aggregateKey(QUEUE, service, start),
                        new ExpectedMetric(QUEUE, service, start, end, q));
            }
        }
        return out;
    }

    /**
     * The transitions of a metric rule over windows [0, windows).
     *
     * <ul>
     *   <li>{@code FaultSlowRequests} ({@code p99 > 1000} on the latencies, no {@code for}, one
     *       window to resolve): fires at the end of a slow window, resolves at the end of the
     *       service's next window with data that is not slow. Windows without data are not
     *       evaluated (docs/rules.md).
     *   <li>{@code FaultQueueAnomaly}: the same lifecycle, with "spike" as the verdict: the spikes
     *       are ten thousand robust spreads off a level whose spread is at its floor (1% of the
     *       level), so any reasonable baseline fires on them, and the next steady window's score is
     *       near zero, so it resolves there. A spike is forced only after the rule's warm-up.
     *   <li>{@code FaultMetricsAbsent} ({@code absent_for: 4m}): a gap of windows [a, b) with b - a
     *       &ge; 4 fires at the start of window a plus 4m (event time: the end of the last window
     *       with data plus {@code absent_for}) and resolves at the start of window b, when data
     *       returns; a shorter gap does nothing. A gap must end before {@code windows}. All of this
     *       is event time, so it is exact under faults too. The rule's other trigger, the wall
     *       clock once event time has stood still for {@code absent_for} (all input stopped), would
     *       fire for every group 4 minutes after a run's input ends: each run checks its output and
     *       cancels the job well before (and a recovery's standing event time, 10-60 s, is far
     *       below it).
     * </ul>
     */
    List<Transition> transitions(SyntheticLogs.Rule rule, int windows) {
        List<Transition> out = new ArrayList<>();
        for (int s = 0; s < SyntheticLogs.SERVICES.size(); s++) {
            String service = SyntheticLogs.SERVICES.get(s);
            if (rule == SyntheticLogs.Rule.FaultMetricsAbsent) {
                int gapFrom = -1;
                for (int w = 0; w < windows; w++) {
                    if (!hasData(s, w)) {
                        if (w == 0) {
                            throw new IllegalStateException("a gap at the start: not seen before");
                        }
                        gapFrom = gapFrom < 0 ? w : gapFrom;
                    } else if (gapFrom >= 0) {
                        long silence = (w - gapFrom) * SyntheticLogs.WINDOW;
                        if (silence == ABSENT_FOR) {
                            throw new IllegalStateException("a gap of exactly absent_for");
                        }
                        if (silence > ABSENT_FOR) {
                            out.add(
                                    new Transition(
                                            rule.name(),
                                            service,
                                            "firing",
                                            SyntheticLogs.iso(windowStart(gapFrom) + ABSENT_FOR)));
                            out.add(
                                    new Transition(
                                            rule.name(),
                                            service,
                                            "resolved",
                                            SyntheticLogs.iso(windowStart(w))));
                        }
                        gapFrom = -1;
                    }
                }
                if (gapFrom >= 0) {
                    throw new IllegalStateException(service + ": a gap to the end of the input");
                }
                continue;
            }
            boolean firing = false;
            for (int w = 0; w < windows; w++) {
                if (!hasData(s, w)) {
                    continue;
                }
                boolean holds =
                        switch (rule) {
                            case FaultSlowRequests -> {
                                double[] lat = latencies(s, w).clone();
                                Arrays.sort(lat);
                                yield lat[(int) Math.floor(0.99 * (lat.length - 1))] > 1000;
                            }
                            case FaultQueueAnomaly -> kind(s, w) == Kind.SPIKE;
                            default -> throw new IllegalArgumentException(rule.name());
                        };
                String end = SyntheticLogs.iso(windowStart(w + 1));
                if (holds != firing) {
                    out.add(
                            new Transition(
                                    rule.name(), service, holds ? "firing" : "resolved", end));
                    firing = holds;
                }
            }
        }
        return out;
    }
}
