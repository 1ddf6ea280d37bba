package io.ballast.bench;

import com.opengamma.strata.pricer.impl.option.BlackFormulaRepository;
import io.ballast.quant.Black76;
import io.ballast.quant.Greeks;
import io.ballast.quant.ImpliedVol;
import java.io.PrintStream;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Accuracy of both libraries on the same inputs, computed in-process before the timings.
 *
 * <p><b>Grid</b> (the issue's): ln(F/K) ∈ [−5, 5] in steps of 0.1 × σ√τ ∈ [1e-4, 5] (101 log-spaced
 * values), calls and puts, F = 100, τ = 1, undiscounted: 20,402 options. Each is priced by Ballast's
 * Black function (accurate to a few ulp; see the tests) and that same price is inverted by both
 * solvers; the error is |σ̂ − σ|/σ. Points where the price carries no volatility information are left
 * out for both: prices below the smallest normal double (deep out of the money with tiny σ√τ), and
 * options whose condition number κ = V/(σ ∂V/∂σ) makes 1e-13 unattainable in doubles (4εκ &gt; 1e-13:
 * deep in the money, time value lost in rounding). A solver "fails" on a point when it throws, returns
 * NaN or a sentinel. Strata's round trip on its own prices is shown too.
 *
 * <p><b>Desk sample</b>: 100,000 random options of the speed benchmarks' domain (ln(F/K) ∈ [−1, 1],
 * σ ∈ [0.2, 1.5], τ ∈ [1 day, 2 years], calls and puts), same filter.
 *
 * <p><b>Greeks cross-check</b>: the largest relative difference between Ballast's and Strata's price
 * and greeks on the desk sample (units converted: Ballast's vega and vanna are per vol point, volga per
 * point², theta per day).
 */
final class AccuracyReport {

  private static final double EPS = 0x1p-53;

  /** Worst errors and failure counts of one solver. */
  static final class Tally {
    int points;
    int failures;
    int zeros;
    double worst;
    double worstNonZero;
    String worstAt = "";

    void add(double solved, double vol, String at) {
      points++;
      if (!(solved >= 0) || Double.isNaN(solved)) {
        failures++;
        return;
      }
      double error = Math.abs(solved - vol) / vol;
      if (error > worst) {
        worst = error;
        worstAt = at;
      }
      if (solved == 0) {
        zeros++;
      } else {
        worstNonZero = Math.max(worstNonZero, error);
      }
    }

    void fail() {
      points++;
      failures++;
    }
  }

  final Tally gridBallast = new Tally();
  final Tally gridStrata = new Tally();
  final Tally gridStrataOwn = new Tally();
  final Tally deskBallast = new Tally();
  final Tally deskStrata = new Tally();
  int gridExcluded;
  int deskExcluded;
  final double[] greekDifference = new double[7];

  static AccuracyReport compute() {
    AccuracyReport report = new AccuracyReport();
    report.grid();
    report.desk();
    return report;
  }

  private static double strataVol(double price, double f, double k, double t, boolean call) {
    try {
      return BlackFormulaRepository.impliedVolatility(price, f, k, t, call);
    } catch (RuntimeException e) {
      return Double.NaN;
    }
  }

  /** True when the option's price determines σ to 1e-13 in double precision. */
  private static boolean wellPosed(double price, double intrinsic, double vol, double vegaPerPoint) {
    if (!(price >= Double.MIN_NORMAL) || !(price > intrinsic) || !(vegaPerPoint > 0)) {
      return false;
    }
    double kappa = price / (vol * vegaPerPoint * 100);
    return 4 * EPS * kappa <= 1e-13;
  }

  private void grid() {
    Greeks g = new Greeks();
    double f = 100;
    for (int i = 0; i <= 100; i++) {
      double x = -5 + 0.1 * i;
      double k = f * Math.exp(-x);
      for (int j = 0; j <= 100; j++) {
        double s = 1e-4 * Math.pow(5e4, j / 100.0);
        for (boolean call : new boolean[] {true, false}) {
          Black76.greeks(call, f, k, 1.0, s, 1.0, g);
          double price = g.price();
          double intrinsic = Math.max(call ? f - k : k - f, 0);
          if (!wellPosed(price, intrinsic, s, g.vega())) {
            gridExcluded++;
            continue;
          }
          String at = String.format(Locale.ROOT, "ln(F/K)=%.1f σ√τ=%.3g %s", x, s,
              call ? "call" : "put");
          gridBallast.add(ImpliedVol.solve(call, price, f, k, 1.0, 1.0), s, at);
          gridStrata.add(strataVol(price, f, k, 1.0, call), s, at);
          double own;
          try {
            own = BlackFormulaRepository.price(f, k, 1.0, s, call);
          } catch (RuntimeException e) {
            own = Double.NaN;
          }
          if (own >= 0) {
            gridStrataOwn.add(strataVol(own, f, k, 1.0, call), s, at);
          } else {
            gridStrataOwn.fail();
          }
        }
      }
    }
  }

  private void desk() {
    Greeks g = new Greeks();
    SplittableRandom random = new SplittableRandom(2026);
    for (int n = 0; n < 100_000; n++) {
      boolean call = random.nextBoolean();
      double f = 100;
      double k = f * Math.exp(-(2 * random.nextDouble() - 1));
      double vol = 0.2 + 1.3 * random.nextDouble();
      double t = Math.exp(Math.log(1.0 / 365) + random.nextDouble() * Math.log(730));
      Black76.greeks(call, f, k, t, vol, 1.0, g);
      double intrinsic = Math.max(call ? f - k : k - f, 0);
      if (!wellPosed(g.price(), intrinsic, vol, g.vega())) {
        deskExcluded++;
        continue;
      }
      String at = String.format(Locale.ROOT, "K=%.4g τ=%.4g σ=%.4g %s", k, t, vol,
          call ? "call" : "put");
      deskBallast.add(ImpliedVol.solve(call, g.price(), f, k, t, 1.0), vol, at);
      deskStrata.add(strataVol(g.price(), f, k, t, call), vol, at);
      double[] ours = {g.price(), g.delta(), g.gamma(), g.vega() * 100, g.theta() * 365,
          g.vanna() * 100, g.volga() * 10_000};
      double[] theirs = {
          BlackFormulaRepository.price(f, k, t, vol, call),
          BlackFormulaRepository.delta(f, k, t, vol, call),
          BlackFormulaRepository.gamma(f, k, t, vol),
          BlackFormulaRepository.vega(f, k, t, vol),
          BlackFormulaRepository.theta(f, k, t, vol, call, 0.0),
          BlackFormulaRepository.vanna(f, k, t, vol),
          BlackFormulaRepository.volga(f, k, t, vol)};
      for (int i = 0; i < 7; i++) {
        double scale = Math.max(Math.abs(ours[i]), Math.abs(theirs[i]));
        if (scale > 1e-12) {
          greekDifference[i] = Math.max(greekDifference[i], Math.abs(ours[i] - theirs[i]) / scale);
        }
      }
    }
  }

  void print(PrintStream out) {
    out.println("== Accuracy: implied-volatility round trip |σ̂ − σ|/σ, same input prices for both ==");
    out.printf(Locale.ROOT, "Grid ln(F/K) ∈ [−5, 5] × σ√τ ∈ [1e-4, 5], calls and puts: %d well-posed "
        + "points (%d excluded: underflow or κ·4ε > 1e-13)%n", gridBallast.points, gridExcluded);
    line(out, "  Ballast", gridBallast);
    line(out, "  Strata ", gridStrata);
    line(out, "  Strata on its own prices", gridStrataOwn);
    out.printf(Locale.ROOT, "Desk sample (ln(F/K) ∈ [−1, 1], σ ∈ [0.2, 1.5], τ ∈ [1d, 2y]): %d points "
        + "(%d excluded)%n", deskBallast.points, deskExcluded);
    line(out, "  Ballast", deskBallast);
    line(out, "  Strata ", deskStrata);
    String[] names = {"price", "delta", "gamma", "vega", "theta", "vanna", "volga"};
    StringBuilder sb = new StringBuilder("Greeks, largest relative difference Ballast vs Strata:");
    for (int i = 0; i < 7; i++) {
      sb.append(String.format(Locale.ROOT, " %s %.1e", names[i], greekDifference[i]));
    }
    out.println(sb);
    out.println();
  }

  private static void line(PrintStream out, String name, Tally t) {
    out.printf(Locale.ROOT, "%s: worst %.2e (at %s), failures %d of %d", name, t.worst,
        t.worstAt.isEmpty() ? "-" : t.worstAt, t.failures, t.points);
    if (t.zeros > 0) {
      out.printf(Locale.ROOT, "; σ̂ = 0 returned for %d positive time values, worst elsewhere %.2e",
          t.zeros, t.worstNonZero);
    }
    out.println();
  }
}
