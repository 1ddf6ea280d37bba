package io.ballast.sandbox.market;

import java.util.random.RandomGenerator;

/**
 * The implied-vol surface of one underlying: per expiry a raw SVI slice whose ATM level, skew, curvature
 * and centre follow slowly mean-reverting factors (half-lives of tens of seconds of wall time, so a
 * person watching sees the smile move).
 *
 * <p>Scalings per expiry tau: b = 0.32 atmVol sqrt(tau) e^curvature, so that the ATM skew dvol/dk falls
 * like 1/sqrt(tau) as in listed markets; sigma = 0.3 sqrt(tau); m = shift sqrt(tau); a solved so that
 * the ATM vol is the term structure's.
 */
final class SmileModel {

    private final double baseVol;
    private final double baseRho;
    private final MeanReverting level = new MeanReverting(0, 40, 0.06);
    private final MeanReverting skew = new MeanReverting(0, 30, 0.10);
    private final MeanReverting curvature = new MeanReverting(0, 30, 0.15);
    private final MeanReverting shift = new MeanReverting(0, 30, 0.05);

    SmileModel(double baseVol, double baseRho) {
        this.baseVol = baseVol;
        this.baseRho = baseRho;
    }

    void step(double dtSeconds, RandomGenerator random) {
        level.step(dtSeconds, random);
        skew.step(dtSeconds, random);
        curvature.step(dtSeconds, random);
        shift.step(dtSeconds, random);
    }

    /** ATM vol of the expiry: a gently upward term structure, scaled by the level factor. */
    double atmVol(double timeToExpiry) {
        double term = 1 + 0.08 * Math.log(Math.max(timeToExpiry, 1.0 / 365) / 0.1);
        return baseVol * Math.exp(level.value()) * Math.max(term, 0.7);
    }

    Svi slice(double timeToExpiry) {
        double atm = atmVol(timeToExpiry);
        double rootTau = Math.sqrt(timeToExpiry);
        double rho = Math.max(-0.9, Math.min(0.9, baseRho + skew.value()));
        double b = 0.32 * atm * rootTau * Math.exp(curvature.value());
        return Svi.withAtmVol(atm, timeToExpiry, b, rho, shift.value() * rootTau, 0.3 * rootTau);
    }
}
