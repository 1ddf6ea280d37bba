package io.ballast.domain;

import io.ballast.quant.Black76;

/**
 * One priced option position as the portfolio revalues it: European, Black-76 on its own forward at its
 * own vol (CONTRACT.md). A position the book could not price (no forward, no vol) is not one of these:
 * it counts in {@code unpricedPositions} and is left out of every revaluation.
 *
 * @param call true for a call, false for a put
 * @param strike K, USD per unit of underlying, finite and &gt; 0
 * @param timeToExpiry τ, years (ACT/365), finite and ≥ 0 (0: expired, worth its intrinsic value)
 * @param quantity contracts, signed, finite
 * @param multiplier units of underlying per contract, finite and &gt; 0
 * @param forward F, USD per unit of underlying, finite and &gt; 0
 * @param vol σ, decimal (0.5 for 50%), finite and ≥ 0
 */
public record OptionPosition(boolean call, double strike, double timeToExpiry, double quantity, double multiplier,
                             double forward, double vol) {

    public OptionPosition {
        Check.positive(strike, "strike");
        Check.nonNegative(timeToExpiry, "timeToExpiry");
        Check.finite(quantity, "quantity");
        Check.positive(multiplier, "multiplier");
        Check.positive(forward, "forward");
        Check.nonNegative(vol, "vol");
    }

    /** Signed units of underlying: quantity · multiplier. */
    public double units() {
        return quantity * multiplier;
    }

    /**
     * The position's value in USD with its forward × (1 + spotShock) and its vol × (1 + volShock), same τ:
     * units · Black76(F·(1+s), K, τ, σ·(1+v), e^{−rτ}).
     *
     * @param rate r, continuously compounded per year
     */
    public double value(double spotShock, double volShock, double rate) {
        return units() * Black76.price(call, forward * (1 + spotShock), strike, timeToExpiry, vol * (1 + volShock),
                Math.exp(-rate * timeToExpiry));
    }
}
