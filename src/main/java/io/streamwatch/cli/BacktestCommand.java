package io.streamwatch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamwatch.config.ConfigException;
import io.streamwatch.config.ConfigProblem;
import io.streamwatch.offline.Backtest;
import io.streamwatch.rules.RuleDefinition;
import io.streamwatch.rules.RuleLoader;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code streamwatch backtest --from T --to T}: the same pipelines and rules over a past time range
 * of the input topics, in a local Flink, reporting what would have fired; nothing is written to the
 * job's topics.
 */
@Command(
        name = "backtest",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        sortOptions = false,
        usageHelpWidth = 100,
        description = {
            "Runs the pipelines and rules (rule files, the live rules of the control topic, and any"
                    + " --rules candidates) over the input records whose Kafka timestamps fall in"
                    + " [--from, --to), in a local Flink. Prints how often each rule fired, when, and"
                    + " for how long, how often per key and day, and writes the alert transitions"
                    + " as JSON lines."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:the backtest ran",
            "1:it failed while running",
            "2:bad arguments, configuration, time range or topics"
        })
public class BacktestCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin ConfigOptions options;

    @Unmatched List<String> kafkaArguments;

    @Option(
            names = "--from",
            required = true,
            paramLabel = "TIME",
            description = "Start: ISO-8601 (2026-11-26T06:00:00Z), now, or now-2h.")
    String from;

    @Option(
            names = "--to",
            defaultValue = "now",
            paramLabel = "TIME",
            description = "End, exclusive (default: ${DEFAULT-VALUE}).")
    String to;

    @Option(
            names = "--rules",
            paramLabel = "FILE",
            description = "Candidate rule files to try as well (repeatable).")
    List<Path> candidates = new ArrayList<>();

    @Option(
            names = "--output",
            defaultValue = "backtest-alerts.jsonl",
            paramLabel = "FILE",
            description =
                    "Where the alert transitions go, one JSON per line (default: ${DEFAULT-VALUE}).")
    Path output;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            LoadedJob job = LoadedJob.load(options.config(), options.overrides());
            List<RuleDefinition> rules = new ArrayList<>(job.rules());
            List<ConfigProblem> problems = new ArrayList<>();
            for (Path f : candidates) {
                rules.addAll(RuleLoader.loadFile(job.config(), f, problems));
            }
            if (!problems.isEmpty()) {
                throw new ConfigException(problems);
            }
            long now = System.currentTimeMillis();
            Backtest backtest =
                    new Backtest(
                            job.config(),
                            rules,
                            Backtest.parseTime(from, "--from", now),
                            Backtest.parseTime(to, "--to", now));
            backtest.checkTopics();
            List<JsonNode> alerts = backtest.run(out);
            List<String> lines = new ArrayList<>();
            alerts.forEach(a -> lines.add(a.toString()));
            Files.write(output, lines);
            out.println("alert transitions written to " + output);
            out.flush();
            return 0;
        } catch (ConfigException e) {
            e.problems().forEach(err::println);
        } catch (Backtest.Refused e) {
            err.println("backtest: " + e.getMessage());
        }
        err.flush();
        return 2;
    }
}
