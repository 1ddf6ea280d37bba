package io.ballast.stages;

/** Largest |effective delta − target| / band seen over the last two 10-second windows (a gauge). */
final class BandWatch {

    private static final long WINDOW_MS = 10_000;
    private long windowStart = System.currentTimeMillis();
    private double current;
    private double previous;

    synchronized void observe(double ratio) {
        rotate();
        if (Double.isFinite(ratio)) {
            current = Math.max(current, ratio);
        }
    }

    synchronized double max() {
        rotate();
        return Math.max(current, previous);
    }

    private void rotate() {
        long now = System.currentTimeMillis();
        if (now - windowStart >= WINDOW_MS) {
            previous = now - windowStart >= 2 * WINDOW_MS ? 0 : current;
            current = 0;
            windowStart = now;
        }
    }
}
