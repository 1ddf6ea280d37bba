package io.ballast.sandbox.market;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class JumpDiffusionTest {

    @Test
    void zeroDriftKeepsTheExpectedPrice() {
        // E[S_T] = S_0 e^{mu T}: with mu = 0 the compensated jumps leave the mean where it was.
        SplittableRandom random = new SplittableRandom(1);
        int paths = 20_000;
        double sum = 0;
        for (int p = 0; p < paths; p++) {
            JumpDiffusion s = new JumpDiffusion(100, 0, 0.6, 20, -0.05, 0.1);
            for (int i = 0; i < 10; i++) {
                s.step(0.01, random);
            }
            sum += s.price();
        }
        // Standard error about 100 * sqrt(e^{0.1*(0.36+20*0.0125)} - 1) / sqrt(20000) = 0.18.
        assertThat(sum / paths).isCloseTo(100, within(0.8));
    }

    @Test
    void jumpsArriveAtTheirIntensity() {
        SplittableRandom random = new SplittableRandom(2);
        JumpDiffusion s = new JumpDiffusion(100, 0, 0.5, 50, 0, 0.02);
        for (int i = 0; i < 100_000; i++) {
            s.step(0.001, random);
        }
        // 100 years at 50 a year: 5000 jumps, sd about 71.
        assertThat(s.jumps()).isBetween(4700L, 5300L);
    }

    @Test
    void theSameSeedGivesTheSamePath() {
        JumpDiffusion a = new JumpDiffusion(3500, 0, 0.7, 15, -0.01, 0.04);
        JumpDiffusion b = new JumpDiffusion(3500, 0, 0.7, 15, -0.01, 0.04);
        SplittableRandom ra = new SplittableRandom(9);
        SplittableRandom rb = new SplittableRandom(9);
        for (int i = 0; i < 1000; i++) {
            assertThat(a.step(1e-4, ra)).isEqualTo(b.step(1e-4, rb));
        }
    }

    @Test
    void poissonMeanAndVariance() {
        SplittableRandom random = new SplittableRandom(3);
        int n = 200_000;
        double sum = 0;
        double sumSq = 0;
        for (int i = 0; i < n; i++) {
            int k = Poisson.sample(random, 2.5);
            sum += k;
            sumSq += (double) k * k;
        }
        double mean = sum / n;
        assertThat(mean).isCloseTo(2.5, within(0.02));
        assertThat(sumSq / n - mean * mean).isCloseTo(2.5, within(0.05));
    }
}
