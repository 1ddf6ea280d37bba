package io.ballast.bench;

import com.opengamma.strata.pricer.impl.option.BlackFormulaRepository;
import io.ballast.quant.Black76;
import io.ballast.quant.ImpliedVol;
import java.util.SplittableRandom;

/**
 * A fixed, reproducible sample of European options of the kind a crypto desk quotes, shared by the
 * speed benchmarks so that both libraries do exactly the same work: forward 100,
 * ln(F/K) uniform in [−1, 1], σ uniform in [0.2, 1.5], τ log-uniform in [1 day, 2 years], calls and
 * puts at random (so in- and out-of-the-money). Undiscounted prices (discount factor 1). Options
 * whose price leaves too little time value to define a volatility to 1e-8 (deep in the money and
 * short-dated), or that either library fails to invert to 1e-6, are left out and counted.
 */
final class OptionSample {

  final int size;
  final boolean[] call;
  final double[] forward;
  final double[] strike;
  final double[] timeToExpiry;
  final double[] vol;
  final double[] price;
  final int rejected;

  private OptionSample(int size, long seed) {
    this.size = size;
    call = new boolean[size];
    forward = new double[size];
    strike = new double[size];
    timeToExpiry = new double[size];
    vol = new double[size];
    price = new double[size];
    SplittableRandom random = new SplittableRandom(seed);
    int n = 0;
    int skipped = 0;
    while (n < size) {
      boolean c = random.nextBoolean();
      double f = 100.0;
      double k = f * Math.exp(-(2.0 * random.nextDouble() - 1.0));
      double sigma = 0.2 + 1.3 * random.nextDouble();
      double t = Math.exp(Math.log(1.0 / 365.0) + random.nextDouble() * Math.log(2.0 * 365.0));
      double p = Black76.price(c, f, k, t, sigma, 1.0);
      double intrinsic = Math.max(c ? f - k : k - f, 0.0);
      if (!(p - intrinsic > 1e-8 * p)) {
        skipped++;
        continue;
      }
      double ours = ImpliedVol.solve(c, p, f, k, t, 1.0);
      double strata;
      try {
        strata = BlackFormulaRepository.impliedVolatility(p, f, k, t, c);
      } catch (RuntimeException e) {
        strata = Double.NaN;
      }
      if (!(Math.abs(ours - sigma) <= 1e-6 * sigma && Math.abs(strata - sigma) <= 1e-6 * sigma)) {
        skipped++;
        continue;
      }
      call[n] = c;
      forward[n] = f;
      strike[n] = k;
      timeToExpiry[n] = t;
      vol[n] = sigma;
      price[n] = p;
      n++;
    }
    rejected = skipped;
  }

  static OptionSample create(int size) {
    return new OptionSample(size, 20_260_101L);
  }
}
