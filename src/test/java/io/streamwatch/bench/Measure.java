package io.streamwatch.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Wall-clock and CPU time of one contender's measured phase, in its own JVM: process CPU (all
 * threads, user and system) from the operating system bean, minus the CPU of threads that only
 * watch the outcome. Writes one JSON object per contender, the table's raw material.
 */
final class Measure {
    private final String name;
    private final long startNanos;
    private final long startCpuNanos;
    private final double startupSeconds;
    private long stopNanos;
    private long stopCpuNanos;

    private Measure(String name) {
        this.name = name;
        this.startupSeconds = ManagementFactory.getRuntimeMXBean().getUptime() / 1000.0;
        this.startNanos = System.nanoTime();
        this.startCpuNanos = processCpuNanos();
    }

    /** Starts the clock now; the JVM's uptime so far is reported as start-up. */
    static Measure start(String name) {
        return new Measure(name);
    }

    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean)
                        ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** Stops the clock (CPU and wall) now; {@link #finish} then reports this moment. */
    void stop() {
        stopNanos = System.nanoTime();
        stopCpuNanos = processCpuNanos();
    }

    /**
     * Stops the clock unless {@link #stop} did, and writes {@code <name>.json} into {@code dir}.
     *
     * @param excludedCpuNanos CPU of watcher threads, not part of the contender's work
     * @param extra more JSON fields ({@code "a":1,"b":2}) or empty
     */
    void finish(Path dir, long records, long excludedCpuNanos, String extra) throws IOException {
        if (stopNanos == 0) {
            stop();
        }
        double wall = (stopNanos - startNanos) / 1e9;
        double cpu = (stopCpuNanos - startCpuNanos - excludedCpuNanos) / 1e9;
        String json =
                String.format(
                        Locale.ROOT,
                        "{\"name\":\"%s\",\"records\":%d,\"wall_s\":%.3f,\"cpu_s\":%.3f,"
                                + "\"startup_s\":%.3f%s}%n",
                        name,
                        records,
                        wall,
                        cpu,
                        startupSeconds,
                        extra.isEmpty() ? "" : "," + extra);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(name + ".json"), json);
        System.out.print(json);
    }
}
