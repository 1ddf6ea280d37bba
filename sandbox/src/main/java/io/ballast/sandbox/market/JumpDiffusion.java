package io.ballast.sandbox.market;

import java.util.random.RandomGenerator;

/**
 * Merton's jump-diffusion for a price: dS/S = (mu - lambda kappa) dt + sigma dW + (J - 1) dN, with N a
 * Poisson process of intensity lambda and ln J ~ N(jumpMean, jumpStd^2), kappa = E[J - 1]. Stepped
 * exactly in log space, so the price stays positive and its expectation grows at mu.
 */
final class JumpDiffusion {

    private final double drift;
    private final double vol;
    private final double jumpIntensity;
    private final double jumpMean;
    private final double jumpStd;
    private final double kappa;
    private double logPrice;
    private long jumps;

    /**
     * @param drift mu, per year
     * @param vol sigma of the diffusion, per sqrt(year)
     * @param jumpIntensity lambda, jumps per year
     * @param jumpMean mean of the log jump size
     * @param jumpStd standard deviation of the log jump size
     */
    JumpDiffusion(double price, double drift, double vol, double jumpIntensity, double jumpMean, double jumpStd) {
        if (!(price > 0) || !(vol >= 0) || !(jumpIntensity >= 0) || !(jumpStd >= 0)) {
            throw new IllegalArgumentException("Jump-diffusion needs price > 0, vol >= 0, jumpIntensity >= 0, "
                    + "jumpStd >= 0: price=" + price + ", vol=" + vol + ", jumpIntensity=" + jumpIntensity
                    + ", jumpStd=" + jumpStd);
        }
        this.logPrice = Math.log(price);
        this.drift = drift;
        this.vol = vol;
        this.jumpIntensity = jumpIntensity;
        this.jumpMean = jumpMean;
        this.jumpStd = jumpStd;
        this.kappa = Math.exp(jumpMean + 0.5 * jumpStd * jumpStd) - 1.0;
    }

    /** Advances by {@code dt} years; returns the new price. */
    double step(double dt, RandomGenerator random) {
        double diffusion = (drift - jumpIntensity * kappa - 0.5 * vol * vol) * dt
                + vol * Math.sqrt(dt) * random.nextGaussian();
        int n = Poisson.sample(random, jumpIntensity * dt);
        double jump = 0;
        for (int i = 0; i < n; i++) {
            jump += jumpMean + jumpStd * random.nextGaussian();
        }
        jumps += n;
        logPrice += diffusion + jump;
        return price();
    }

    double price() {
        return Math.exp(logPrice);
    }

    long jumps() {
        return jumps;
    }
}
