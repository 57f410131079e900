package io.streamwatch.bench;

import io.streamwatch.aggregation.LogCorpora;
import io.streamwatch.aggregation.PatternMasker;
import io.streamwatch.aggregation.SystemLogCorpora;
import io.streamwatch.aggregation.TemplateMiner;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Lines per second of the pattern stage alone, single thread, over the labeled corpora (the
 * application corpora of {@link LogCorpora} and the system corpora of {@link SystemLogCorpora}):
 * plain masking (what the job does with {@code patterns.mining: false}: mask and hash) beside the
 * template miner (masking included), in steady state (one miner per corpus that has learned its
 * templates, as a group's miner in the job has). Run by {@code bench/patterns}; prints the median
 * of several rounds and the spread.
 *
 * <p>Arguments: {@code [rounds] [passes per round]} (default 7 and 20).
 */
public final class BenchPatterns {
    private BenchPatterns() {}

    private static volatile Object sink;

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        int passes = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        List<List<String>> corpora = new ArrayList<>();
        long lines = 0;
        for (String name : LogCorpora.NAMES) {
            List<String> messages = new ArrayList<>();
            LogCorpora.read(name).forEach(l -> messages.add(l.message()));
            corpora.add(messages);
            lines += messages.size();
        }
        for (String name : SystemLogCorpora.NAMES) {
            List<String> messages = new ArrayList<>();
            SystemLogCorpora.read(name).forEach(l -> messages.add(l.message()));
            corpora.add(messages);
            lines += messages.size();
        }
        List<TemplateMiner> miners = new ArrayList<>();
        for (int i = 0; i < corpora.size(); i++) {
            miners.add(new TemplateMiner());
        }
        // Warm-up: the JIT, and every miner learns its corpus.
        for (int i = 0; i < 10; i++) {
            masking(corpora);
            mining(corpora, miners);
        }
        double[] mask = new double[rounds];
        double[] mine = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            long t = System.nanoTime();
            for (int p = 0; p < passes; p++) {
                masking(corpora);
            }
            mask[r] = lines * passes / ((System.nanoTime() - t) / 1e9);
            t = System.nanoTime();
            for (int p = 0; p < passes; p++) {
                mining(corpora, miners);
            }
            mine[r] = lines * passes / ((System.nanoTime() - t) / 1e9);
        }
        int templates = miners.stream().mapToInt(TemplateMiner::size).sum();
        System.out.printf(
                Locale.ROOT,
                "%d corpus lines x %d passes x %d rounds, single thread, %d templates learned%n",
                lines,
                passes,
                rounds,
                templates);
        report("masking (mask + id)", mask);
        report("miner (masking included)", mine);
        System.out.printf(
                Locale.ROOT, "miner / masking: %.2f (medians)%n", median(mine) / median(mask));
    }

    private static void masking(List<List<String>> corpora) {
        for (List<String> c : corpora) {
            for (String m : c) {
                sink = PatternMasker.patternId(PatternMasker.mask(m));
            }
        }
    }

    private static void mining(List<List<String>> corpora, List<TemplateMiner> miners) {
        for (int i = 0; i < corpora.size(); i++) {
            TemplateMiner miner = miners.get(i);
            for (String m : corpora.get(i)) {
                sink = miner.add(m);
            }
        }
    }

    private static void report(String what, double[] perSecond) {
        double[] s = perSecond.clone();
        Arrays.sort(s);
        System.out.printf(
                Locale.ROOT,
                "%-26s %,12.0f lines/s median (min %,.0f, max %,.0f)%n",
                what,
                median(perSecond),
                s[0],
                s[s.length - 1]);
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
