package io.streamwatch.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Wall-clock and CPU time of one contender's measured phase, in its own JVM: process CPU (all
 * threads, user and system) from the operating system bean, minus the CPU of threads that only
 * watch the outcome. Writes one JSON object per contender, the table's raw material, and {@code
 * <name>.threads.tsv}: the same phase's CPU by thread.
 */
final class Measure {
    private final String name;
    private final long startNanos;
    private final long startCpuNanos;
    private final double startupSeconds;
    private final Map<Long, Long> startThreadCpu;
    private final Map<String, Long> startJvmThreadCpu;
    private long stopNanos;
    private long stopCpuNanos;
    private Map<String, Long> threadCpu = Map.of();

    private Measure(String name) {
        this.name = name;
        this.startupSeconds = ManagementFactory.getRuntimeMXBean().getUptime() / 1000.0;
        this.startNanos = System.nanoTime();
        this.startCpuNanos = processCpuNanos();
        this.startThreadCpu = threadCpuNanos();
        this.startJvmThreadCpu = jvmThreadCpuNanos();
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
        threadCpu = threadCpuSince(startThreadCpu);
        jvmThreadCpuNanos()
                .forEach(
                        (name, cpu) -> {
                            long used = cpu - startJvmThreadCpu.getOrDefault(name, 0L);
                            if (used > 0) {
                                threadCpu.merge("jvm: " + name, used, Long::sum);
                            }
                        });
    }

    /**
     * The JVM's own threads (JIT compilers, garbage collector), which the thread bean does not
     * list, by their Linux thread name from {@code /proc}: in a run of seconds, compiling the code
     * is a good part of the CPU. Empty where there is no {@code /proc}.
     */
    private static Map<String, Long> jvmThreadCpuNanos() {
        Map<String, Long> cpu = new HashMap<>();
        Path tasks = Path.of("/proc/self/task");
        if (!Files.isDirectory(tasks)) {
            return cpu;
        }
        long nanosPerTick = 10_000_000L; // USER_HZ is 100 on Linux
        try (var dirs = Files.list(tasks)) {
            for (Path task : (Iterable<Path>) dirs::iterator) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    if (!JVM_THREAD.matcher(name).lookingAt()) {
                        continue;
                    }
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    // After the name: state is field 3 of stat(5), utime 14 and stime 15.
                    long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
                    cpu.merge(name.replaceAll("[0-9]+", "N"), ticks * nanosPerTick, Long::sum);
                } catch (IOException | RuntimeException e) {
                    // The thread ended while being read.
                }
            }
        } catch (IOException e) {
            return cpu;
        }
        return cpu;
    }

    private static final Pattern JVM_THREAD =
            Pattern.compile("C1 Compi|C2 Compi|GC Thread|G1 |VM Thread|VM Periodic");

    private static Map<Long, Long> threadCpuNanos() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<Long, Long> cpu = new HashMap<>();
        for (long id : threads.getAllThreadIds()) {
            cpu.put(id, threads.getThreadCpuTime(id));
        }
        return cpu;
    }

    /**
     * CPU of the measured phase by thread name, digits masked so that the subtasks of one task add
     * up ({@code Source: Read ... (1/2)} and {@code (2/2)}): where a contender's CPU goes, without
     * a profiler. Threads that ended during the phase are missing.
     */
    private static Map<String, Long> threadCpuSince(Map<Long, Long> start) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<String, Long> byName = new TreeMap<>();
        for (ThreadInfo t : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (t == null) {
                continue;
            }
            long now = threads.getThreadCpuTime(t.getThreadId());
            long used = now - start.getOrDefault(t.getThreadId(), 0L);
            if (now > 0 && used > 0) {
                byName.merge(t.getThreadName().replaceAll("[0-9]+", "N"), used, Long::sum);
            }
        }
        return byName;
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
        StringBuilder tsv = new StringBuilder("cpu_s\tthread\n");
        threadCpu.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(
                        e ->
                                tsv.append(String.format(Locale.ROOT, "%.3f", e.getValue() / 1e9))
                                        .append('\t')
                                        .append(e.getKey())
                                        .append('\n'));
        Files.writeString(dir.resolve(name + ".threads.tsv"), tsv);
        System.out.print(json);
    }
}
