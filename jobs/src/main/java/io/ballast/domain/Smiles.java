package io.ballast.domain;

import io.ballast.avro.internal.SmileParams;
import io.ballast.quant.OtmQuotes;
import io.ballast.quant.Smile;
import io.ballast.quant.SmileFitter;
import io.ballast.quant.SviParameters;

/**
 * The smile of one expiry as CONTRACT.md defines it: the out-of-the-money options ({@link OtmQuotes}),
 * raw SVI from {@link SmileFitter#MIN_SVI_POINTS} strikes, else linear in k. The market stage and the
 * chain tool both fit through {@link #fit}, so the tool prints exactly the job's smiles.
 */
public final class Smiles {

    private Smiles() {
    }

    /** A fitted smile: the state record and the quantities of a {@code VolSkew}. */
    public record Fitted(SmileParams params, Smile smile) {
        public double atmVol() {
            return smile.atmVol();
        }

        public Double rr25() {
            return smile.rr25();
        }

        public Double bf25() {
            return smile.bf25();
        }
    }

    /**
     * Fits the out-of-the-money options among the first {@code n} of one expiry; null when none has an
     * implied vol, or when the forward or τ is not positive.
     *
     * @param ivs implied vols, NaN where an option has none
     * @param previous the last fit of this expiry, to start from (null: from scratch)
     * @param stats what the fit took is added here (may be null)
     */
    public static Fitted fit(long expiry, double forward, double timeToExpiry, double[] strikes, boolean[] calls,
                             double[] ivs, int n, long asOf, SmileParams previous, SmileFitter.Stats stats) {
        if (n < 1 || !(forward > 0) || !(timeToExpiry > 0)) {
            return null;
        }
        OtmQuotes quotes = OtmQuotes.select(forward, strikes, calls, ivs, null, n);
        if (quotes.size() == 0) {
            return null;
        }
        Smile smile = SmileFitter.fit(forward, timeToExpiry, quotes, warmStart(previous), stats);
        SviParameters svi = smile.isSvi() ? smile.svi() : null;
        SmileParams params = SmileParams.newBuilder()
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
        return new Fitted(params, smile);
    }

    /** The previous SVI fit as a starting point, or null when there is none that is usable. */
    static SmileFitter.WarmStart warmStart(SmileParams p) {
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
