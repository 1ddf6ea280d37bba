package io.ballast.market;

import io.ballast.avro.internal.MarketState;
import io.ballast.avro.internal.SmileParams;
import io.ballast.quant.AvellanedaStoikov;
import io.ballast.quant.Black76;
import io.ballast.quant.Greeks;
import io.ballast.quant.ImpliedVol;
import io.ballast.quant.RealizedVol;
import io.ballast.quant.Smile;
import io.ballast.quant.SmileFitter;
import io.ballast.quant.SviParameters;
import io.ballast.quant.WhalleyWilmott;

/**
 * The job's one door into the quant library ({@code io.ballast.quant}): argument hygiene (a quote can
 * carry any finite number) and conversion between the library's types and the job's state types.
 */
public final class QuantAdapter {

    private QuantAdapter() {
    }

    /** Price and greeks per unit of underlying; see {@link Greeks} for units. */
    public static void greeks(boolean call, double forward, double strike, double timeToExpiry, double vol,
                              double discountFactor, Greeks out) {
        Black76.greeks(call, forward, strike, timeToExpiry, vol, discountFactor, out);
    }

    /**
     * The implied vol of a discounted price per unit of underlying; NaN when the price is outside the
     * no-arbitrage bounds or an input is out of domain (never a silent number).
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

    /**
     * Fits the smile of one expiry to the first {@code n} out-of-the-money (strike, vol) points: raw SVI
     * from {@link SmileFitter#MIN_SVI_POINTS} strikes, else linear in k. Null when there is no point.
     */
    public static FittedSmile fitSmile(long expiry, double forward, double timeToExpiry, double[] strikes,
                                       double[] vols, int n, long asOf) {
        return fitSmile(expiry, forward, timeToExpiry, strikes, vols, n, asOf, null, null);
    }

    /**
     * As {@link #fitSmile(long, double, double, double[], double[], int, long)}, starting the SVI search
     * from {@code previous} (the last fit of this expiry) when that is an SVI fit; see
     * {@link SmileFitter.WarmStart}. What the fit took is added to {@code stats} (may be null).
     */
    public static FittedSmile fitSmile(long expiry, double forward, double timeToExpiry, double[] strikes,
                                       double[] vols, int n, long asOf, SmileParams previous, SmileFitter.Stats stats) {
        if (n < 1 || !(forward > 0) || !(timeToExpiry > 0)) {
            return null;
        }
        Smile smile = SmileFitter.fit(forward, timeToExpiry, strikes, vols, null, n, warmStart(previous), stats);
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
        return new FittedSmile(params, smile.atmVol(), smile.rr25(), smile.bf25());
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
    public static double smileVol(SmileParams p, double strike) {
        return smileOf(p).vol(strike);
    }

    static Smile smileOf(SmileParams p) {
        return p.getSvi()
                ? Smile.svi(p.getForward(), p.getTimeToExpiry(), SviParameters.of(p.getA(), p.getB(), p.getRho(), p.getM(),
                        p.getSigma()), p.getMinStrike(), p.getMaxStrike(), p.getPoints(), p.getRmse())
                : Smile.linear(p.getForward(), p.getTimeToExpiry(), p.getA(), p.getB(), p.getMinStrike(), p.getMaxStrike(),
                        p.getPoints(), p.getRmse());
    }

    /** Feeds one reference price to the realized-vol estimator kept in {@code st}. */
    public static void updateRealizedVol(MarketState st, double price, long time, long halfLifeMs, long minIntervalMs) {
        RealizedVol rv = st.getRvLastPrice() == null
                ? RealizedVol.create(halfLifeMs, minIntervalMs)
                : RealizedVol.restore(halfLifeMs, minIntervalMs, st.getRvWeightedVariance(), st.getRvWeight(),
                        st.getRvLastTime(), st.getRvLastPrice());
        rv = rv.update(time, price);
        st.setRvWeightedVariance(rv.weightedVariance());
        st.setRvWeight(rv.weight());
        st.setRvLastTime(rv.lastTimeMillis());
        st.setRvLastPrice(rv.lastPrice());
    }

    /** The annualized realized vol in {@code st}, null before the first return. */
    public static Double realizedVol(MarketState st, long halfLifeMs, long minIntervalMs) {
        if (st.getRvLastPrice() == null) {
            return null;
        }
        RealizedVol rv = RealizedVol.restore(halfLifeMs, minIntervalMs, st.getRvWeightedVariance(), st.getRvWeight(),
                st.getRvLastTime(), st.getRvLastPrice());
        return rv.hasValue() ? rv.annualizedVol() : null;
    }

    /** Whalley–Wilmott half-band (3/2 · e^{−rτ} · λ · S · Γ² / γ)^{1/3}; see {@link WhalleyWilmott}. */
    public static double whalleyWilmottBand(double rate, double timeToExpiry, double costFraction, double spot,
                                            double gamma, double riskAversion) {
        if (!(spot > 0) || !(riskAversion > 0) || !Double.isFinite(gamma)) {
            return Double.NaN;
        }
        return WhalleyWilmott.band(Math.exp(-rate * timeToExpiry), costFraction, spot, gamma, riskAversion);
    }

    /** Avellaneda–Stoikov reservation price S − q·γ·σ²·τ; see {@link AvellanedaStoikov}. */
    public static double reservationPrice(double s, double inventory, double riskAversion, double sigma, double horizon) {
        return AvellanedaStoikov.reservationPrice(s, inventory, riskAversion, sigma, horizon);
    }

    /** Avellaneda–Stoikov half-spread (γσ²τ + (2/γ)·ln(1 + γ/k))/2; see {@link AvellanedaStoikov}. */
    public static double halfSpread(double riskAversion, double sigma, double horizon, double fillIntensity) {
        return AvellanedaStoikov.halfSpread(riskAversion, sigma, horizon, fillIntensity);
    }

    /** A smile fit with the quantities of a {@code VolSkew}. */
    public static final class FittedSmile {
        public final SmileParams params;
        public final double atmVol;
        public final Double rr25;
        public final Double bf25;

        FittedSmile(SmileParams params, double atmVol, Double rr25, Double bf25) {
            this.params = params;
            this.atmVol = atmVol;
            this.rr25 = rr25;
            this.bf25 = bf25;
        }
    }
}
