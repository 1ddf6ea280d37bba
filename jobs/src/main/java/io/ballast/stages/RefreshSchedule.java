package io.ballast.stages;

/**
 * When the inventory stage refreshes a book: one processing-time timer per key, every
 * {@code inventory.refresh-interval}, or longer when a subtask holds more books than
 * {@code inventory.refresh-budget} refreshes per second allow at that interval. Each key has its own
 * phase within the interval (from a hash of the key), so the books of a subtask are refreshed evenly
 * over the interval, not all at once in front of a fill or a checkpoint barrier.
 */
final class RefreshSchedule {

    private RefreshSchedule() {
    }

    /**
     * The next refresh of {@code key}, or {@code Long.MIN_VALUE} when the armed one ({@code armed}) is
     * still ahead of {@code now}.
     */
    static long next(long now, long armed, String key, long interval) {
        if (armed > now) {
            return Long.MIN_VALUE;
        }
        long phase = Math.floorMod(key.hashCode() * 0x9E3779B9L, interval);
        return Math.floorDiv(now - phase, interval) * interval + phase + interval;
    }

    /** {@code base}, or the whole multiple of it that keeps {@code books} refreshes within {@code budget} per second. */
    static long interval(long base, int budget, int books) {
        long needed = (books * 1000L + budget - 1) / budget;
        return needed <= base ? base : (needed + base - 1) / base * base;
    }
}
