package io.streamwatch.alerts;

import io.streamwatch.records.GroupKey;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.function.LongSupplier;
import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.api.common.state.MapState;

/**
 * The rule evaluator's alert state ({@code MapState<String, AlertState>} per evaluation key, keyed
 * by rule name and sub key) with a bounded heap copy of recently used entries in front of it.
 *
 * <p>Why: with RocksDB every look-up was a native read plus a POJO deserialization, and most
 * aggregates read an entry that this subtask itself wrote moments before (the absence clock of the
 * group, which each metric name of the window reads again; the anomaly baseline of the last window)
 * or found none (a threshold rule whose condition is false). Reads were a third of the evaluator's
 * CPU.
 *
 * <p>Why it is exact: every write still goes to the keyed state at once (write-through), so the
 * keyed state, its checkpoints, restore and rescale are as before; the copy is transient and starts
 * empty after a restore. An entry of the copy answers only what a read of the keyed state would
 * answer now: it is what this subtask wrote or removed last for that key (nothing else writes the
 * state; a rule change rewrites it in bulk and calls {@link #clear}), and a present value is
 * answered only while the state's TTL (counted from a time taken just before the write; Flink's TTL
 * counts from the write itself, which is later) cannot have expired it; reads do not refresh the
 * TTL. A value read from the keyed state has an unknown write time and is not kept until it is
 * written again. Callers must not change an object they got and then leave it unwritten; where an
 * evaluation fails half-way, {@link #clear} drops whatever it may have touched.
 */
final class AlertStore {
    /**
     * Slots of the copy, in pairs (two-way set-associative: with one slot per set, about one entry
     * in twenty collided with another of the same subtask at a thousand groups, and the two missed
     * every window): a few MB at most, whatever the number of keys.
     */
    private static final int SLOTS = 1 << 15;

    private final MapState<String, AlertState> state;

    /** The state TTL in ms, or 0 for none. */
    private final long ttl;

    private final Slot[] slots = new Slot[SLOTS];

    /** Wall clock in ms, for the TTL. */
    private final LongSupplier clock;

    private static final class Slot {
        String key;
        String rule;
        String sub;

        /** Null: the keyed state has no entry. */
        AlertState value;

        /** Wall clock just before the write, for the TTL. */
        long writtenAt;

        /** When it was last written or read, in {@link #uses}: the older of a set goes first. */
        long used;
    }

    /** Writes and reads of the copy so far: the clock of {@link Slot#used}. */
    private long uses;

    AlertStore(MapState<String, AlertState> state, Duration ttl) {
        this(state, ttl, System::currentTimeMillis);
    }

    /** With a clock of the test's own, so the TTL can pass without waiting. */
    @VisibleForTesting
    AlertStore(MapState<String, AlertState> state, Duration ttl, LongSupplier clock) {
        this.clock = clock;
        this.state = state;
        this.ttl = ttl == null || ttl.isZero() ? 0 : ttl.toMillis();
    }

    /** The entry of {@code rule} and {@code sub} under the current key {@code key}, or null. */
    AlertState get(String key, String rule, String sub) throws Exception {
        int i = slot(key, rule, sub);
        Slot s = slots[i];
        if (!holds(s, key, rule, sub)) {
            s = slots[i ^ 1];
        }
        if (holds(s, key, rule, sub)) {
            if (s.value == null || ttl == 0 || clock.getAsLong() - s.writtenAt < ttl) {
                s.used = ++uses;
                return s.value;
            }
        }
        AlertState v = state.get(stateKey(rule, sub));
        if (v == null) {
            // Absent stays absent until this subtask writes it: safe to remember.
            remember(key, rule, sub, null, 0);
        }
        return v;
    }

    void put(String key, String rule, String sub, AlertState value) throws Exception {
        long now = ttl == 0 ? 0 : clock.getAsLong();
        state.put(stateKey(rule, sub), value);
        remember(key, rule, sub, value, now);
    }

    void remove(String key, String rule, String sub) throws Exception {
        state.remove(stateKey(rule, sub));
        remember(key, rule, sub, null, 0);
    }

    /** All entries of the current key, straight from the keyed state. */
    Iterable<Map.Entry<String, AlertState>> entries() throws Exception {
        return state.entries();
    }

    /** Forgets the copy: after a bulk change of the keyed state, or a failed evaluation. */
    void clear() {
        Arrays.fill(slots, null);
    }

    private static boolean holds(Slot s, String key, String rule, String sub) {
        return s != null && s.key.equals(key) && s.rule.equals(rule) && s.sub.equals(sub);
    }

    private void remember(String key, String rule, String sub, AlertState value, long now) {
        int i = slot(key, rule, sub);
        Slot s = slots[i];
        if (!holds(s, key, rule, sub)) {
            Slot other = slots[i ^ 1];
            if (holds(other, key, rule, sub)) {
                s = other;
            } else if (s == null) {
                s = slots[i] = new Slot();
            } else if (other == null) {
                s = slots[i ^ 1] = new Slot();
            } else {
                // Both taken by others: the one used longer ago is forgotten (its object reused).
                // (Moving the resident to the partner slot instead forgot the partner, whichever
                // was newer, and a free slot pushed out its occupied partner.)
                s = s.used <= other.used ? s : other;
            }
        }
        s.key = key;
        s.rule = rule;
        s.sub = sub;
        s.value = value;
        s.writtenAt = now;
        s.used = ++uses;
    }

    static int slot(String key, String rule, String sub) {
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
        return h & (SLOTS - 1);
    }

    /** The key of an entry in the keyed map: rule name, separator, sub key. */
    static String stateKey(String rule, String sub) {
        return rule + GroupKey.SEPARATOR + sub;
    }
}
