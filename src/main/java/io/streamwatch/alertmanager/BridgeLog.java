package io.streamwatch.alertmanager;

import java.io.PrintWriter;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * The bridge's own lines: what it sent, and every delivery that failed with when it is retried.
 * Printed rather than logged, like the other tools: they are the bridge's output, and must show
 * whatever logging configuration the JVM has. Safe to use from every thread.
 */
public final class BridgeLog {
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

    private final PrintWriter out;
    private final PrintWriter err;

    public BridgeLog(PrintWriter out, PrintWriter err) {
        this.out = out;
        this.err = err;
    }

    public void info(String message) {
        synchronized (out) {
            out.println(stamp() + message);
            out.flush();
        }
    }

    public void warn(String message) {
        synchronized (err) {
            err.println(stamp() + "WARNING: " + message);
            err.flush();
        }
    }

    private static String stamp() {
        return LocalTime.now(ZoneId.systemDefault()).format(CLOCK) + " alertmanager: ";
    }
}
