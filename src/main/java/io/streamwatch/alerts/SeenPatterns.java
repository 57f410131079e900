package io.streamwatch.alerts;

import io.streamwatch.records.GroupKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.streaming.api.TimerService;

/**
 * The error patterns each new-pattern rule has seen for a group, and their forgetting in event time
 * (keyed state {@code seen-patterns}: {@code rule SEP pattern id} to the end of the newest window
 * that had it). One forgetting timer per group at a time, for all its new-pattern rules: it forgets
 * what is due, and arms itself for what is due next.
 */
final class SeenPatterns {
    private static final char SEP = GroupKey.SEPARATOR;

    /**
     * The key, in a group's seen patterns, of the instant of its forgetting timer (pattern keys are
     * {@code rule SEP pattern id}, never empty).
     */
    private static final String FORGET_AT = "";

    private final MapState<String, Long> seen;

    SeenPatterns(MapState<String, Long> seen) {
        this.seen = seen;
    }

    /** The end of the newest window in which {@code rule} saw the pattern, or null. */
    Long lastSeen(String seenKey) throws Exception {
        return seen.get(seenKey);
    }

    void put(String seenKey, long windowEnd) throws Exception {
        seen.put(seenKey, windowEnd);
    }

    /**
     * Makes sure the group's forgetting timer comes at {@code at} or before. One timer per group at
     * a time: it forgets what is due, and arms itself for what is due next.
     */
    void armForgetting(long at, TimerService timers) throws Exception {
        Long armed = seen.get(FORGET_AT);
        if (armed == null || at < armed) {
            seen.put(FORGET_AT, at);
            timers.registerEventTimeTimer(at);
        }
    }

    /**
     * On an event-time timer of the group: forgets the patterns whose rule's retention has passed
     * (and those of rules that are gone, or no longer new-pattern rules), and arms the timer for
     * the next. Other timers of the group (absence rules) find nothing due and read one entry.
     *
     * @param rules the active rules of the group's pipeline
     */
    void forgetDue(long timestamp, List<RuleKindEvaluator> rules, TimerService timers)
            throws Exception {
        Long armed = seen.get(FORGET_AT);
        if (armed == null || timestamp < armed) {
            return;
        }
        Map<String, Long> after = new HashMap<>();
        for (RuleKindEvaluator r : rules) {
            if (r instanceof NewPatternRule n) {
                after.put(n.rule().name(), n.forgetAfter());
            }
        }
        List<String> forget = new ArrayList<>();
        long next = Long.MAX_VALUE;
        for (Map.Entry<String, Long> e : seen.entries()) {
            String k = e.getKey();
            int at = k.indexOf(SEP);
            if (at < 0) {
                continue;
            }
            Long keep = after.get(k.substring(0, at));
            if (keep == null || e.getValue() + keep <= timestamp) {
                forget.add(k);
            } else {
                next = Math.min(next, e.getValue() + keep);
            }
        }
        for (String k : forget) {
            seen.remove(k);
        }
        if (next == Long.MAX_VALUE) {
            seen.remove(FORGET_AT);
        } else {
            seen.put(FORGET_AT, next);
            timers.registerEventTimeTimer(next);
        }
    }
}
