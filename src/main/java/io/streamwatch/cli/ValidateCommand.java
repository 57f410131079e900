package io.streamwatch.cli;

import io.streamwatch.config.ConfigException;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code streamwatch validate}: checks the configuration, with the same parameters the job would
 * get, without starting Flink, so a broken config is caught before a deployment.
 */
@Command(
        name = "validate",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        abbreviateSynopsis = true,
        sortOptions = false,
        usageHelpWidth = 100,
        optionListHeading = "%nOptions:%n",
        commandListHeading = "%nCommands:%n",
        footerHeading = "%n",
        footer = {
            "Also takes --kafka.<property> VALUE, as the job does (see streamwatch --help).",
            "Secrets referenced as $${env:NAME} or $${file:PATH} are resolved, so a missing"
                    + " one is reported."
        },
        description = {
            "Checks the configuration and its overrides without starting Flink: prints every"
                    + " problem, one per line, or a summary when there is none."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the configuration is valid", "1:it has problems", "2:bad arguments"})
public class ValidateCommand implements Callable<Integer> {
    /** Exit code for a configuration with problems. */
    public static final int PROBLEMS = 1;

    @Spec CommandSpec spec;

    @Mixin ConfigOptions options;

    // The --kafka.<property> VALUE pairs; ConfigOptions parses them.
    @Unmatched List<String> kafkaArguments;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        options.warnAboutLiteralSecrets(err);
        try {
            LoadedJob job = LoadedJob.load(options.config(), options.overrides());
            out.println("OK: " + Summary.of(job.config()) + "; " + job.rules().size() + " rules");
        } catch (ConfigException e) {
            e.problems().forEach(err::println);
            err.flush();
            return PROBLEMS;
        }
        out.flush();
        return 0;
    }
}
