package io.ballast.quant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import java.util.Random;
import org.junit.jupiter.api.Test;

class RealizedVolTest {

  private static final long SECOND = 1_000;
  private static final long DAY = 86_400_000;

  @Test
  void returnsMatchingAVolatilityGiveItBackExactlyWhateverTheSpacing() {
    // r = σ √Δt for every interval: each estimate r²/Δt is σ² itself, whatever the weights.
    double sigma = 0.65;
    Random random = new Random(1);
    RealizedVol rv = RealizedVol.create(DAY, 0);
    long t = 1_700_000_000_000L;
    double price = 97_000;
    rv = rv.update(t, price);
    assertThat(rv.hasValue()).isFalse();
    for (int i = 0; i < 500; i++) {
      long dt = 1 + random.nextInt(120_000);
      t += dt;
      double r = sigma * Math.sqrt(dt / 31_536_000_000.0) * (random.nextBoolean() ? 1 : -1);
      price *= Math.exp(r);
      rv = rv.update(t, price);
    }
    assertThat(rv.hasValue()).isTrue();
    assertThat(rv.annualizedVol()).isCloseTo(sigma, offset(1e-9));
  }

  @Test
  void oneHalfLifeHalvesTheWeightOfThePast() {
    long halfLife = 3_600_000;
    RealizedVol rv = RealizedVol.create(halfLife, 0);
    long t = 0;
    double price = 100;
    rv = rv.update(t, price);
    long step = 10 * SECOND;
    double dtYears = step / 31_536_000_000.0;
    // 40 half-lives at variance v1, then exactly one at v2
    double v1 = 0.25;
    double v2 = 1.0;
    for (int i = 0; i < 40 * 360; i++) {
      t += step;
      price *= Math.exp(Math.sqrt(v1 * dtYears));
      rv = rv.update(t, price);
    }
    for (int i = 0; i < 360; i++) {
      t += step;
      price *= Math.exp(Math.sqrt(v2 * dtYears));
      rv = rv.update(t, price);
    }
    assertThat(rv.annualizedVariance()).isCloseTo(0.5 * v1 + 0.5 * v2, offset(1e-9));
  }

  @Test
  void irregularlySampledBrownianMotionIsEstimatedWithoutBias() {
    double sigma = 0.8;
    for (long meanGap : new long[] {200, 5 * SECOND, 60 * SECOND}) {
      Random random = new Random(42);
      RealizedVol rv = RealizedVol.create(DAY, 0);
      long t = 0;
      double logPrice = Math.log(50_000);
      rv = rv.update(t, Math.exp(logPrice));
      for (long end = 20 * DAY; t < end; ) {
        long dt = 1 + (long) (-meanGap * Math.log(1 - random.nextDouble())); // Poisson arrivals
        t += dt;
        double dtYears = dt / 31_536_000_000.0;
        logPrice += -0.5 * sigma * sigma * dtYears + sigma * Math.sqrt(dtYears) * random.nextGaussian();
        rv = rv.update(t, Math.exp(logPrice));
      }
      // ~ halfLife/gap·1.44 effective returns: a few percent at worst for the sparsest sampling
      assertThat(rv.annualizedVol()).as("mean gap %s ms", meanGap).isCloseTo(sigma, offset(0.05));
    }
  }

  @Test
  void samplingFrequencyDoesNotChangeTheEstimate() {
    // One path, observed every second or every 30 seconds.
    Random random = new Random(3);
    double sigma = 0.5;
    RealizedVol dense = RealizedVol.create(DAY, 0);
    RealizedVol sparse = RealizedVol.create(DAY, 0);
    double logPrice = 0;
    long t = 0;
    dense = dense.update(t, 1.0);
    sparse = sparse.update(t, 1.0);
    double dtYears = SECOND / 31_536_000_000.0;
    for (int i = 1; i <= 10 * 86_400; i++) {
      t += SECOND;
      logPrice += sigma * Math.sqrt(dtYears) * random.nextGaussian();
      dense = dense.update(t, Math.exp(logPrice));
      if (i % 30 == 0) {
        sparse = sparse.update(t, Math.exp(logPrice));
      }
    }
    assertThat(dense.annualizedVol()).isCloseTo(sigma, offset(0.01));
    assertThat(sparse.annualizedVol()).isCloseTo(dense.annualizedVol(), offset(0.03));
  }

  @Test
  void shortIntervalsAndStaleTimestampsKeepTheAnchor() {
    RealizedVol rv = RealizedVol.create(DAY, 5 * SECOND).update(0, 100);
    RealizedVol same = rv.update(1 * SECOND, 150); // too soon: not used yet
    assertThat(same).isSameAs(rv);
    assertThat(rv.update(-SECOND, 90)).isSameAs(rv); // out of order
    assertThat(rv.update(0, 90)).isSameAs(rv); // same millisecond
    RealizedVol next = rv.update(10 * SECOND, 110);
    assertThat(next.lastPrice()).isEqualTo(110);
    assertThat(next.lastTimeMillis()).isEqualTo(10 * SECOND);
    // the return runs from the anchor 100, not from the ignored 150
    double expected = Math.pow(Math.log(1.1), 2) / (10 * SECOND / 31_536_000_000.0);
    assertThat(next.annualizedVariance()).isCloseTo(expected, offset(expected * 1e-12));
  }

  @Test
  void checkpointFieldsRestoreTheSameEstimator() {
    RealizedVol rv = RealizedVol.create(DAY, 0).update(0, 100).update(60_000, 101)
        .update(120_000, 100.5);
    RealizedVol restored = RealizedVol.restore(rv.halfLifeMillis(), rv.minIntervalMillis(),
        rv.weightedVariance(), rv.weight(), rv.lastTimeMillis(), rv.lastPrice());
    assertThat(restored.update(180_000, 102).annualizedVol())
        .isEqualTo(rv.update(180_000, 102).annualizedVol());
    RealizedVol empty = RealizedVol.create(DAY, 0);
    RealizedVol restoredEmpty = RealizedVol.restore(DAY, 0, empty.weightedVariance(),
        empty.weight(), empty.lastTimeMillis(), empty.lastPrice());
    assertThat(restoredEmpty.hasValue()).isFalse();
    assertThat(restoredEmpty.annualizedVol()).isZero();
  }

  @Test
  void badArgumentsAreRejected() {
    assertThatThrownBy(() -> RealizedVol.create(0, 0)).hasMessageContaining("halfLifeMillis")
        .hasMessageContaining("0");
    assertThatThrownBy(() -> RealizedVol.create(DAY, -1)).hasMessageContaining("-1");
    assertThatThrownBy(() -> RealizedVol.create(DAY, 0).update(0, -5))
        .hasMessageContaining("price").hasMessageContaining("-5.0");
    assertThatThrownBy(() -> RealizedVol.restore(DAY, 0, 0.1, 2.0, 0, 100))
        .hasMessageContaining("weight").hasMessageContaining("2.0");
  }
}
