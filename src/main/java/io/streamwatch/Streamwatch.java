package io.streamwatch;

import io.streamwatch.cli.AlertmanagerCommand;
import io.streamwatch.cli.BacktestCommand;
import io.streamwatch.cli.ConfigOptions;
import io.streamwatch.cli.LoadedJob;
import io.streamwatch.cli.PatternsCommand;
import io.streamwatch.cli.Summary;
import io.streamwatch.cli.TestRulesCommand;
import io.streamwatch.cli.ValidateCommand;
import io.streamwatch.cli.VersionProvider;
import io.streamwatch.config.ConfigException;
import io.streamwatch.job.StreamwatchJob;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * The job jar's entry point: {@code flink run streamwatch.jar [options]} (or {@code --local}) runs
 * the job; subcommands such as {@code validate} work without Flink. One command line for all, so
 * every tool takes the same config options.
 */
@Command(
        name = "streamwatch",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        abbreviateSynopsis = true,
        sortOptions = false,
        usageHelpWidth = 100,
        optionListHeading = "%nOptions:%n",
        commandListHeading = "%nCommands:%n",
        subcommands = {
            ValidateCommand.class,
            TestRulesCommand.class,
            BacktestCommand.class,
            PatternsCommand.class,
            AlertmanagerCommand.class,
            CommandLine.HelpCommand.class
        },
        description = {
            "Aggregates logs and metrics from Kafka in event-time windows, evaluates alert rules"
                    + " and writes aggregates and alerts back to Kafka, exactly once.",
            "",
            "Without a command, runs the job: on the Flink cluster it is submitted to (flink run),"
                    + " or with --local in this process. Options override the configuration"
                    + " file."
        },
        footerHeading = "%n",
        footer = {
            "Kafka client settings:",
            "  --kafka.<property> VALUE   Any Kafka client setting, for every source and sink,"
                    + " e.g.",
            "                             --kafka.security.protocol SASL_SSL or"
                    + " --kafka.max.poll.records=1000.",
            "                             Repeatable; wins over kafka.properties in the file.",
            "",
            "Secrets (passwords, sasl.jaas.config, key passwords) do not belong in arguments,"
                    + " which show",
            "in process lists and shell history. Keep them in environment variables or files"
                    + " and write a",
            "reference instead, in the config file or in an argument; it is resolved when the"
                    + " job starts:",
            "  $${env:NAME}    the value of environment variable NAME",
            "  $${file:PATH}   the content of file PATH (relative paths: from the config"
                    + " file's directory)",
            "  e.g. --kafka.sasl.jaas.config '... password=\"$${env:KAFKA_PASSWORD}\";'",
            "",
            "Durations: 500ms, 30s, 5m, 1h, 1d, 1h30m. Sizes: 65536, 64KiB, 1MiB, 1MB.",
            "Check a configuration without starting Flink: streamwatch validate [options]."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:the job ran (or was submitted)",
            "1:the job failed",
            "2:bad arguments or configuration"
        })
public class Streamwatch implements Callable<Integer> {
    /** Exit code when the configuration has problems: the job does not start. */
    public static final int CONFIG_PROBLEMS = 2;

    @Spec CommandSpec spec;

    @Mixin ConfigOptions options;

    // The --kafka.<property> VALUE pairs; ConfigOptions parses them.
    @Unmatched List<String> kafkaArguments;

    @Option(
            names = "--local",
            description =
                    "Run in a Flink MiniCluster in this process, with the web UI, instead of on"
                            + " a cluster.")
    boolean local;

    @Option(
            names = "--web-ui-port",
            paramLabel = "PORT",
            defaultValue = "8081",
            description = "Port of the web UI with --local (default: ${DEFAULT-VALUE}).")
    int webUiPort;

    public static void main(String[] args) {
        int code = new CommandLine(new Streamwatch()).execute(args);
        // Under `flink run` the client goes on after main returns; only failures end the JVM.
        if (code != 0) {
            System.exit(code);
        }
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        options.warnAboutLiteralSecrets(err);
        LoadedJob job;
        try {
            job = LoadedJob.load(options.config(), options.overrides());
        } catch (ConfigException e) {
            err.println("Streamwatch does not start: the configuration has problems:");
            e.problems().forEach(err::println);
            err.flush();
            return CONFIG_PROBLEMS;
        }
        out.println(
                "Streamwatch: " + Summary.of(job.config()) + "; " + job.rules().size() + " rules");
        out.flush();
        StreamwatchJob.runOnKafka(job.config(), job.rules(), local, webUiPort);
        return 0;
    }
}
