package io.ballast.domain;

import io.ballast.avro.BandMode;
import io.ballast.avro.RiskLimits;
import io.ballast.quant.AvellanedaStoikov;
import io.ballast.quant.TimeToExpiry;
import io.ballast.quant.WhalleyWilmott;

/** The decision rules of CONTRACT.md, as plain functions of the book's risk and the limits. */
public final class SignalRules {

    private SignalRules() {
    }

    /**
     * The no-hedge half-band around the delta target: {@code deltaBand} (FIXED), or
     * {@code max(deltaBand, (3/2 · e^{−rτ} · λ · S · Γ² / γ)^{1/3})} (WHALLEY_WILMOTT, λ = hedgeCostBps/10⁴,
     * τ the nearest expiry of the book). Without a reference price the fixed band applies.
     */
    public static double band(RiskLimits limits, BookRisk risk) {
        double fixed = limits.getDeltaBand();
        if (limits.getBandMode() != BandMode.WHALLEY_WILMOTT || Double.isNaN(risk.referencePrice)) {
            return fixed;
        }
        double ww = whalleyWilmottBand(risk.rate, risk.nearestExpiry, limits.getHedgeCostBps() / 1e4,
                risk.referencePrice, risk.gamma, limits.getRiskAversion());
        return Double.isFinite(ww) ? Math.max(fixed, ww) : fixed;
    }

    /**
     * The hedge to signal, in contracts of the hedge instrument (positive: BUY), or 0 when the effective
     * delta {@code netDelta + pendingHedge} is inside the band or the order would be below the minimum.
     */
    public static double hedgeContracts(double effectiveDelta, RiskLimits limits, double band, double deltaPerContract) {
        double deviation = effectiveDelta - limits.getDeltaTarget();
        if (!(Math.abs(deviation) > band)) {
            return 0;
        }
        double contracts = (limits.getDeltaTarget() - effectiveDelta) / deltaPerContract;
        return Math.abs(contracts) >= limits.getMinHedgeQuantity() ? contracts : 0;
    }

    /**
     * A hedge in whole contracts (an inverse hedge instrument): the nearest whole number, half away from zero, so the
     * delta left unhedged is at most half a contract's.
     */
    public static double wholeContracts(double contracts) {
        return Math.signum(contracts) * Math.floor(Math.abs(contracts) + 0.5);
    }

    /** Whether |x| exceeds an optional limit. */
    public static boolean breached(double x, Double limit) {
        return limit != null && Math.abs(x) > limit;
    }

    /**
     * Avellaneda–Stoikov quote skew (CONTRACT.md): inventory q = netDelta − deltaTarget, σ = realizedVol·S,
     * τ = quoteHorizonMs in years. Returns {reservationPrice, bidOffset, askOffset}.
     */
    public static double[] quoteSkew(double netDelta, double s, double realizedVol, RiskLimits limits) {
        double q = netDelta - limits.getDeltaTarget();
        double sigma = realizedVol * s;
        double tau = TimeToExpiry.years(limits.getQuoteHorizonMs());
        double gamma = limits.getRiskAversion();
        double reservation = AvellanedaStoikov.reservationPrice(s, q, gamma, sigma, tau);
        double half = AvellanedaStoikov.halfSpread(gamma, sigma, tau, limits.getFillIntensity());
        return new double[] {reservation, reservation - half - s, reservation + half - s};
    }

    /** Whalley–Wilmott half-band (3/2 · e^{−rτ} · λ · S · Γ² / γ)^{1/3}; NaN where it is undefined. */
    static double whalleyWilmottBand(double rate, double timeToExpiry, double costFraction, double spot,
                                     double gamma, double riskAversion) {
        if (!(spot > 0) || !(riskAversion > 0) || !Double.isFinite(gamma)) {
            return Double.NaN;
        }
        return WhalleyWilmott.band(Math.exp(-rate * timeToExpiry), costFraction, spot, gamma, riskAversion);
    }
}
