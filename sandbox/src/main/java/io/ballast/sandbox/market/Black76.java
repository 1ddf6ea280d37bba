package io.ballast.sandbox.market;

import org.apache.commons.numbers.gamma.Erfc;

/**
 * Black (1976) on a forward, undiscounted (the sandbox's rate is 0): the simulator's own small pricer,
 * used to put option quotes around the smile. Ballast's quant library prices independently.
 */
final class Black76 {

    private static final double SQRT2 = Math.sqrt(2.0);
    private static final double INV_SQRT_2PI = 1.0 / Math.sqrt(2.0 * Math.PI);

    private Black76() {
    }

    static double price(double forward, double strike, double timeToExpiry, double vol, boolean call) {
        check(forward, strike, timeToExpiry, vol);
        double sd = vol * Math.sqrt(timeToExpiry);
        double d1 = (Math.log(forward / strike) + 0.5 * sd * sd) / sd;
        double d2 = d1 - sd;
        return call
                ? forward * cdf(d1) - strike * cdf(d2)
                : strike * cdf(-d2) - forward * cdf(-d1);
    }

    /** dV/dF. */
    static double delta(double forward, double strike, double timeToExpiry, double vol, boolean call) {
        check(forward, strike, timeToExpiry, vol);
        double d1 = d1(forward, strike, timeToExpiry, vol);
        return call ? cdf(d1) : cdf(d1) - 1.0;
    }

    /** dV/dsigma, per unit of vol (not per point). */
    static double vega(double forward, double strike, double timeToExpiry, double vol) {
        check(forward, strike, timeToExpiry, vol);
        double d1 = d1(forward, strike, timeToExpiry, vol);
        return forward * pdf(d1) * Math.sqrt(timeToExpiry);
    }

    private static double d1(double forward, double strike, double timeToExpiry, double vol) {
        double sd = vol * Math.sqrt(timeToExpiry);
        return (Math.log(forward / strike) + 0.5 * sd * sd) / sd;
    }

    static double cdf(double x) {
        return 0.5 * Erfc.value(-x / SQRT2);
    }

    static double pdf(double x) {
        return INV_SQRT_2PI * Math.exp(-0.5 * x * x);
    }

    private static void check(double forward, double strike, double timeToExpiry, double vol) {
        if (!(forward > 0) || !(strike > 0) || !(timeToExpiry > 0) || !(vol > 0)) {
            throw new IllegalArgumentException("Black-76 needs positive inputs: forward=" + forward + ", strike="
                    + strike + ", timeToExpiry=" + timeToExpiry + ", vol=" + vol);
        }
    }
}
