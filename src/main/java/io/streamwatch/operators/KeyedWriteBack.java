package io.streamwatch.operators;

import org.apache.flink.streaming.api.operators.KeyContext;

/**
 * A keyed function that keeps some of its keyed state writes on the heap and writes them to the
 * keyed state later (when it snapshots its state, or when its heap copy is full), so it must write
 * entries of other keys than the one being processed. A function sees only the current key; the
 * operator it runs in can set any. {@link InterruptibleBroadcastOperator} hands itself to such a
 * function once it is open.
 */
public interface KeyedWriteBack {
    /**
     * From now on the function may write back; {@code keys} sets and reads the current key. The
     * function restores the current key after writing an entry of another.
     */
    void writeBackThrough(KeyContext keys);
}
