package io.streamwatch.anomaly;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Prints the evaluation's full figures table: the model at its defaults (or at the settings given)
 * over a generated corpus, by anomaly kind, by sampling and by noise. Run with {@code
 * bench/anomaly} (or this class's main on the test classpath); arguments: {@code [series [seed
 * [fire-level [half-life-minutes]]]]}.
 */
public final class AnomalyBench {
    private AnomalyBench() {}

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 600;
        long seed = args.length > 1 ? Long.parseLong(args[1]) : 18;
        AnomalySettings s = AnomalySettings.DEFAULTS;
        if (args.length > 2) {
            s = s.withFireLevel(Double.parseDouble(args[2]));
        }
        if (args.length > 3) {
            s = s.withHalfLife(Long.parseLong(args[3]) * 60_000L);
        }
        List<LabelledSeries> corpus = SeriesGenerator.corpus(seed, n);
        long points = corpus.stream().mapToLong(LabelledSeries::size).sum();
        System.out.printf(
                Locale.ROOT,
                "anomaly evaluation: %d series, %d points, seed %d; fire level %.2f, resolve %.2f,"
                        + " half-life %d min, warm-up %d, seasonality %s, direction %s%n%n",
                corpus.size(),
                points,
                seed,
                s.fireLevel(),
                s.resolveLevel(),
                s.halfLifeMillis() / 60_000,
                s.warmup(),
                s.seasonality() ? "auto" : "none",
                s.direction().name().toLowerCase(Locale.ROOT));
        AnomalySettings settings = s;
        Map<String, DetectionScorer.Figures> perSeries = new TreeMap<>();
        DetectionScorer.Figures all = new DetectionScorer.Figures();
        Map<String, DetectionScorer.Figures> byKind = new TreeMap<>();
        Map<String, DetectionScorer.Figures> bySampling = new TreeMap<>();
        Map<String, DetectionScorer.Figures> byNoise = new TreeMap<>();
        for (LabelledSeries series : corpus) {
            DetectionScorer.Figures f =
                    DetectionScorer.score(series, DetectionScorer.firings(series, settings));
            all.add(f);
            String[] parts = series.family().split(" / ");
            String[] words = parts[0].split(" ");
            byKind.computeIfAbsent(parts[1], k -> new DetectionScorer.Figures()).add(f);
            bySampling.computeIfAbsent(words[0], k -> new DetectionScorer.Figures()).add(f);
            byNoise.computeIfAbsent(words[1], k -> new DetectionScorer.Figures()).add(f);
            perSeries.put(series.name(), f);
        }
        table("by anomaly kind", byKind);
        table("by sampling", bySampling);
        table("by noise", byNoise);
        table("all", Map.of("all", all));
        System.out.printf(
                Locale.ROOT,
                "%nwindow score (NAB-like, 100 perfect, 0 never firing): standard %.1f,"
                        + " low false positives %.1f%n",
                all.windowScore(),
                all.windowScoreLowFp());
        DetectionScorer.Figures ewma = DetectionScorer.score(corpus, AnomalyBench::ewmaFirings);
        System.out.printf(
                Locale.ROOT,
                "the EWMA rule before (alpha 0.3, 3 sigmas, above, warm-up 5): recall %.3f,"
                        + " %d firings, %d false (%.3f per series and day), window score %.1f,"
                        + " low false positives %.1f%n",
                ewma.recall(),
                ewma.firings,
                ewma.falseAlarms,
                ewma.falseAlarmsPerDay(),
                ewma.windowScore(),
                ewma.windowScoreLowFp());
        if (System.getProperty("anomaly.worst") != null) {
            perSeries.entrySet().stream()
                    .sorted(
                            (a, b) ->
                                    Integer.compare(
                                            b.getValue().falseAlarms, a.getValue().falseAlarms))
                    .limit(15)
                    .forEach(
                            e ->
                                    System.out.printf(
                                            "  %3d false alarms  %s%n",
                                            e.getValue().falseAlarms, e.getKey()));
        }
    }

    static void table(String title, Map<String, DetectionScorer.Figures> rows) {
        System.out.printf("%s%n", title);
        System.out.printf(
                Locale.ROOT,
                "  %-16s %6s %6s %6s %8s %9s %8s %8s %9s %9s%n",
                "",
                "series",
                "anom",
                "found",
                "recall",
                "delay p50",
                "firings",
                "false",
                "false/day",
                "precision");
        Function<Double, String> fmt =
                d -> Double.isNaN(d) ? "-" : String.format(Locale.ROOT, "%.3f", d);
        rows.forEach(
                (k, f) ->
                        System.out.printf(
                                Locale.ROOT,
                                "  %-16s %6d %6d %6d %8s %9s %8d %8d %9s %9s%n",
                                k,
                                f.series,
                                f.anomalies,
                                f.found,
                                fmt.apply(f.recall()),
                                Double.isNaN(f.medianDelay())
                                        ? "-"
                                        : String.format(Locale.ROOT, "%.0f", f.medianDelay()),
                                f.firings,
                                f.falseAlarms,
                                fmt.apply(f.falseAlarmsPerDay()),
                                fmt.apply(f.precision())));
        System.out.println();
    }

    /**
     * The anomaly rule as it was before this model, at its defaults: an EWMA mean and variance
     * (alpha 0.3) learning every window, firing above 3 standard deviations after 5 windows,
     * resolving at the first window below.
     */
    static List<Integer> ewmaFirings(LabelledSeries s) {
        List<Integer> out = new java.util.ArrayList<>();
        double mean = 0;
        double variance = 0;
        long n = 0;
        boolean was = false;
        for (int i = 0; i < s.size(); i++) {
            double x = s.values()[i];
            boolean anomalous = n >= 5 && x - mean > 3 * Math.max(Math.sqrt(variance), 1e-9);
            if (n == 0) {
                mean = x;
            } else {
                double diff = x - mean;
                double incr = 0.3 * diff;
                mean += incr;
                variance = 0.7 * (variance + diff * incr);
            }
            n++;
            if (anomalous && !was) {
                out.add(i);
            }
            was = anomalous;
        }
        return out;
    }
}
