package io.ballast.domain;

/**
 * A textbook Black-76, written here for the tests of the option-hedge rule so that they check the rule's
 * greeks against numbers it did not compute: d1 = (ln(F/K) + σ²τ/2)/(σ√τ), gamma = DF·φ(d1)/(F·σ·√τ),
 * vega = DF·F·φ(d1)·√τ/100, delta = DF·N(d1) (call) or DF·(N(d1) − 1) (put). N is Abramowitz–Stegun
 * 26.2.17 (absolute error below 7.5e-8), φ exact.
 */
final class IndependentBlack76 {

    private IndependentBlack76() {
    }

    static double d1(double f, double k, double tau, double vol) {
        return (Math.log(f / k) + 0.5 * vol * vol * tau) / (vol * Math.sqrt(tau));
    }

    static double pdf(double x) {
        return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
    }

    /** Abramowitz–Stegun 26.2.17. */
    static double cdf(double x) {
        if (x < 0) {
            return 1 - cdf(-x);
        }
        double t = 1 / (1 + 0.2316419 * x);
        double poly = t * (0.319381530 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))));
        return 1 - pdf(x) * poly;
    }

    static double price(boolean call, double f, double k, double tau, double vol, double df) {
        double d1 = d1(f, k, tau, vol);
        double d2 = d1 - vol * Math.sqrt(tau);
        return call ? df * (f * cdf(d1) - k * cdf(d2)) : df * (k * cdf(-d2) - f * cdf(-d1));
    }

    static double forwardDelta(boolean call, double f, double k, double tau, double vol) {
        double n = cdf(d1(f, k, tau, vol));
        return call ? n : n - 1;
    }

    static double gamma(double f, double k, double tau, double vol, double df) {
        return df * pdf(d1(f, k, tau, vol)) / (f * vol * Math.sqrt(tau));
    }

    /** Per vol point. */
    static double vega(double f, double k, double tau, double vol, double df) {
        return df * f * pdf(d1(f, k, tau, vol)) * Math.sqrt(tau) / 100;
    }
}
