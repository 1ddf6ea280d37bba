package io.ballast.domain;

import java.util.Arrays;

/**
 * The axes of a stress grid: relative spot shocks s (every S and every option forward × (1 + s)) and
 * relative vol shocks v (every option vol × (1 + v)), as decimals (−0.30 for −30%). Immutable.
 */
public final class ScenarioAxes {

    /** −30, −20, −10, −5, 0, +5, +10, +20, +30 %. */
    private static final double[] DEFAULT_SPOT_SHOCKS = {-0.30, -0.20, -0.10, -0.05, 0, 0.05, 0.10, 0.20, 0.30};
    /** −30, 0, +50 %. */
    private static final double[] DEFAULT_VOL_SHOCKS = {-0.30, 0, 0.50};

    /** The defaults. */
    public static final ScenarioAxes DEFAULT = of(DEFAULT_SPOT_SHOCKS, DEFAULT_VOL_SHOCKS);

    private final double[] spotShocks;
    private final double[] volShocks;

    private ScenarioAxes(double[] spotShocks, double[] volShocks) {
        this.spotShocks = spotShocks;
        this.volShocks = volShocks;
    }

    /**
     * @param spotShocks non-empty, each finite and &gt; −1, no repeats
     * @param volShocks non-empty, each finite and ≥ −1, no repeats
     */
    public static ScenarioAxes of(double[] spotShocks, double[] volShocks) {
        check(spotShocks, "spotShocks", -1, false);
        check(volShocks, "volShocks", -1, true);
        return new ScenarioAxes(spotShocks.clone(), volShocks.clone());
    }

    private static void check(double[] shocks, String name, double floor, boolean floorAllowed) {
        if (shocks == null || shocks.length == 0) {
            throw new IllegalArgumentException(name + " must not be empty, was " + Arrays.toString(shocks));
        }
        for (int i = 0; i < shocks.length; i++) {
            double x = shocks[i];
            if (!Double.isFinite(x) || x < floor || (!floorAllowed && x == floor)) {
                throw new IllegalArgumentException(name + "[" + i + "] must be finite and "
                        + (floorAllowed ? "≥ " : "> ") + floor + ", was " + x);
            }
            for (int j = 0; j < i; j++) {
                if (shocks[j] == x) {
                    throw new IllegalArgumentException(name + " repeats " + x + " at " + j + " and " + i);
                }
            }
        }
    }

    public int spotCount() {
        return spotShocks.length;
    }

    public int volCount() {
        return volShocks.length;
    }

    public double spotShock(int i) {
        return spotShocks[i];
    }

    public double volShock(int j) {
        return volShocks[j];
    }

    /** A copy. */
    public double[] spotShocks() {
        return spotShocks.clone();
    }

    /** A copy. */
    public double[] volShocks() {
        return volShocks.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ScenarioAxes a && Arrays.equals(spotShocks, a.spotShocks) && Arrays.equals(volShocks, a.volShocks);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(spotShocks) + Arrays.hashCode(volShocks);
    }

    @Override
    public String toString() {
        return "ScenarioAxes{spot=" + Arrays.toString(spotShocks) + ", vol=" + Arrays.toString(volShocks) + '}';
    }
}
