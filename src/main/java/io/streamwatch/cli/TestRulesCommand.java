package io.streamwatch.cli;

import io.streamwatch.offline.RuleTests;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code streamwatch test-rules FILE...}: runs rule unit tests offline, through the real pipeline
 * in a local Flink, so rules are reviewed and tested like code before they go live.
 */
@Command(
        name = "test-rules",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        usageHelpWidth = 100,
        description = {
            "Runs rule test files (input records and the alert transitions expected at given"
                    + " times) through the real pipeline in a local Flink, and prints PASS or FAIL"
                    + " with a diff per test. See docs/rule-tests.md."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:every test passed",
            "1:a test failed",
            "2:a test file is missing or does not parse"
        })
public class TestRulesCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Rule test files (YAML).")
    List<Path> files;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int failed = 0;
        for (Path f : files) {
            if (!Files.isRegularFile(f)) {
                err.println(f + ": no such file");
                err.flush();
                return 2;
            }
            try {
                failed += RuleTests.run(f, out);
            } catch (RuleTests.BadTestFile e) {
                err.println(e.getMessage());
                err.flush();
                return 2;
            }
        }
        out.flush();
        return failed == 0 ? 0 : 1;
    }
}
