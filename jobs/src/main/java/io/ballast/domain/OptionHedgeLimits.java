package io.ballast.domain;

import io.ballast.avro.RiskLimits;

/**
 * The limits the option-hedge rule reads from {@code RiskLimits}: {@code gammaLimit}, {@code vegaLimit},
 * {@code minHedgeQuantity}, {@code hedgeTimeoutMs} and the fields issue 14 added ({@code optionHedge},
 * {@code hedgeToFraction}, {@code hedgeMinDays}, {@code hedgeMaxDays}, {@code hedgeMaxSpreadVolPts}), whose
 * schema defaults are the constants below.
 *
 * @param gammaLimit limit on |dollar gamma| (Γ·S²/100), null: none
 * @param vegaLimit limit on |vega| per vol point, null: none
 * @param hedgeToFraction a hedge brings |dollarGamma| or |vega| back to this fraction of its limit, in (0, 1]
 * @param hedgeMinDays shortest time to expiry of a hedge option, days (ACT/365 on epoch ms, as τ)
 * @param hedgeMaxDays longest time to expiry of a hedge option, days
 * @param hedgeMaxSpreadVolPts widest quoted spread of a hedge option, vol points: (ask − bid)/vega per vol point
 * @param minHedgeQuantity the lot: orders are whole multiples of it, contracts (0: no rounding)
 */
public record OptionHedgeLimits(boolean optionHedge, Double gammaLimit, Double vegaLimit, double hedgeToFraction,
                                double hedgeMinDays, double hedgeMaxDays, double hedgeMaxSpreadVolPts,
                                double minHedgeQuantity, long hedgeTimeoutMs) {

    public static final double DEFAULT_HEDGE_TO_FRACTION = 0.5;
    public static final double DEFAULT_HEDGE_MIN_DAYS = 7;
    public static final double DEFAULT_HEDGE_MAX_DAYS = 120;
    /** Issue 14 names the field but no default; proposed: 2 vol points. */
    public static final double DEFAULT_HEDGE_MAX_SPREAD_VOL_PTS = 2.0;

    public OptionHedgeLimits {
        if (!(hedgeToFraction > 0 && hedgeToFraction <= 1)) {
            throw new IllegalArgumentException("hedgeToFraction must be in (0, 1]: " + hedgeToFraction);
        }
        if (!(hedgeMinDays >= 0 && hedgeMaxDays >= hedgeMinDays) || !Double.isFinite(hedgeMaxDays)) {
            throw new IllegalArgumentException("need 0 <= hedgeMinDays <= hedgeMaxDays, finite: "
                    + hedgeMinDays + ", " + hedgeMaxDays);
        }
        if (!(hedgeMaxSpreadVolPts > 0)) {
            throw new IllegalArgumentException("hedgeMaxSpreadVolPts must be > 0: " + hedgeMaxSpreadVolPts);
        }
        if (!(minHedgeQuantity >= 0) || !Double.isFinite(minHedgeQuantity)) {
            throw new IllegalArgumentException("minHedgeQuantity must be finite and >= 0: " + minHedgeQuantity);
        }
        if (hedgeTimeoutMs <= 0) {
            throw new IllegalArgumentException("hedgeTimeoutMs must be > 0: " + hedgeTimeoutMs);
        }
    }

    /** The limits of a {@code RiskLimits} record (its option-hedge fields have the contract's defaults when unset). */
    public static OptionHedgeLimits of(RiskLimits l) {
        return new OptionHedgeLimits(l.getOptionHedge(), l.getGammaLimit(), l.getVegaLimit(), l.getHedgeToFraction(),
                l.getHedgeMinDays(), l.getHedgeMaxDays(), l.getHedgeMaxSpreadVolPts(), l.getMinHedgeQuantity(),
                l.getHedgeTimeoutMs());
    }

    public OptionHedgeLimits withOptionHedge(boolean on) {
        return new OptionHedgeLimits(on, gammaLimit, vegaLimit, hedgeToFraction, hedgeMinDays, hedgeMaxDays,
                hedgeMaxSpreadVolPts, minHedgeQuantity, hedgeTimeoutMs);
    }

    public OptionHedgeLimits withLimits(Double gamma, Double vega) {
        return new OptionHedgeLimits(optionHedge, gamma, vega, hedgeToFraction, hedgeMinDays, hedgeMaxDays,
                hedgeMaxSpreadVolPts, minHedgeQuantity, hedgeTimeoutMs);
    }

    public OptionHedgeLimits withHedgeToFraction(double f) {
        return new OptionHedgeLimits(optionHedge, gammaLimit, vegaLimit, f, hedgeMinDays, hedgeMaxDays,
                hedgeMaxSpreadVolPts, minHedgeQuantity, hedgeTimeoutMs);
    }

    public OptionHedgeLimits withWindow(double minDays, double maxDays) {
        return new OptionHedgeLimits(optionHedge, gammaLimit, vegaLimit, hedgeToFraction, minDays, maxDays,
                hedgeMaxSpreadVolPts, minHedgeQuantity, hedgeTimeoutMs);
    }

    public OptionHedgeLimits withMaxSpreadVolPts(double volPts) {
        return new OptionHedgeLimits(optionHedge, gammaLimit, vegaLimit, hedgeToFraction, hedgeMinDays, hedgeMaxDays,
                volPts, minHedgeQuantity, hedgeTimeoutMs);
    }

    public OptionHedgeLimits withMinHedgeQuantity(double lot) {
        return new OptionHedgeLimits(optionHedge, gammaLimit, vegaLimit, hedgeToFraction, hedgeMinDays, hedgeMaxDays,
                hedgeMaxSpreadVolPts, lot, hedgeTimeoutMs);
    }
}
