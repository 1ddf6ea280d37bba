package io.ballast.domain;

/**
 * How {@link Liquidation} searches for the liquidation moves: over [{@code lowest}, 0] and [0, {@code highest}],
 * scanning outward from 0 in steps of {@code scanStep} (the bound itself is the last point), then bisecting
 * the first step where equity + P&amp;L falls to ≤ 0 until the bracket is at most {@code tolerance} wide.
 *
 * @param lowest the largest fall searched, in (−1, 0), e.g. −0.95
 * @param highest the largest rise searched, &gt; 0, e.g. 3.0
 * @param scanStep the scan step, &gt; 0, e.g. 0.01 (a 1-point move)
 * @param tolerance the width of the final bracket, in (0, scanStep], e.g. 1e-4
 */
public record LiquidationSearch(double lowest, double highest, double scanStep, double tolerance) {

    /** [−0.95, +3.0], steps of 0.01, bracket 1e-4 wide. */
    public static final LiquidationSearch DEFAULT = new LiquidationSearch(-0.95, 3.0, 0.01, 1e-4);

    public LiquidationSearch {
        if (!(lowest > -1 && lowest < 0)) {
            throw new IllegalArgumentException("lowest must be in (-1, 0), was " + lowest);
        }
        Check.positive(highest, "highest");
        Check.positive(scanStep, "scanStep");
        if (!(tolerance > 0 && tolerance <= scanStep)) {
            throw new IllegalArgumentException("tolerance must be in (0, scanStep = " + scanStep + "], was " + tolerance);
        }
    }
}
