package io.streamwatch.alerts;

import io.streamwatch.records.GroupKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.api.common.state.MapState;

/**
 * The rule evaluator's alert state ({@code MapState<String, AlertState>} per evaluation key, keyed
 * by rule name and sub key) with a bounded heap copy of recently used entries in front of it.
 *
 * <p>Why: with RocksDB every look-up was a native read plus a POJO deserialization, and every write
 * a serialization plus a native write. Most aggregates read an entry this subtask wrote moments
 * before (the absence clock of the group, which each metric name of the window reads again; the
 * anomaly baseline of the last window) or find none (a threshold rule whose condition is false),
 * and write it again a window later.
 *
 * <p><b>Write-back.</b> Once {@link #writeBack} gave it the operator's key context (Flink's, not
 * the evaluator's {@link KeyContext}), a write stays on the heap (the entry is <i>dirty</i>) and
 * reaches the keyed state when the entry leaves the copy (another entry takes its slot), before the
 * operator's state is snapshotted ({@link #flush}, from the evaluator's {@code snapshotState}), and
 * before anything reads the keyed state behind the copy ({@link #entries}, {@link #clear}). So
 * every checkpoint and savepoint holds every write made before its barrier, and restore and rescale
 * see the keyed state as before. An entry written every window is written to the state about once
 * per checkpoint, not once per window: the same when windows are as long as the checkpoint
 * interval, far fewer when they are shorter or the job catches up on a backlog. An alert sent
 * before its state reached the keyed state is in the same checkpoint as that state: with
 * exactly-once both are committed together or not at all, as before. Without the key context
 * (write-through) every write goes to the keyed state at once.
 *
 * <p>Why the copy is exact: an entry of the copy answers only what a read of the keyed state would
 * answer were every dirty entry written: it is what this subtask wrote or removed last for that key
 * (nothing else writes the state; a rule change rewrites it in bulk after {@link #clear}), and a
 * present value is answered only while the state's TTL (counted from a time taken just before the
 * write) cannot have expired it. A dirty entry whose TTL has passed is expired as Flink's TTL
 * would: removed. (Flink's TTL counts from the write to the keyed state, which comes later under
 * write-back, by at most a checkpoint interval: an entry may outlive its TTL by that much.) A value
 * read from the keyed state has an unknown write time and is not kept until it is written again.
 * The copy hands out and keeps copies of the values ({@link AlertState#copy}), so a rule that
 * changes an entry and then fails before writing it leaves the copy as it was.
 */
final class AlertStore {
    /** Slots of the smallest copy: a few MB at most, whatever the number of keys. */
    static final int MIN_SLOTS = 1 << 15;

    /**
     * Slots per set: an entry may take any slot of its set, and the one used longest ago leaves
     * first. Why sixteen: entries come back in the same order every window, so a set holding more
     * than it has slots misses on all of them, every window. With one slot per set, about one entry
     * in twenty collided with another at a thousand groups; with two, a million keys (100,000
     * entries in 262,144 slots) still read 18% of their entries from the state every window; with
     * eight, 1.3%. But the benchmark's million keys make 300,000 entries per subtask (an absence
     * clock and an anomaly model per group, and the threshold rule's "none" per group): in 524,288
     * slots, about 9% of them are in sets of eight holding more than eight (a Poisson estimate;
     * {@code AlertStoreTest} checks the bound), and are read from RocksDB every window. With
     * sixteen, 2.5%. A set's hashes are side by side in {@link #hashes}, a cache line or two, so a
     * look-up reads the one slot whose hash matches rather than every slot of the set.
     */
    static final int WAYS = 16;

    /** Slots of the largest copy. */
    static final int MAX_SLOTS = 1 << 20;

    /**
     * Heap bytes a slot in use is assumed to take: the slot, and the copy of an {@link AlertState}
     * (about 150 B for an absence clock, more with an anomaly model or an alert's texts).
     */
    static final int SLOT_BYTES = 256;

    /**
     * The copy of each evaluator subtask may take this share of the heap, an eighth, once its slots
     * are all in use: they are only as many as the subtask's keys and rules make.
     */
    static final int SHARE_OF_HEAP = 8;

    private final MapState<String, AlertState> state;

    /** The state TTL in ms, or 0 for none. */
    private final long ttl;

    private final Slot[] slots;

    /** The hash of each slot's entry (0 for an empty slot): a set's side by side. */
    private final int[] hashes;

    /** When each slot was last written or read, in {@link #uses}: the older of a set goes first. */
    private final long[] used;

    /** {@code slots.length / WAYS}. */
    private final int sets;

    /** Wall clock in ms, for the TTL. */
    private final LongSupplier clock;

    /** The operator's key context, to write entries of other keys; null: write-through. */
    private org.apache.flink.streaming.api.operators.KeyContext keys;

    /** Slots that became dirty since the last flush (some may be clean again, or listed twice). */
    private final List<Slot> dirty = new ArrayList<>();

    private static final class Slot {
        String key;
        String rule;
        String sub;

        /** Null: the keyed state has no entry (or will have none, once written). */
        AlertState value;

        /** Wall clock just before the write, for the TTL. */
        long writtenAt;

        /** Written here and not yet to the keyed state. */
        boolean dirty;
    }

    /** Writes and reads of the copy so far: the clock of {@link #used}. */
    private long uses;

    /** The smallest copy ({@link #MIN_SLOTS}), whose sets {@link #set} computes. */
    @VisibleForTesting
    AlertStore(MapState<String, AlertState> state, Duration ttl) {
        this(state, ttl, MIN_SLOTS, System::currentTimeMillis);
    }

    /** A copy of {@code slots} slots, a multiple of {@link #WAYS} (see {@link #slotsForHeap}). */
    AlertStore(MapState<String, AlertState> state, Duration ttl, int slots) {
        this(state, ttl, slots, System::currentTimeMillis);
    }

    /** With a clock of the test's own, so the TTL can pass without waiting. */
    @VisibleForTesting
    AlertStore(MapState<String, AlertState> state, Duration ttl, LongSupplier clock) {
        this(state, ttl, MIN_SLOTS, clock);
    }

    private AlertStore(
            MapState<String, AlertState> state, Duration ttl, int slots, LongSupplier clock) {
        if (slots % WAYS != 0 || slots < WAYS) {
            throw new IllegalArgumentException(
                    "slots must be a multiple of " + WAYS + ": " + slots);
        }
        this.clock = clock;
        this.state = state;
        this.ttl = ttl == null || ttl.isZero() ? 0 : ttl.toMillis();
        this.slots = new Slot[slots];
        this.hashes = new int[slots];
        this.used = new long[slots];
        this.sets = slots / WAYS;
    }

    /**
     * Slots for a heap of {@code maxHeap} bytes: the most whose entries fit in a {@link
     * #SHARE_OF_HEAP}th of it, between {@link #MIN_SLOTS} and {@link #MAX_SLOTS}, a whole number of
     * sets. Why scale: each entry the copy cannot hold is read from RocksDB every window (a million
     * keys: 300,000 entries per subtask, and the smallest copy's misses were 15% of the job's CPU),
     * while a small TaskManager must not give its heap to the copy. The arrays are allocated at
     * once (16 bytes a slot); slots take their {@link #SLOT_BYTES} only when used.
     */
    static int slotsForHeap(long maxHeap) {
        long fit = maxHeap / SHARE_OF_HEAP / SLOT_BYTES;
        if (fit <= MIN_SLOTS) {
            return MIN_SLOTS;
        }
        return (int) (Math.min(MAX_SLOTS, fit) / WAYS * WAYS);
    }

    /**
     * From now on, writes stay on the heap until {@link #flush}; {@code keys} (the operator) sets
     * the key of an entry written out of turn.
     */
    void writeBack(org.apache.flink.streaming.api.operators.KeyContext keys) {
        this.keys = keys;
    }

    /** The entry of {@code rule} and {@code sub} under the current key {@code key}, or null. */
    AlertState get(String key, String rule, String sub) throws Exception {
        int h = hash(key, rule, sub);
        int at = find(h, key, rule, sub);
        if (at >= 0) {
            Slot s = slots[at];
            if (s.value == null || ttl == 0 || clock.getAsLong() - s.writtenAt < ttl) {
                used[at] = ++uses;
                return s.value == null ? null : s.value.copy();
            }
            if (s.dirty) {
                // Expired before it reached the state: gone, and so is what the state holds.
                s.dirty = false;
                s.value = null;
                state.remove(stateKey(rule, sub));
                return null;
            }
        }
        AlertState v = state.get(stateKey(rule, sub));
        if (v == null) {
            // Absent stays absent until this subtask writes it: safe to remember.
            remember(h, key, rule, sub, null, 0, false);
            return null;
        }
        // The heap backend's own object: a rule that changed it and failed would change the state.
        return v.copy();
    }

    void put(String key, String rule, String sub, AlertState value) throws Exception {
        long now = ttl == 0 ? 0 : clock.getAsLong();
        if (keys == null) {
            state.put(stateKey(rule, sub), value);
        }
        remember(hash(key, rule, sub), key, rule, sub, value.copy(), now, keys != null);
    }

    void remove(String key, String rule, String sub) throws Exception {
        if (keys == null) {
            state.remove(stateKey(rule, sub));
        }
        remember(hash(key, rule, sub), key, rule, sub, null, 0, keys != null);
    }

    /** All entries of the current key, from the keyed state once the key's writes are in it. */
    Iterable<Map.Entry<String, AlertState>> entries() throws Exception {
        if (!dirty.isEmpty()) {
            Object current = keys.getCurrentKey();
            for (Slot s : dirty) {
                if (s.dirty && s.key.equals(current)) {
                    write(s);
                }
            }
        }
        return state.entries();
    }

    /** Writes every dirty entry to the keyed state: before a snapshot of it. */
    void flush() throws Exception {
        for (int i = 0; i < dirty.size(); i++) {
            Slot s = dirty.get(i);
            if (s.dirty) {
                write(s);
            }
        }
        dirty.clear();
    }

    /** Writes what it holds and forgets it: before a bulk change of the keyed state. */
    void clear() throws Exception {
        flush();
        Arrays.fill(slots, null);
        Arrays.fill(hashes, 0);
    }

    /** The index of the slot holding the entry, or -1. */
    private int find(int h, String key, String rule, String sub) {
        int first = first(h);
        for (int i = first; i < first + WAYS; i++) {
            // The reference and the hash, not the slot: only a slot whose hash matches is read.
            Slot s = slots[i];
            if (s == null) {
                // Slots of a set are taken in order and never freed: none further on.
                return -1;
            }
            if (hashes[i] == h && s.key.equals(key) && s.rule.equals(rule) && s.sub.equals(sub)) {
                return i;
            }
        }
        return -1;
    }

    /** The first slot of the set of hash {@code h}. */
    private int first(int h) {
        // The high bits of h times the number of sets: any number of sets, not a power of two.
        return (int) (((h & 0xFFFFFFFFL) * sets) >>> 32) * WAYS;
    }

    private void remember(
            int h, String key, String rule, String sub, AlertState value, long now, boolean written)
            throws Exception {
        int at = find(h, key, rule, sub);
        if (at < 0) {
            int first = first(h);
            for (int i = first; i < first + WAYS; i++) {
                if (slots[i] == null) {
                    slots[i] = new Slot();
                    at = i;
                    break;
                }
                if (at < 0 || used[i] < used[at]) {
                    at = i;
                }
            }
            if (slots[at].dirty) {
                // All taken by others: the one used longest ago is forgotten (its object reused),
                // once its write is in the state.
                write(slots[at]);
            }
            hashes[at] = h;
        }
        Slot s = slots[at];
        s.key = key;
        s.rule = rule;
        s.sub = sub;
        s.value = value;
        s.writtenAt = now;
        used[at] = ++uses;
        if (written && !s.dirty) {
            s.dirty = true;
            dirty.add(s);
            if (dirty.size() > 2 * slots.length) {
                // Without checkpoints nothing flushes: drop the entries written out since.
                dirty.removeIf(d -> !d.dirty);
            }
        }
    }

    /** Writes a dirty entry to the keyed state, under its own key. */
    private void write(Slot s) throws Exception {
        Object current = keys.getCurrentKey();
        boolean other = !s.key.equals(current);
        if (other) {
            keys.setCurrentKey(s.key);
        }
        String k = stateKey(s.rule, s.sub);
        if (s.value == null || (ttl != 0 && clock.getAsLong() - s.writtenAt >= ttl)) {
            state.remove(k);
        } else {
            state.put(k, s.value);
        }
        s.dirty = false;
        if (other && current != null) {
            keys.setCurrentKey(current);
        }
    }

    /** The set of an entry in the smallest copy. */
    @VisibleForTesting
    static int set(String key, String rule, String sub) {
        return (int) (((hash(key, rule, sub) & 0xFFFFFFFFL) * (MIN_SLOTS / WAYS)) >>> 32);
    }

    private static int hash(String key, String rule, String sub) {
        int h = (key.hashCode() * 31 + rule.hashCode()) * 31 + sub.hashCode();
        // MurmurHash3's finalizer: group keys differ in a few trailing characters (host-1,
        // host-2, ...), so their String hashes differ in the low bits only and crowded a few sets
        // (a quarter of the absence entries of the benchmark's 1000 hosts were pushed out and
        // read back from RocksDB each window); mixed, they spread as random hashes would.
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }

    /** The key of an entry in the keyed map: rule name, separator, sub key. */
    static String stateKey(String rule, String sub) {
        return rule + GroupKey.SEPARATOR + sub;
    }
}
