package io.ballast.job;

import org.apache.commons.numbers.gamma.Erfc;

/**
 * Black-76 written out again in the tests, from the textbook formulas, so that the job's numbers are
 * checked against something that does not share its code. Undiscounted (r = 0).
 */
public final class IndependentBlack {

    private IndependentBlack() {
    }

    public static double n(double x) {
        return 0.5 * Erfc.value(-x / Math.sqrt(2));
    }

    public static double d1(double f, double k, double tau, double vol) {
        return (Math.log(f / k) + 0.5 * vol * vol * tau) / (vol * Math.sqrt(tau));
    }

    public static double call(double f, double k, double tau, double vol) {
        double d1 = d1(f, k, tau, vol);
        return f * n(d1) - k * n(d1 - vol * Math.sqrt(tau));
    }

    public static double put(double f, double k, double tau, double vol) {
        return call(f, k, tau, vol) - (f - k);
    }

    public static double callDelta(double f, double k, double tau, double vol) {
        return n(d1(f, k, tau, vol));
    }

    public static double gamma(double f, double k, double tau, double vol) {
        double d1 = d1(f, k, tau, vol);
        return Math.exp(-0.5 * d1 * d1) / Math.sqrt(2 * Math.PI) / (f * vol * Math.sqrt(tau));
    }
}
