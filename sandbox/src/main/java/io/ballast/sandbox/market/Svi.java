package io.ballast.sandbox.market;

/**
 * A raw SVI slice (Gatheral 2004): total implied variance w(k) = a + b(rho(k - m) + sqrt((k - m)^2 + sigma^2))
 * at log-moneyness k = ln(K/F).
 */
record Svi(double a, double b, double rho, double m, double sigma) {

    Svi {
        if (!(b >= 0) || !(Math.abs(rho) < 1) || !(sigma > 0)) {
            throw new IllegalArgumentException("Raw SVI needs b >= 0, |rho| < 1, sigma > 0: b=" + b + ", rho="
                    + rho + ", sigma=" + sigma);
        }
        if (!(a + b * sigma * Math.sqrt(1 - rho * rho) >= 0)) {
            throw new IllegalArgumentException("Raw SVI with negative minimum variance: a=" + a + ", b=" + b
                    + ", rho=" + rho + ", sigma=" + sigma);
        }
    }

    /**
     * The slice whose ATM total variance is {@code atmVol^2 * tau}: {@code a} is solved for, and raised
     * if needed so that the variance stays positive everywhere.
     */
    static Svi withAtmVol(double atmVol, double timeToExpiry, double b, double rho, double m, double sigma) {
        double atmTotalVariance = atmVol * atmVol * timeToExpiry;
        double a = atmTotalVariance - b * (-rho * m + Math.sqrt(m * m + sigma * sigma));
        double floor = -b * sigma * Math.sqrt(1 - rho * rho) + 1e-4 * atmTotalVariance;
        return new Svi(Math.max(a, floor), b, rho, m, sigma);
    }

    double totalVariance(double k) {
        double x = k - m;
        return a + b * (rho * x + Math.sqrt(x * x + sigma * sigma));
    }

    double vol(double k, double timeToExpiry) {
        return Math.sqrt(totalVariance(k) / timeToExpiry);
    }
}
