package io.ballast.sandbox.report;

import java.util.Arrays;

/**
 * Thins a long series for a chart without hiding its spikes: the points are cut into buckets of equal
 * count, and each bucket keeps its first, lowest, highest and last point.
 */
final class Downsample {

    private Downsample() {
    }

    /** Indices (ascending) of at most about {@code max} points of {@code values} to draw. */
    static int[] indices(double[] values, int max) {
        int n = values.length;
        if (n <= max || max < 8) {
            int[] all = new int[n];
            Arrays.setAll(all, i -> i);
            return all;
        }
        int buckets = max / 4;
        int[] picked = new int[buckets * 4];
        int count = 0;
        for (int b = 0; b < buckets; b++) {
            int from = (int) ((long) b * n / buckets);
            int to = (int) ((long) (b + 1) * n / buckets);
            int lo = from;
            int hi = from;
            for (int i = from; i < to; i++) {
                if (values[i] < values[lo]) {
                    lo = i;
                }
                if (values[i] > values[hi]) {
                    hi = i;
                }
            }
            int[] four = {from, Math.min(lo, hi), Math.max(lo, hi), to - 1};
            for (int i : four) {
                if (count == 0 || picked[count - 1] < i) {
                    picked[count++] = i;
                }
            }
        }
        return Arrays.copyOf(picked, count);
    }
}
