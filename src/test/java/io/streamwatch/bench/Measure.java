package io.streamwatch.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Wall-clock and CPU time of one contender's run, in its own JVM, in two spans: the warm-up (from
 * {@link #start} to {@link #mark}, the moment the contender has consumed the warm-up share of its
 * input) and the steady span (from the mark to {@link #stop}). CPU is the process's (all threads,
 * user and system, from {@code /proc} through the operating system bean) minus the CPU of threads
 * that only watch the outcome ({@link #exclude}). Writes one JSON object per contender, the table's
 * raw material: {@code records}, {@code wall_s} and {@code cpu_s} are the steady span's, {@code
 * warmup_*} the warm-up's; and {@code <name>.threads.tsv} (steady span) and {@code
 * <name>.warmup.threads.tsv}: the same spans' CPU by thread. With a profiler ({@link Profiler}),
 * the steady span is profiled too.
 */
final class Measure {
    private final String name;
    private final double startupSeconds;
    private final List<Thread> excluded = new ArrayList<>();
    private final Snapshot start;
    private Snapshot mark;
    private Snapshot stop;
    private long markRecords;

    private Measure(String name) {
        this.name = name;
        this.startupSeconds = ManagementFactory.getRuntimeMXBean().getUptime() / 1000.0;
        this.start = Snapshot.take(excluded);
    }

    /** Starts the clock now; the JVM's uptime so far is reported as start-up. */
    static Measure start(String name) {
        return new Measure(name);
    }

    /** Threads whose CPU is not the contender's (watchers); call before {@link #mark}. */
    Measure exclude(Thread... threads) {
        excluded.addAll(List.of(threads));
        return this;
    }

    /**
     * Ends the warm-up span now, after {@code consumed} input records; the steady span starts. A
     * second call does nothing.
     */
    void mark(long consumed) {
        if (mark == null) {
            mark = Snapshot.take(excluded);
            markRecords = consumed;
            Profiler.start();
        }
    }

    boolean marked() {
        return mark != null;
    }

    /**
     * One line to stderr: seconds since the start, input records consumed so far, the process's CPU
     * seconds and the JIT compiler threads' so far. Printed every few seconds by the runners, it
     * shows when the compiler settles (the log of each contender).
     */
    void progress(long consumed) {
        long jit =
                jvmThreadCpuNanos().entrySet().stream()
                        .filter(e -> e.getKey().contains("Compi"))
                        .mapToLong(Map.Entry::getValue)
                        .sum();
        System.err.printf(
                Locale.ROOT,
                "progress: %.1f s, %d records consumed, CPU %.1f s, JIT compiler %.1f s%n",
                (System.nanoTime() - start.nanos()) / 1e9,
                consumed,
                (processCpuNanos() - start.cpuNanos()) / 1e9,
                (jit
                                - start.jvmThreadCpu().entrySet().stream()
                                        .filter(e -> e.getKey().contains("Compi"))
                                        .mapToLong(Map.Entry::getValue)
                                        .sum())
                        / 1e9);
    }

    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean)
                        ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** Stops the clock (CPU and wall) now; {@link #finish} then reports this moment. */
    void stop() {
        if (stop == null) {
            stop = Snapshot.take(excluded);
            Profiler.stop(name);
        }
    }

    /** Wall, process CPU and per-thread CPU at one moment. */
    private record Snapshot(
            long nanos,
            long cpuNanos,
            long excludedCpuNanos,
            Map<Long, Long> threadCpu,
            Map<Long, String> threadNames,
            Map<String, Long> jvmThreadCpu) {

        static Snapshot take(List<Thread> excluded) {
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            long nanos = System.nanoTime();
            long cpu = processCpuNanos();
            long ex = 0;
            for (Thread t : excluded) {
                ex += Math.max(0, threads.getThreadCpuTime(t.getId()));
            }
            Map<Long, Long> byId = new HashMap<>();
            Map<Long, String> names = new HashMap<>();
            for (ThreadInfo t : threads.getThreadInfo(threads.getAllThreadIds())) {
                if (t != null) {
                    byId.put(t.getThreadId(), threads.getThreadCpuTime(t.getThreadId()));
                    names.put(t.getThreadId(), t.getThreadName());
                }
            }
            return new Snapshot(nanos, cpu, ex, byId, names, jvmThreadCpuNanos());
        }
    }

    /**
     * CPU between two snapshots by thread name, digits masked so that the subtasks of one task add
     * up ({@code Source: Read ... (1/2)} and {@code (2/2)}), plus the JVM's own threads (JIT
     * compilers, garbage collector) as {@code jvm: <name>}: where a contender's CPU goes, without a
     * profiler. Threads that ended during the span are missing.
     */
    private static Map<String, Long> threadCpu(Snapshot from, Snapshot to) {
        Map<String, Long> byName = new TreeMap<>();
        to.threadCpu()
                .forEach(
                        (id, now) -> {
                            long used = now - from.threadCpu().getOrDefault(id, 0L);
                            if (now > 0 && used > 0) {
                                byName.merge(
                                        to.threadNames().get(id).replaceAll("[0-9]+", "N"),
                                        used,
                                        Long::sum);
                            }
                        });
        to.jvmThreadCpu()
                .forEach(
                        (n, cpu) -> {
                            long used = cpu - from.jvmThreadCpu().getOrDefault(n, 0L);
                            if (used > 0) {
                                byName.merge("jvm: " + n, used, Long::sum);
                            }
                        });
        return byName;
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

    /**
     * Stops the clock unless {@link #stop} did, and writes {@code <name>.json} into {@code dir}.
     * Without a {@link #mark} the whole run is the steady span (no warm-up).
     *
     * @param records every input record the contender consumed (warm-up included)
     * @param extra more JSON fields ({@code "a":1,"b":2}) or empty
     */
    void finish(Path dir, long records, String extra) throws IOException {
        stop();
        Snapshot from = mark == null ? start : mark;
        double wall = (stop.nanos() - from.nanos()) / 1e9;
        double cpu =
                (stop.cpuNanos()
                                - from.cpuNanos()
                                - (stop.excludedCpuNanos() - from.excludedCpuNanos()))
                        / 1e9;
        double warmWall = (from.nanos() - start.nanos()) / 1e9;
        double warmCpu =
                (from.cpuNanos()
                                - start.cpuNanos()
                                - (from.excludedCpuNanos() - start.excludedCpuNanos()))
                        / 1e9;
        String json =
                String.format(
                        Locale.ROOT,
                        "{\"name\":\"%s\",\"records\":%d,\"wall_s\":%.3f,\"cpu_s\":%.3f,"
                                + "\"startup_s\":%.3f,\"warmup_records\":%d,\"warmup_wall_s\":%.3f,"
                                + "\"warmup_cpu_s\":%.3f,\"total_records\":%d%s}%n",
                        name,
                        records - markRecords,
                        wall,
                        cpu,
                        startupSeconds,
                        markRecords,
                        warmWall,
                        warmCpu,
                        records,
                        extra.isEmpty() ? "" : "," + extra);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(name + ".json"), json);
        writeThreads(dir.resolve(name + ".threads.tsv"), threadCpu(from, stop));
        writeThreads(dir.resolve(name + ".warmup.threads.tsv"), threadCpu(start, from));
        System.out.print(json);
    }

    private static void writeThreads(Path file, Map<String, Long> threadCpu) throws IOException {
        StringBuilder tsv = new StringBuilder("cpu_s\tthread\n");
        threadCpu.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(
                        e ->
                                tsv.append(String.format(Locale.ROOT, "%.3f", e.getValue() / 1e9))
                                        .append('\t')
                                        .append(e.getKey())
                                        .append('\n'));
        Files.writeString(file, tsv);
    }
}
