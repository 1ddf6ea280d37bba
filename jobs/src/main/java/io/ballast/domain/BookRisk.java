package io.ballast.domain;

/**
 * The greeks of one provider's book in one underlying at one instant, summed over positions:
 * each position's per-contract greeks times signed quantity times multiplier (CONTRACT.md).
 * Mutable and reused by the operator: no allocation per evaluation.
 */
public final class BookRisk {

    /** S; NaN when the underlying has no reference price yet. */
    public double referencePrice;
    public double netDelta;
    public double gamma;
    public double vega;
    public double theta;
    public double markValue;
    public int positions;
    public int unpricedPositions;
    /** Time to the nearest expiry among priced option positions, years; 0 when none. */
    public double nearestExpiry;
    public double rate;

    void reset() {
        referencePrice = Double.NaN;
        netDelta = 0;
        gamma = 0;
        vega = 0;
        theta = 0;
        markValue = 0;
        positions = 0;
        unpricedPositions = 0;
        nearestExpiry = 0;
        rate = 0;
    }

    /** gamma · S² / 100: P&L of a 1% move from gamma. */
    public double dollarGamma() {
        return gamma * referencePrice * referencePrice / 100.0;
    }

    public double deltaNotional() {
        return netDelta * referencePrice;
    }
}
