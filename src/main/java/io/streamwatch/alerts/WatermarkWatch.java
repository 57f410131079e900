package io.streamwatch.alerts;

/**
 * When this subtask last saw its watermark move (wall clock): tells a stalled input apart from one
 * that is merely slow, for absence rules' wall-clock check. One per evaluator subtask.
 */
final class WatermarkWatch {
    private long watermarkSeen = Long.MIN_VALUE;
    private long movedAt;

    // The second of the last watermark-watching timer registered by this subtask.
    private long tickRegistered;

    WatermarkWatch(long now) {
        this.movedAt = now;
    }

    void note(long watermark, long now) {
        if (watermark != watermarkSeen) {
            watermarkSeen = watermark;
            movedAt = now;
        }
    }

    /** Wall clock of the last watermark move this subtask noticed. */
    long movedAt() {
        return movedAt;
    }

    /**
     * The instant of the watermark-watching timer after {@code now}: the last millisecond of the
     * second. Why not the second itself: that is where absence rules' own wall-clock timers fall,
     * and a tick must be told apart from them ({@link #isTick}), or it would move a group's timer.
     */
    static long tickAfter(long now) {
        long tick = now / 1000 * 1000 + 999;
        return tick > now ? tick : tick + 1000;
    }

    /** Whether a wall-clock timer at {@code timestamp} is a watermark-watching tick. */
    static boolean isTick(long timestamp) {
        return timestamp % 1000 == 999;
    }

    /**
     * Whether the watermark-watching timer of second {@code tick} is still to be registered: one
     * per second per subtask is enough, whatever the number of groups.
     */
    boolean registerTick(long tick) {
        if (tick == tickRegistered) {
            return false;
        }
        tickRegistered = tick;
        return true;
    }
}
