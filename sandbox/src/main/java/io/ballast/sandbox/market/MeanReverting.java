package io.ballast.sandbox.market;

import java.util.random.RandomGenerator;

/** An Ornstein-Uhlenbeck factor, stepped exactly: it wanders around its mean and keeps coming back. */
final class MeanReverting {

    private final double mean;
    private final double rate;
    private final double stationarySd;
    private double value;

    /**
     * @param halfLifeSeconds time for a deviation from the mean to halve, on average
     * @param stationarySd the long-run standard deviation around the mean
     */
    MeanReverting(double mean, double halfLifeSeconds, double stationarySd) {
        this.mean = mean;
        this.rate = Math.log(2) / halfLifeSeconds;
        this.stationarySd = stationarySd;
        this.value = mean;
    }

    double step(double dtSeconds, RandomGenerator random) {
        double decay = Math.exp(-rate * dtSeconds);
        value = mean + (value - mean) * decay + stationarySd * Math.sqrt(1 - decay * decay) * random.nextGaussian();
        return value;
    }

    double value() {
        return value;
    }
}
