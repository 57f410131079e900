package io.streamwatch.bench;

import java.lang.reflect.Method;
import java.nio.file.Path;

/**
 * async-profiler over a contender's steady span, through its Java API ({@code
 * one.profiler.AsyncProfiler}), by reflection so that the build needs no dependency on it. Off
 * unless the JVM has {@code -Dsw.bench.profiler=<libasyncProfiler.so>} and {@code
 * -Dsw.bench.profile.dir=<dir>} (bench/run sets both, with the profiler's jar on the class path);
 * then {@link #start} samples on-CPU stacks of every thread ({@code event=cpu}, every {@code
 * -Dsw.bench.profile.interval}, 10ms of CPU by default) and {@link #stop} writes them as collapsed
 * stacks to {@code <dir>/<name>.collapsed} (one line per distinct stack: frames separated by {@code
 * ;}, then the sample count). {@code -Dsw.bench.profile.event=alloc} samples heap allocations
 * instead (the counts are then bytes allocated, every 512 KiB by default): what the young
 * collections of a CPU profile are paying for.
 */
final class Profiler {
    private static Object profiler;
    private static Method execute;
    private static boolean started;

    /** Counts in bytes rather than samples: allocation profiles sample by size. */
    private static boolean totals;

    private Profiler() {}

    static synchronized void start() {
        String lib = System.getProperty("sw.bench.profiler", "");
        if (lib.isEmpty() || started) {
            return;
        }
        try {
            Class<?> c = Class.forName("one.profiler.AsyncProfiler");
            profiler = c.getMethod("getInstance", String.class).invoke(null, lib);
            execute = c.getMethod("execute", String.class);
            String event = System.getProperty("sw.bench.profile.event", "cpu");
            String interval =
                    System.getProperty(
                            "sw.bench.profile.interval", event.equals("cpu") ? "10ms" : "512k");
            execute.invoke(profiler, "start,event=" + event + ",interval=" + interval);
            totals = !event.equals("cpu");
            started = true;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            System.err.println("async-profiler not started: " + e);
        }
    }

    static synchronized void stop(String name) {
        if (!started) {
            return;
        }
        started = false;
        Path file = Path.of(System.getProperty("sw.bench.profile.dir", "."), name + ".collapsed");
        try {
            execute.invoke(
                    profiler,
                    "stop,collapsed" + (totals ? ",total" : "") + ",file=" + file.toAbsolutePath());
        } catch (ReflectiveOperationException | RuntimeException e) {
            System.err.println("async-profiler not stopped: " + e);
        }
    }
}
