package io.ballast.domain;

import io.ballast.quant.Black76;
import io.ballast.quant.Greeks;
import io.ballast.quant.ImpliedVol;
import io.ballast.quant.TimeToExpiry;

/**
 * Quotes to prices, implied vols and greeks as CONTRACT.md defines them ("Conventions every number
 * follows"), with the argument hygiene of input data: a quote can carry any finite number, and what
 * admits no answer is NaN, never a silent number. The job and the chain tool both price through here.
 */
public final class Pricing {

    private Pricing() {
    }

    /** (bid + ask) / 2 when 0 < bid ≤ ask and both are finite, else NaN. */
    public static double mid(double bid, double ask) {
        return bid > 0 && bid <= ask && Double.isFinite(ask) ? (bid + ask) / 2 : Double.NaN;
    }

    /** τ in years (ACT/365) from {@code asOf} to {@code expiry}, epoch milliseconds. */
    public static double timeToExpiry(long expiryMillis, long asOfMillis) {
        return TimeToExpiry.years(expiryMillis, asOfMillis);
    }

    /**
     * The implied vol of a discounted price per unit of underlying; NaN when the price is outside the
     * no-arbitrage bounds or an input is out of domain.
     */
    public static double impliedVol(boolean call, double price, double forward, double strike, double timeToExpiry,
                                    double discountFactor) {
        if (!(price > 0) || !(forward > 0) || !(strike > 0) || !(timeToExpiry > 0) || !(discountFactor > 0)
                || !Double.isFinite(price) || !Double.isFinite(forward) || !Double.isFinite(strike)) {
            return Double.NaN;
        }
        double v = ImpliedVol.solve(call, price, forward, strike, timeToExpiry, discountFactor);
        return ImpliedVol.isValid(v) ? v : Double.NaN;
    }

    /** The implied vol of a price per unit of underlying quoted at {@code asOf}, at rate {@code rate}; NaN when none. */
    public static double impliedVol(boolean call, double pricePerUnit, double forward, double strike, long expiry,
                                    long asOf, double rate) {
        double tau = timeToExpiry(expiry, asOf);
        if (!(tau > 0)) {
            return Double.NaN;
        }
        return impliedVol(call, pricePerUnit, forward, strike, tau, Math.exp(-rate * tau));
    }

    /** Price and greeks per unit of underlying (Black-76); see {@link Greeks} for units. */
    public static void greeks(boolean call, double forward, double strike, double timeToExpiry, double vol,
                              double discountFactor, Greeks out) {
        Black76.greeks(call, forward, strike, timeToExpiry, vol, discountFactor, out);
    }
}
