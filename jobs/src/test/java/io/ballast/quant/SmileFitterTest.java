package io.ballast.quant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SmileFitterTest {

  /**
   * Prices generated from a known raw SVI smile, for calls and puts on every strike, go through
   * {@link ImpliedVol}, {@link OtmQuotes} and {@link SmileFitter}; atmVol, rr25 and bf25 must come back
   * within 1e-4 in vol (in practice ~1e-9), and the SVI parameters with them.
   */
  @ParameterizedTest(name = "τ={0} a={1} b={2} ρ={3} m={4} σ={5}")
  @CsvSource({
      // crypto-like: high level, mild put skew, 30 days
      "0.0822, 0.0180, 0.12, -0.25, 0.02, 0.15",
      // short-dated, steep and negative level a (valid: minimum variance stays positive)
      "0.0192, -0.004, 0.10, -0.40, -0.01, 0.08",
      // call skew (ρ > 0), six months
      "0.5, 0.12, 0.15, 0.30, 0.05, 0.30",
      // one year, nearly symmetric
      "1.0, 0.20, 0.20, 0.0, 0.0, 0.40",
  })
  void recoversAKnownSviSmileFromOptionPrices(double tau, double a, double b, double rho, double m,
      double sigma) {
    SviParameters truth = SviParameters.of(a, b, rho, m, sigma);
    double forward = 97_000;
    double df = Math.exp(-0.04 * tau);
    int n = 20;
    double width = 3.5 * Math.sqrt(truth.totalVariance(0)); // ± 3.5 ATM standard deviations
    double[] strikes = new double[2 * n];
    boolean[] calls = new boolean[2 * n];
    double[] vols = new double[2 * n];
    for (int i = 0; i < n; i++) {
      double k = -width + 2 * width * i / (n - 1);
      double strike = forward * Math.exp(k);
      double vol = Math.sqrt(truth.totalVariance(k) / tau);
      for (int c = 0; c < 2; c++) {
        boolean call = c == 0;
        double price = Black76.price(call, forward, strike, tau, vol, df);
        strikes[2 * i + c] = strike;
        calls[2 * i + c] = call;
        vols[2 * i + c] = ImpliedVol.solve(call, price, forward, strike, tau, df);
      }
    }
    OtmQuotes quotes = OtmQuotes.select(forward, strikes, calls, vols, null, 2 * n);
    assertThat(quotes.size()).isEqualTo(n);
    Smile fitted = SmileFitter.fit(forward, tau, quotes);
    Smile expected = Smile.svi(forward, tau, truth, quotes.strikes()[0], quotes.strikes()[n - 1], n,
        0.0);

    assertThat(fitted.isSvi()).isTrue();
    assertThat(fitted.points()).isEqualTo(n);
    assertThat(fitted.rmse()).isLessThan(1e-8);
    assertThat(fitted.atmVol()).isCloseTo(expected.atmVol(), offset(1e-4));
    assertThat(expected.hasDelta25()).isTrue();
    assertThat(fitted.rr25()).isCloseTo(expected.rr25(), offset(1e-4));
    assertThat(fitted.bf25()).isCloseTo(expected.bf25(), offset(1e-4));
    // in fact to far better than 1e-4:
    assertThat(fitted.atmVol()).isCloseTo(expected.atmVol(), offset(1e-8));
    assertThat(fitted.rr25()).isCloseTo(expected.rr25(), offset(1e-8));
    assertThat(fitted.bf25()).isCloseTo(expected.bf25(), offset(1e-8));
    SviParameters p = fitted.svi();
    assertThat(p.a()).isCloseTo(a, offset(1e-6));
    assertThat(p.b()).isCloseTo(b, offset(1e-6));
    assertThat(p.rho()).isCloseTo(rho, offset(1e-6));
    assertThat(p.m()).isCloseTo(m, offset(1e-6));
    assertThat(p.sigma()).isCloseTo(sigma, offset(1e-6));
  }

  /**
   * A refit started from the previous fit of the expiry finds the fit a search from scratch finds
   * (atmVol, rr25, bf25 within 1e-6, rmse not worse beyond rounding: 1e-6 relative, 1e-9 in vol for
   * exact smiles whose rmse is ~1e-11 either way), with far fewer evaluations:
   * smiles drifting step by step as a market does, with and without quote noise, where each step
   * re-quotes a couple of strikes.
   */
  @ParameterizedTest(name = "τ={0} a={1} b={2} ρ={3} m={4} σ={5}")
  @CsvSource({
      "0.0822, 0.0180, 0.12, -0.25, 0.02, 0.15",
      "0.0192, -0.004, 0.10, -0.40, -0.01, 0.08",
      "0.5, 0.12, 0.15, 0.30, 0.05, 0.30",
      "1.0, 0.20, 0.20, 0.0, 0.0, 0.40",
  })
  void aWarmStartFindsTheColdFitWithFewerEvaluations(double tau, double a, double b, double rho,
      double m, double sigma) {
    for (double noise : new double[] {0.0, 0.002}) {
      Random random = new Random(11);
      SmileFitter.Stats cold = new SmileFitter.Stats();
      SmileFitter.Stats warm = new SmileFitter.Stats();
      SviParameters p = SviParameters.of(a, b, rho, m, sigma);
      int n = 15;
      double[] quoteNoise = new double[n];
      for (int i = 0; i < n; i++) {
        quoteNoise[i] = noise * random.nextGaussian();
      }
      double forward = 100;
      double t = tau;
      Smile previous = null;
      for (int step = 0; step < 25; step++) {
        double width = 3 * Math.sqrt(p.totalVariance(0));
        double[] strikes = new double[n];
        double[] vols = new double[n];
        for (int i = 0; i < n; i++) {
          double k = -width + 2 * width * i / (n - 1);
          strikes[i] = forward * Math.exp(k);
          vols[i] = Math.sqrt(p.totalVariance(k) / t) + quoteNoise[i];
        }
        Smile fromScratch = SmileFitter.fit(forward, t, strikes, vols, null, n, null, cold);
        if (previous == null) {
          previous = fromScratch;
        } else {
          Smile warmed = SmileFitter.fit(forward, t, strikes, vols, null, n,
              new SmileFitter.WarmStart(previous.svi(), previous.rmse()), warm);
          String at = "noise " + noise + " step " + step;
          assertThat(warmed.atmVol()).as(at).isCloseTo(fromScratch.atmVol(), offset(1e-6));
          assertThat(warmed.rr25() == null).as(at).isEqualTo(fromScratch.rr25() == null);
          if (fromScratch.rr25() != null) {
            assertThat(warmed.rr25()).as(at).isCloseTo(fromScratch.rr25(), offset(1e-6));
            assertThat(warmed.bf25()).as(at).isCloseTo(fromScratch.bf25(), offset(1e-6));
          }
          assertThat(warmed.rmse()).as(at).isLessThanOrEqualTo(fromScratch.rmse() * (1 + 1e-6) + 1e-9);
          previous = warmed;
        }
        // the market moves a little and two strikes are quoted again
        p = SviParameters.of(p.a() * (1 + 0.002 * random.nextGaussian()),
            p.b() * (1 + 0.002 * random.nextGaussian()),
            Math.max(-0.9, Math.min(0.9, p.rho() + 0.002 * random.nextGaussian())),
            p.m() + 0.0005 * random.nextGaussian(), p.sigma() * (1 + 0.002 * random.nextGaussian()));
        forward *= 1 + 0.001 * random.nextGaussian();
        t -= 1e-5;
        quoteNoise[random.nextInt(n)] = noise * random.nextGaussian();
        quoteNoise[random.nextInt(n)] = noise * random.nextGaussian();
      }
      assertThat(warm.warmStarts()).isEqualTo(24);
      assertThat(warm.warmRejected()).isZero();
      double coldPerFit = cold.evaluations() / (double) cold.sviFits();
      double warmPerFit = warm.evaluations() / (double) warm.sviFits();
      assertThat(warmPerFit).as("evaluations per fit, warm vs cold %.1f", coldPerFit)
          .isLessThan(0.6 * coldPerFit);
    }
  }

  /**
   * A warm result clearly worse than the previous fit is not taken: the fit starts from scratch and
   * is exactly the fit without a start. (Here the "previous fit" claims rmse 0 on quotes that noise
   * makes impossible to fit that well.)
   */
  @Test
  void aWarmResultClearlyWorseThanThePreviousFitFallsBackToTheFitFromScratch() {
    double tau = 0.25;
    SviParameters truth = SviParameters.of(0.03, 0.15, -0.3, 0.02, 0.2);
    Random random = new Random(5);
    int n = 20;
    double[] strikes = new double[n];
    double[] vols = new double[n];
    for (int i = 0; i < n; i++) {
      double k = -0.6 + 1.2 * i / (n - 1);
      strikes[i] = 100 * Math.exp(k);
      vols[i] = Math.sqrt(truth.totalVariance(k) / tau) + 0.002 * random.nextGaussian();
    }
    Smile cold = SmileFitter.fit(100, tau, strikes, vols, null, n);
    assertThat(cold.rmse()).isGreaterThan(SmileFitter.WarmStart.RMSE_SLACK);
    SmileFitter.Stats stats = new SmileFitter.Stats();
    Smile fit = SmileFitter.fit(100, tau, strikes, vols, null, n,
        new SmileFitter.WarmStart(truth, 0.0), stats);
    assertThat(stats.warmStarts()).isEqualTo(1);
    assertThat(stats.warmRejected()).isEqualTo(1);
    assertThat(fit.toString()).isEqualTo(cold.toString()); // exactly the fit from scratch
  }

  /** Without a start the fit is the one it always was, and counts what it took. */
  @Test
  void statsCountFitsAndEvaluations() {
    double tau = 0.1;
    SviParameters svi = SviParameters.of(0.02, 0.1, -0.2, 0.0, 0.2);
    double[] strikes = {80, 90, 95, 100, 105, 110, 125};
    double[] vols = new double[strikes.length];
    for (int i = 0; i < strikes.length; i++) {
      vols[i] = Math.sqrt(svi.totalVariance(Math.log(strikes[i] / 100)) / tau);
    }
    SmileFitter.Stats stats = new SmileFitter.Stats();
    Smile counted = SmileFitter.fit(100, tau, strikes, vols, null, strikes.length, null, stats);
    assertThat(counted.toString())
        .isEqualTo(SmileFitter.fit(100, tau, strikes, vols, null, strikes.length).toString());
    SmileFitter.fit(100, tau, strikes, vols, null, 3, null, stats);
    assertThat(stats.sviFits()).isEqualTo(1);
    assertThat(stats.linearFits()).isEqualTo(1);
    assertThat(stats.warmStarts()).isZero();
    assertThat(stats.evaluations()).isGreaterThan(36); // the grid, then Nelder–Mead
  }

  /** rr25 and bf25 recomputed from CONTRACT.md's words, independently of {@link Smile}. */
  @Test
  void delta25DefinitionFollowsTheContract() {
    double tau = 0.25;
    SviParameters svi = SviParameters.of(0.03, 0.1, -0.3, 0.0, 0.2);
    double forward = 2_500;
    Smile smile = Smile.svi(forward, tau, svi, 1_000, 6_000, 20, 0);
    // forward delta N(d1) on the smile, found by plain bisection on the strike
    double kCall = bisect(svi, 0.25, forward, tau, 1_000, 6_000);
    double kPut = bisect(svi, 0.75, forward, tau, 1_000, 6_000); // N(d1) − 1 = −0.25
    double volCall = Math.sqrt(svi.totalVariance(Math.log(kCall / forward)) / tau);
    double volPut = Math.sqrt(svi.totalVariance(Math.log(kPut / forward)) / tau);
    double atm = Math.sqrt(svi.totalVariance(0) / tau);
    assertThat(smile.strike25Call()).isCloseTo(kCall, offset(1e-6));
    assertThat(smile.strike25Put()).isCloseTo(kPut, offset(1e-6));
    assertThat(smile.atmVol()).isCloseTo(atm, offset(1e-15));
    assertThat(smile.rr25()).isCloseTo(volCall - volPut, offset(1e-12));
    assertThat(smile.bf25()).isCloseTo((volCall + volPut) / 2 - atm, offset(1e-12));
    assertThat(smile.rr25()).isNegative(); // ρ < 0: puts richer
  }

  private static double bisect(SviParameters svi, double target, double forward, double tau,
      double lo, double hi) {
    for (int i = 0; i < 200; i++) {
      double mid = 0.5 * (lo + hi);
      double w = svi.totalVariance(Math.log(mid / forward));
      double d1 = (Math.log(forward / mid) + 0.5 * w) / Math.sqrt(w);
      if (NormalDistribution.cdf(d1) > target) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return 0.5 * (lo + hi);
  }

  @Test
  void delta25IsNullWhenAStrikeFallsOutsideTheQuotedStrikes() {
    double tau = 0.1;
    SviParameters svi = SviParameters.of(0.02, 0.1, -0.2, 0.0, 0.2);
    double forward = 100;
    double[] strikes = {97, 98, 99, 100, 101, 102, 103};
    double[] vols = new double[strikes.length];
    for (int i = 0; i < strikes.length; i++) {
      vols[i] = Math.sqrt(svi.totalVariance(Math.log(strikes[i] / forward)) / tau);
    }
    Smile smile = SmileFitter.fit(forward, tau, strikes, vols, null, strikes.length);
    assertThat(smile.isSvi()).isTrue();
    assertThat(smile.hasDelta25()).isFalse();
    assertThat(smile.rr25()).isNull();
    assertThat(smile.bf25()).isNull();
    assertThat(smile.strike25Call()).isNull();
    assertThat(smile.strike25Put()).isNull();
    assertThat(smile.atmVol()).isCloseTo(Math.sqrt(0.02 + 0.1 * 0.2) / Math.sqrt(tau), offset(1e-3));
  }

  @Test
  void fewerThanFiveStrikesGiveALineInTotalVariance() {
    double tau = 0.5;
    double forward = 100;
    // exactly linear total variance w = 0.08 − 0.05 k
    double[] strikes = {80, 95, 105, 120};
    double[] vols = new double[4];
    for (int i = 0; i < 4; i++) {
      double k = Math.log(strikes[i] / forward);
      vols[i] = Math.sqrt((0.08 - 0.05 * k) / tau);
    }
    Smile smile = SmileFitter.fit(forward, tau, strikes, vols, null, 4);
    assertThat(smile.isSvi()).isFalse();
    assertThat(smile.svi()).isNull();
    assertThat(smile.linearIntercept()).isCloseTo(0.08, offset(1e-14));
    assertThat(smile.linearSlope()).isCloseTo(-0.05, offset(1e-14));
    assertThat(smile.rmse()).isLessThan(1e-14);
    assertThat(smile.atmVol()).isCloseTo(Math.sqrt(0.08 / tau), offset(1e-14));
    // flat beyond the quoted strikes
    assertThat(smile.vol(50)).isEqualTo(smile.vol(80));
    assertThat(smile.vol(200)).isEqualTo(smile.vol(120));
    assertThat(smile.points()).isEqualTo(4);

    Smile single = SmileFitter.fit(forward, tau, new double[] {100}, new double[] {0.6}, null, 1);
    assertThat(single.isSvi()).isFalse();
    assertThat(single.atmVol()).isCloseTo(0.6, offset(1e-15));
    assertThat(single.vol(10)).isCloseTo(0.6, offset(1e-15));
    assertThat(single.hasDelta25()).isFalse();
  }

  @Test
  void butterflyArbitrageIsFlagged() {
    // A raw SVI slice with butterfly arbitrage (the well-known example of Axel Vogt, used by
    // Gatheral and Jacquier, "Arbitrage-free SVI volatility surfaces", 2014, §2).
    SviParameters bad = SviParameters.of(-0.0410, 0.1331, 0.3060, 0.3586, 0.4153);
    Smile smile = Smile.svi(1.0, 1.0, bad, Math.exp(-1.5), Math.exp(1.5), 20, 0);
    double minimumG = Double.POSITIVE_INFINITY;
    for (double k = -1.5; k <= 1.5; k += 0.001) {
      double w = bad.totalVariance(k);
      double w1 = bad.slope(k);
      double u = 1 - k * w1 / (2 * w);
      minimumG = Math.min(minimumG, u * u - w1 * w1 / 4 * (1 / w + 0.25) + bad.curvature(k) / 2);
    }
    assertThat(minimumG).isNegative();
    assertThat(smile.butterflyArbitrageFree()).isFalse();

    SviParameters good = SviParameters.of(0.04, 0.1, -0.3, 0.0, 0.3);
    assertThat(Smile.svi(1.0, 1.0, good, 0.5, 2.0, 20, 0).butterflyArbitrageFree()).isTrue();
  }

  @Test
  void noisyQuotesGiveABoundedFitThatRespectsTheParameterBounds() {
    Random random = new Random(7);
    double tau = 30.0 / 365;
    SviParameters truth = SviParameters.of(0.015, 0.15, -0.2, 0.03, 0.12);
    int n = 25;
    double[] strikes = new double[n];
    double[] vols = new double[n];
    for (int i = 0; i < n; i++) {
      double k = -0.5 + i / (double) (n - 1);
      strikes[i] = 100 * Math.exp(k);
      vols[i] = Math.sqrt(truth.totalVariance(k) / tau) + 0.002 * random.nextGaussian();
    }
    Smile a = SmileFitter.fit(100, tau, strikes, vols, null, n);
    Smile b = SmileFitter.fit(100, tau, strikes, vols, null, n);
    assertThat(a.toString()).isEqualTo(b.toString()); // deterministic
    assertThat(a.rmse()).isBetween(0.0005, 0.003); // about the noise level
    SviParameters p = a.svi();
    assertThat(p.b()).isGreaterThanOrEqualTo(0);
    assertThat(Math.abs(p.rho())).isLessThanOrEqualTo(1);
    assertThat(p.b() * (1 + Math.abs(p.rho()))).isLessThanOrEqualTo(4 + 1e-9);
    assertThat(p.minimumTotalVariance()).isGreaterThanOrEqualTo(0);
    assertThat(a.atmVol()).isCloseTo(Math.sqrt(truth.totalVariance(0) / tau), offset(0.003));
  }

  @Test
  void otmSelectionKeepsPutsBelowAndCallsAtOrAboveTheForward() {
    double[] strikes = {110, 90, 100, 100, 90, 120, 80};
    boolean[] calls = {true, false, true, false, true, false, false};
    double[] vols = {0.5, 0.6, 0.55, 0.55, 0.61, 0.52, ImpliedVol.BELOW_INTRINSIC};
    double[] weights = {1, 2, 3, 4, 5, 6, 7};
    OtmQuotes q = OtmQuotes.select(100, strikes, calls, vols, weights, 7);
    assertThat(q.strikes()).containsExactly(90, 100, 110);
    assertThat(q.vols()).containsExactly(0.6, 0.55, 0.5);
    assertThat(q.weights()).containsExactly(2, 3, 1);
  }

  @Test
  void badInputIsRejectedWithTheValue() {
    assertThatThrownBy(() -> SmileFitter.fit(100, 0.1, new double[0], new double[0], null, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0");
    assertThatThrownBy(() -> SmileFitter.fit(100, 0.1, new double[] {90, -1},
        new double[] {0.5, 0.5}, null, 2)).hasMessageContaining("strikes[1]")
        .hasMessageContaining("-1.0");
    assertThatThrownBy(() -> SmileFitter.fit(100, 0.1, new double[] {90, 95},
        new double[] {0.5, Double.NaN}, null, 2)).hasMessageContaining("vols[1]")
        .hasMessageContaining("NaN");
    assertThatThrownBy(() -> SmileFitter.fit(100, 0.1, new double[] {90, 95},
        new double[] {0.5, 0.5}, new double[] {1, -2}, 2)).hasMessageContaining("weights[1]")
        .hasMessageContaining("-2.0");
    assertThatThrownBy(() -> SmileFitter.fit(100, -0.1, new double[] {90}, new double[] {0.5},
        null, 1)).hasMessageContaining("timeToExpiry").hasMessageContaining("-0.1");
    assertThatThrownBy(() -> SviParameters.of(0.1, -0.1, 0, 0, 0.1)).hasMessageContaining("b")
        .hasMessageContaining("-0.1");
    assertThatThrownBy(() -> SviParameters.of(0.1, 0.1, 1.5, 0, 0.1)).hasMessageContaining("rho")
        .hasMessageContaining("1.5");
  }
}
