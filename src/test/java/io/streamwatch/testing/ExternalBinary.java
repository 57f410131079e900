package io.streamwatch.testing;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * Finds a program on the PATH, for tests against servers Debian packages (Alertmanager, Prometheus,
 * promtool): they skip with a message naming the package when it is not installed, except in CI
 * (the {@code CI} environment variable set, as {@code .ci/run} is run), where {@code .ci/run}
 * installs them and a missing one fails the test instead of hiding it behind a skip.
 */
public final class ExternalBinary {
    private ExternalBinary() {}

    /** The first of the names found as an executable on the PATH. */
    public static Optional<Path> find(String... names) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String name : names) {
            for (String dir : path.split(File.pathSeparator)) {
                if (dir.isEmpty()) {
                    continue;
                }
                Path p = Path.of(dir, name);
                if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.empty();
    }

    /**
     * The first of the names found on the PATH; if none is, the test is skipped saying which Debian
     * {@code debianPackage} to install, or fails in CI.
     */
    public static Path require(String debianPackage, String... names) {
        Optional<Path> found = find(names);
        if (found.isPresent()) {
            return found.get();
        }
        String missing =
                String.join(" or ", names)
                        + " is not installed (apt-get install "
                        + debianPackage
                        + ")";
        if (System.getenv("CI") != null) {
            throw new AssertionError(missing + "; .ci/run installs it, so CI must have it");
        }
        Assumptions.abort(missing + "; skipping");
        throw new AssertionError("unreachable");
    }

    /** A port nobody listens on now, on the loopback interface. */
    public static int freePort() {
        try (java.net.ServerSocket s =
                new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
