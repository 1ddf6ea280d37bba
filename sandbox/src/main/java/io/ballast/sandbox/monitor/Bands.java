package io.ballast.sandbox.monitor;

import io.ballast.avro.BandMode;
import io.ballast.avro.RiskLimits;

/**
 * The delta band of the contract, recomputed here for display and for the share of time inside it:
 * deltaBand (FIXED), or max(deltaBand, (3/2 e^{-r tau} lambda S Gamma^2 / gamma)^{1/3}) (WHALLEY_WILMOTT,
 * lambda = hedgeCostBps / 10^4, r = 0 in the sandbox).
 */
public final class Bands {

    private Bands() {
    }

    public static double band(RiskLimits limits, double gamma, double referencePrice) {
        double fixed = limits.getDeltaBand();
        if (limits.getBandMode() != BandMode.WHALLEY_WILMOTT || !(referencePrice > 0)
                || !(limits.getRiskAversion() > 0)) {
            return fixed;
        }
        double lambda = limits.getHedgeCostBps() / 10_000;
        double ww = Math.cbrt(1.5 * lambda * referencePrice * gamma * gamma / limits.getRiskAversion());
        return Double.isFinite(ww) ? Math.max(fixed, ww) : fixed;
    }

    public static boolean inside(RiskLimits limits, double netDelta, double band) {
        return Math.abs(netDelta - limits.getDeltaTarget()) <= band * (1 + 1e-9);
    }
}
