package io.streamwatch.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The cleanups of {@code bin/playground} and {@code bin/cluster} when the reader of their output is
 * gone (issue 21): {@code bin/playground 2>&1 | tee run.log}, then Ctrl-C, ends tee as well, and
 * the cleanup's first message killed the script with SIGPIPE before it stopped anything: broker,
 * JobManager, TaskManager, generator and tail kept running. Here the script's output pipe is closed
 * by the test (the reader goes away), then the script gets SIGTERM, sent to the script alone as
 * Ctrl-C effectively is (the processes it started in the background ignore SIGINT, so only its
 * cleanup can stop them; SIGTERM is used because SIGINT may be ignored by the test's own parents).
 * Nothing it started may be left: no process with its work directory or its broker address on the
 * command line, no open port.
 *
 * <p>The playground runs with {@code --no-build --no-job}: broker, JobManager, TaskManager,
 * generator and tail (and Prometheus, Alertmanager, its webhook printer and the bridge where they
 * are installed), everything but the job (which adds minutes and is stopped by the same loop). Its
 * own work directory and ports, so it can run beside a playground or a benchmark.
 */
class ClosedOutputCleanupTest {

    private static final Path ROOT =
            Path.of(System.getProperty("streamwatch.root", ".")).toAbsolutePath().normalize();
    private static final Path WORK = ROOT.resolve("target/e2e-closed-output");
    private static final PlaygroundPorts PORTS =
            new PlaygroundPorts(29192, 8291, 6323, 9449, 9490, 9493, 9497);
    private static final String BOOTSTRAP = "127.0.0.1:" + PORTS.kafka();
    private static final Duration START_DEADLINE = Duration.ofMinutes(5);
    private static final Duration STOP_DEADLINE = Duration.ofSeconds(120);

    @BeforeEach
    void portsFree() throws IOException {
        for (int port : PORTS.all()) {
            assertThat(PlaygroundPorts.open(port)).as("port %d must be free", port).isFalse();
        }
        Files.createDirectories(WORK);
    }

    @AfterEach
    void stopLeftovers() throws Exception {
        // What a broken cleanup left: bin/playground stop finds it by the pid files; anything
        // else of this work directory gets SIGKILL.
        ProcessBuilder pb =
                env(new ProcessBuilder("bin/playground", "stop"))
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .redirectError(ProcessBuilder.Redirect.DISCARD);
        Process stop = pb.start();
        if (!stop.waitFor(2, TimeUnit.MINUTES)) {
            stop.destroyForcibly();
        }
        for (ProcessHandle p : leftovers()) {
            p.destroyForcibly();
        }
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void playgroundStopsEverythingWhenItsOutputPipeIsClosed() throws Exception {
        assertStopsEverything(
                List.of("bin/playground", "--no-build", "--no-job"), "everything up in");
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void clusterStartInterruptedStopsWhatItStartedWhenItsOutputPipeIsClosed() throws Exception {
        // Interrupted while the TaskManager starts: the failed start must stop it, the
        // JobManager and the broker.
        assertStopsEverything(List.of("bin/cluster", "start"), "starting Flink TaskManager");
    }

    private static void assertStopsEverything(List<String> command, String upLine)
            throws Exception {
        Process p = env(new ProcessBuilder(command)).redirectErrorStream(true).start();
        List<String> seen = new ArrayList<>();
        try (BufferedReader out =
                new BufferedReader(
                        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            long until = System.nanoTime() + START_DEADLINE.toNanos();
            String line;
            while ((line = out.readLine()) != null) {
                seen.add(line);
                if (line.contains(upLine)) {
                    break;
                }
                assertThat(System.nanoTime())
                        .as("not up in %s: %s", START_DEADLINE, seen)
                        .isLessThan(until);
            }
            assertThat(line).as("%s ended before it was up: %s", command, seen).isNotNull();
        } // the reader goes away: the pipe is closed
        long started = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (leftovers().isEmpty() && System.nanoTime() < started) {
            Thread.sleep(100);
        }
        assertThat(leftovers()).as("%s started nothing? %s", command, seen).isNotEmpty();

        p.toHandle().destroy(); // SIGTERM to the script only
        assertThat(p.waitFor(STOP_DEADLINE.toSeconds(), TimeUnit.SECONDS))
                .as("%s did not end within %s of SIGTERM", command, STOP_DEADLINE)
                .isTrue();

        long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        List<String> left = describe(leftovers());
        while (!left.isEmpty() && System.nanoTime() < until) {
            Thread.sleep(500);
            left = describe(leftovers());
        }
        assertThat(left).as("processes %s left running after SIGTERM", command).isEmpty();
        for (int port : PORTS.all()) {
            assertThat(PlaygroundPorts.open(port)).as("port %d still open", port).isFalse();
        }
    }

    private static ProcessBuilder env(ProcessBuilder pb) {
        pb.directory(ROOT.toFile());
        pb.environment().put("SW_WORK", WORK.toString());
        PORTS.putInto(pb.environment());
        return pb;
    }

    /** Processes whose command line names this test's work directory or broker address. */
    private static List<ProcessHandle> leftovers() throws IOException {
        List<ProcessHandle> found = new ArrayList<>();
        long self = ProcessHandle.current().pid();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path proc : (Iterable<Path>) procs::iterator) {
                String name = proc.getFileName().toString();
                if (!name.matches("\\d+") || Long.parseLong(name) == self) {
                    continue;
                }
                String cmdline;
                try {
                    cmdline =
                            new String(
                                            Files.readAllBytes(proc.resolve("cmdline")),
                                            StandardCharsets.UTF_8)
                                    .replace('\0', ' ');
                } catch (IOException gone) {
                    continue;
                }
                if (cmdline.contains(WORK.toString()) || cmdline.contains(BOOTSTRAP)) {
                    ProcessHandle.of(Long.parseLong(name)).ifPresent(found::add);
                }
            }
        }
        return found;
    }

    private static List<String> describe(List<ProcessHandle> processes) {
        return processes.stream()
                .filter(ProcessHandle::isAlive)
                .map(
                        h ->
                                h.pid()
                                        + " "
                                        + h.info()
                                                .commandLine()
                                                .orElse("?")
                                                .replaceAll("-cp \\S+", "-cp ..."))
                .map(s -> s.length() > 300 ? s.substring(0, 300) : s)
                .toList();
    }
}
