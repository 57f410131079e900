package io.streamwatch.operators;

import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.annotation.VisibleForTesting;

/**
 * How much heap the window accumulators of the {@link WindowAggregateOperator}s of one job may take
 * in one TaskManager, together: a pool of bytes (as each entry's {@link
 * WindowAggregateOperator.Weigher} counts them) that they draw from in chunks and give back to.
 *
 * <p>Why a pool: a TaskManager runs several window subtasks (every pipeline, every slot), and their
 * needs differ by orders of magnitude: the log pipeline holds a hundred services, the metric
 * pipeline a million keys. A fixed bound per subtask had to assume each may fill its share at once,
 * so a busy subtask spilled to RocksDB while the heap held room set aside for an idle one. With one
 * pool, the bound on the heap the accumulators take as a whole is the same, and a subtask that
 * needs more takes what the others do not use.
 *
 * <p>Why bytes rather than entries: a metric key with a few samples takes about 300 bytes, one with
 * a sketch about 2 KB. Counted as entries of an assumed size, the pool either let a million small
 * keys spill (assuming 4 KB each) or could let sketches outgrow the heap.
 *
 * <p>The pool is per class loader, that is per job and TaskManager (Flink loads a job's classes in
 * a class loader of its own). Subtasks take and give in chunks, so the shared counter is touched
 * about once per few hundred new keys, not per record.
 */
final class HeapEntryBudget {
    /** A quarter of the heap: the rest is for everything else the TaskManager keeps there. */
    private static final int SHARE_OF_HEAP = 4;

    /** What each window subtask may hold whatever the pool has left, so none starves: 8 MB. */
    static final long GUARANTEED = 8L << 20;

    private static final HeapEntryBudget SHARED =
            new HeapEntryBudget(Runtime.getRuntime().maxMemory() / SHARE_OF_HEAP, 64 << 10);

    private final AtomicLong free;
    private final long chunk;

    /** A pool of {@code total}, lent in chunks of {@code chunk}. */
    @VisibleForTesting
    HeapEntryBudget(long total, long chunk) {
        this.free = new AtomicLong(total);
        this.chunk = chunk;
    }

    /** The pool of this job in this JVM. */
    static HeapEntryBudget shared() {
        return SHARED;
    }

    /** What {@link #take} takes at once. */
    long chunk() {
        return chunk;
    }

    /** Takes a chunk from the pool; false, taking nothing, if it has less left. */
    boolean take() {
        long left = free.get();
        while (left >= chunk) {
            if (free.compareAndSet(left, left - chunk)) {
                return true;
            }
            left = free.get();
        }
        return false;
    }

    /** Gives {@code n} back. */
    void give(long n) {
        free.addAndGet(n);
    }

    @VisibleForTesting
    long free() {
        return free.get();
    }
}
