package io.streamwatch.operators;

import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.annotation.VisibleForTesting;

/**
 * How many window accumulators the {@link WindowAggregateOperator}s of one job may keep on the heap
 * of one TaskManager, together: a pool they draw from in chunks and give back to.
 *
 * <p>Why a pool: a TaskManager runs several window subtasks (every pipeline, every slot), and their
 * needs differ by orders of magnitude: the log pipeline holds a hundred services, the metric
 * pipeline a million keys. A fixed bound per subtask had to assume each may fill its share at once,
 * so a busy subtask spilled to RocksDB while the heap held room set aside for an idle one. With one
 * pool, the bound on the heap the accumulators take as a whole is the same, and a subtask that
 * needs more takes what the others do not use.
 *
 * <p>The pool is per class loader, that is per job and TaskManager (Flink loads a job's classes in
 * a class loader of its own). Subtasks take and give in chunks, so the shared counter is touched
 * about once per thousand new keys, not per record.
 */
final class HeapEntryBudget {
    /** Entries taken from the pool or given back at once. */
    static final int CHUNK = 1024;

    /**
     * Heap bytes per accumulator the pool assumes: a metric key's entry (sketch with a few samples,
     * key, map entry) measured 0.9 KB with one sample and 2.2 KB with a hundred; four times one KB
     * leaves the other three quarters of the heap to everything else.
     */
    static final long BYTES_PER_ENTRY = 4 * 1024;

    /** Entries every subtask may hold whatever the pool has left, so none starves. */
    static final int GUARANTEED = 10_000;

    private static final HeapEntryBudget SHARED =
            new HeapEntryBudget(Runtime.getRuntime().maxMemory() / BYTES_PER_ENTRY);

    private final AtomicLong free;

    @VisibleForTesting
    HeapEntryBudget(long entries) {
        this.free = new AtomicLong(entries);
    }

    /** The pool of this job in this JVM. */
    static HeapEntryBudget shared() {
        return SHARED;
    }

    /** Takes {@code n} entries from the pool; false, taking nothing, if it has fewer left. */
    boolean take(int n) {
        long left = free.get();
        while (left >= n) {
            if (free.compareAndSet(left, left - n)) {
                return true;
            }
            left = free.get();
        }
        return false;
    }

    /** Gives {@code n} entries back. */
    void give(long n) {
        free.addAndGet(n);
    }

    @VisibleForTesting
    long free() {
        return free.get();
    }
}
