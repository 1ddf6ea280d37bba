package io.ballast.sandbox.market;

import java.util.random.RandomGenerator;

/** Poisson counts for small means (jumps and fills per tick). */
final class Poisson {

    private Poisson() {
    }

    static int sample(RandomGenerator random, double mean) {
        if (!(mean >= 0)) {
            throw new IllegalArgumentException("Poisson mean must be >= 0, got " + mean);
        }
        if (mean > 30) {
            // Large means only come from very high --rate: the normal approximation is close enough.
            return (int) Math.max(0, Math.round(mean + Math.sqrt(mean) * random.nextGaussian()));
        }
        double limit = Math.exp(-mean);
        double product = random.nextDouble();
        int n = 0;
        while (product > limit) {
            product *= random.nextDouble();
            n++;
        }
        return n;
    }
}
