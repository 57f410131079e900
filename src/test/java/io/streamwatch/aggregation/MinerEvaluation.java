package io.streamwatch.aggregation;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Grouping accuracy of masking and of the miner (default parameters) on every labeled corpus: the
 * figures of docs/PATTERNS.md. The miner is measured twice: with the id {@code add} returned when
 * the line arrived (what the {@code patterns} command prints and the job counts), and with the id
 * that id resolves to after the last line (a template merged into another resolves to the
 * survivor), which is the final grouping the log parsing literature scores. Run {@code main} to
 * print the table.
 */
public final class MinerEvaluation {
    private MinerEvaluation() {}

    /** The figures of one corpus. */
    public record Row(
            String corpus,
            long events,
            int lines,
            double masking,
            double online,
            double finalIds) {}

    /** Measures one corpus with a fresh default miner. */
    public static Row measure(String corpus, List<LogCorpora.Labeled> lines) {
        return measure(corpus, lines, java.util.EnumSet.allOf(TemplateMiner.Rule.class));
    }

    /** Measures one corpus with a default miner that applies only these rules. */
    static Row measure(
            String corpus,
            List<LogCorpora.Labeled> lines,
            java.util.Set<TemplateMiner.Rule> rules) {
        List<String> truth = new ArrayList<>();
        List<String> masked = new ArrayList<>();
        List<String> online = new ArrayList<>();
        TemplateMiner miner = new TemplateMiner(config(), rules);
        for (LogCorpora.Labeled l : lines) {
            truth.add(l.event());
            masked.add(PatternMasker.mask(l.message()));
            online.add(miner.add(l.message()).id());
        }
        List<String> finalIds = new ArrayList<>();
        for (String id : online) {
            finalIds.add(miner.resolve(id));
        }
        return new Row(
                corpus,
                truth.stream().distinct().count(),
                lines.size(),
                GroupingAccuracy.of(truth, masked),
                GroupingAccuracy.of(truth, online),
                GroupingAccuracy.of(truth, finalIds));
    }

    /** The default configuration (a similarity from -Dsw.sim when exploring). */
    static TemplateMiner.Config config() {
        TemplateMiner.Config d = TemplateMiner.Config.defaults();
        return new TemplateMiner.Config(
                d.depth(),
                Double.parseDouble(System.getProperty("sw.sim", "" + d.similarity())),
                d.maxChildren(),
                d.maxTemplates());
    }

    /** The rows of the system corpora, then of the older application corpora. */
    public static List<Row> all() throws IOException {
        List<Row> rows = new ArrayList<>();
        for (String name : SystemLogCorpora.NAMES) {
            rows.add(measure(name, SystemLogCorpora.read(name)));
        }
        for (String name : LogCorpora.NAMES) {
            rows.add(measure(name, LogCorpora.read(name)));
        }
        return rows;
    }

    /** The mean of a column over some rows. */
    public static double mean(List<Row> rows, java.util.function.ToDoubleFunction<Row> column) {
        return rows.stream().mapToDouble(column).average().orElse(0);
    }

    /** The table as Markdown, with an average row per corpus family. */
    public static String table(List<Row> rows) {
        StringBuilder b =
                new StringBuilder(
                        "| corpus | events | lines | masking | miner, online | miner, final |\n"
                                + "| --- | --- | --- | --- | --- | --- |\n");
        int systems = SystemLogCorpora.NAMES.size();
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            b.append(
                    String.format(
                            Locale.ROOT,
                            "| %s | %d | %d | %.3f | %.3f | %.3f |%n",
                            r.corpus(),
                            r.events(),
                            r.lines(),
                            r.masking(),
                            r.online(),
                            r.finalIds()));
            if (i == systems - 1) {
                b.append(average("systems average", rows.subList(0, systems)));
            }
        }
        if (rows.size() > systems) {
            b.append(average("applications average", rows.subList(systems, rows.size())));
        }
        return b.toString();
    }

    private static String average(String label, List<Row> rows) {
        return String.format(
                Locale.ROOT,
                "| **%s** | | | %.3f | %.3f | %.3f |%n",
                label,
                mean(rows, Row::masking),
                mean(rows, Row::online),
                mean(rows, Row::finalIds));
    }

    /** Each rule left out in turn: the systems average without it (what the rule does). */
    static String ablation() throws IOException {
        StringBuilder b =
                new StringBuilder("| left out | systems | applications |\n| --- | --- | --- |\n");
        List<java.util.Set<TemplateMiner.Rule>> variants = new ArrayList<>();
        variants.add(java.util.EnumSet.allOf(TemplateMiner.Rule.class));
        for (TemplateMiner.Rule r : TemplateMiner.Rule.values()) {
            java.util.Set<TemplateMiner.Rule> without =
                    java.util.EnumSet.allOf(TemplateMiner.Rule.class);
            without.remove(r);
            variants.add(without);
        }
        variants.add(java.util.EnumSet.noneOf(TemplateMiner.Rule.class));
        for (java.util.Set<TemplateMiner.Rule> rules : variants) {
            List<Row> sys = new ArrayList<>();
            for (String name : SystemLogCorpora.NAMES) {
                sys.add(measure(name, SystemLogCorpora.read(name), rules));
            }
            List<Row> app = new ArrayList<>();
            for (String name : LogCorpora.NAMES) {
                app.add(measure(name, LogCorpora.read(name), rules));
            }
            java.util.Set<TemplateMiner.Rule> out =
                    java.util.EnumSet.allOf(TemplateMiner.Rule.class);
            out.removeAll(rules);
            b.append(
                    String.format(
                            Locale.ROOT,
                            "| %s | %.3f | %.3f |%n",
                            out.isEmpty()
                                    ? "nothing"
                                    : out.size() > 1 ? "all" : out.iterator().next(),
                            mean(sys, Row::online),
                            mean(app, Row::online)));
        }
        return b.toString();
    }

    public static void main(String[] args) throws IOException {
        if (args.length == 1 && args[0].equals("--ablation")) {
            System.out.print(ablation());
            return;
        }
        if (args.length > 0) {
            for (String corpus : args) {
                explain(corpus);
            }
            return;
        }
        System.out.print(table(all()));
    }

    /** Prints the wrong groups of one corpus: events split over ids and ids holding events. */
    static void explain(String corpus) throws IOException {
        List<LogCorpora.Labeled> lines =
                SystemLogCorpora.NAMES.contains(corpus)
                        ? SystemLogCorpora.read(corpus)
                        : LogCorpora.read(corpus);
        TemplateMiner miner = new TemplateMiner();
        java.util.Map<String, java.util.Map<String, Integer>> byEvent = new java.util.TreeMap<>();
        java.util.Map<String, java.util.Map<String, Integer>> byId = new java.util.HashMap<>();
        java.util.Map<String, String> example = new java.util.HashMap<>();
        for (LogCorpora.Labeled l : lines) {
            String id = miner.add(l.message()).id();
            byEvent.computeIfAbsent(l.event(), k -> new java.util.TreeMap<>())
                    .merge(id, 1, Integer::sum);
            byId.computeIfAbsent(id, k -> new java.util.TreeMap<>())
                    .merge(l.event(), 1, Integer::sum);
            example.putIfAbsent(l.event() + "@" + id, l.message());
        }
        for (var e : byEvent.entrySet()) {
            boolean split = e.getValue().size() > 1;
            boolean merged = e.getValue().keySet().stream().anyMatch(id -> byId.get(id).size() > 1);
            if (!split && !merged) {
                continue;
            }
            int n = e.getValue().values().stream().mapToInt(Integer::intValue).sum();
            System.out.printf(
                    Locale.ROOT,
                    "%s (%d lines)%s%s%n",
                    e.getKey(),
                    n,
                    split ? " SPLIT" : "",
                    merged ? " MERGED" : "");
            for (var id : e.getValue().entrySet()) {
                System.out.printf(
                        Locale.ROOT,
                        "   %s x%d with %s%n     %s%n     tpl: %s%n",
                        id.getKey(),
                        id.getValue(),
                        byId.get(id.getKey()),
                        example.get(e.getKey() + "@" + id.getKey()),
                        miner.template(id.getKey()));
            }
        }
    }
}
