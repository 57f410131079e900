package io.streamwatch.e2e;

import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What a script of the repository ({@code bin/cluster ...}) printed and returned when an end-to-end
 * test ran it: with its own work directory ({@code SW_WORK}) and environment, bounded in time (a
 * script that hangs fails the test instead of the build's timeout), its output kept beside the run
 * ({@code <work>/<command>.out} and {@code .err}) for the post-mortem.
 */
record RepositoryScript(int exit, String stdout, String stderr) {

    /**
     * Runs {@code command} (e.g. {@code bin/cluster start}) from {@code root} with {@code
     * SW_WORK=work} and {@code environment} added; its stderr goes on to the test's.
     */
    static RepositoryScript run(
            Path root,
            Path work,
            Map<String, String> environment,
            Duration timeout,
            String... command)
            throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).directory(root.toFile());
        pb.environment().put("SW_WORK", work.toString());
        pb.environment().putAll(environment);
        String name = command[1];
        Path out = work.resolve(name + ".out");
        Path err = work.resolve(name + ".err");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroy);
            p.destroy();
            p.waitFor(20, TimeUnit.SECONDS);
            fail("%s did not finish within %s; see %s", String.join(" ", command), timeout, err);
        }
        String stderr = Files.readString(err);
        System.err.print(stderr);
        return new RepositoryScript(p.exitValue(), Files.readString(out), stderr);
    }
}
