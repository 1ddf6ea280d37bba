package io.ballast.domain;

import io.ballast.avro.internal.SmileParams;
import io.ballast.quant.Smile;
import io.ballast.quant.SmileFitter;
import io.ballast.quant.SviParameters;

/** A fitted smile as the state and network record {@link SmileParams}, and back. */
public final class SmileRecords {

    private SmileRecords() {
    }

    /** The record of a smile of {@code expiry} fitted as of {@code asOf}. */
    public static SmileParams of(long expiry, double forward, double timeToExpiry, Smile smile, long asOf) {
        SviParameters svi = smile.isSvi() ? smile.svi() : null;
        return SmileParams.newBuilder()
                .setExpiry(expiry)
                .setForward(forward)
                .setTimeToExpiry(timeToExpiry)
                .setSvi(svi != null)
                .setA(svi != null ? svi.a() : smile.linearIntercept())
                .setB(svi != null ? svi.b() : smile.linearSlope())
                .setRho(svi != null ? svi.rho() : 0)
                .setM(svi != null ? svi.m() : 0)
                .setSigma(svi != null ? svi.sigma() : 0)
                .setMinStrike(smile.minStrike())
                .setMaxStrike(smile.maxStrike())
                .setPoints(smile.points())
                .setRmse(smile.rmse())
                .setAsOf(asOf)
                .build();
    }

    /** The previous SVI fit as a starting point, or null when there is none that is usable. */
    public static SmileFitter.WarmStart warmStart(SmileParams p) {
        if (p == null || !p.getSvi() || !(p.getRmse() >= 0) || !Double.isFinite(p.getRmse())
                || !(p.getSigma() > 0) || !Double.isFinite(p.getSigma()) || !Double.isFinite(p.getM())) {
            return null;
        }
        try {
            return new SmileFitter.WarmStart(SviParameters.of(p.getA(), p.getB(), p.getRho(), p.getM(), p.getSigma()),
                    p.getRmse());
        } catch (IllegalArgumentException e) {
            return null; // not valid parameters (never written so, but state is input too): start from scratch
        }
    }

    /** The vol of a fitted smile at a strike. */
    public static double vol(SmileParams p, double strike) {
        return smileOf(p).vol(strike);
    }

    static Smile smileOf(SmileParams p) {
        return p.getSvi()
                ? Smile.svi(p.getForward(), p.getTimeToExpiry(), SviParameters.of(p.getA(), p.getB(), p.getRho(), p.getM(),
                        p.getSigma()), p.getMinStrike(), p.getMaxStrike(), p.getPoints(), p.getRmse())
                : Smile.linear(p.getForward(), p.getTimeToExpiry(), p.getA(), p.getB(), p.getMinStrike(), p.getMaxStrike(),
                        p.getPoints(), p.getRmse());
    }
}
