package io.ballast.bench;

import com.opengamma.strata.pricer.impl.option.BlackFormulaRepository;
import io.ballast.quant.Black76;
import io.ballast.quant.Greeks;
import io.ballast.quant.ImpliedVol;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.DoubleSupplier;

/**
 * A cross-check of the JMH ratios that is robust to a busy machine: after a warm-up, Ballast and
 * Strata are timed in alternating rounds of about 20 ms each, on the same {@link OptionSample}, and the
 * median of the per-round ratios is reported. JMH runs one benchmark after the other, so load that
 * comes and goes between them skews its ratios; alternating rounds see the same load.
 */
final class PairedRatios {

  private static final int ROUNDS = 41;

  private final OptionSample sample = OptionSample.create(ImpliedVolBenchmark.N);
  private final Greeks greeks = new Greeks();
  private double sink;

  double[] impliedVol() {
    return paired(this::ballastVol, this::strataVol);
  }

  double[] greeks() {
    return paired(this::ballastGreeks, this::strataGreeks);
  }

  double[] price() {
    return paired(this::ballastPrice, this::strataPrice);
  }

  /** Median ns/op of each and the median of the per-round ratios Strata/Ballast. */
  private double[] paired(DoubleSupplier ours, DoubleSupplier theirs) {
    long deadline = System.nanoTime() + 3_000_000_000L;
    while (System.nanoTime() < deadline) { // warm-up: JIT both
      sink += ours.getAsDouble() + theirs.getAsDouble();
    }
    int repeat = Math.max(1, (int) (20e6 / Math.max(1, time(theirs))));
    double[] a = new double[ROUNDS];
    double[] b = new double[ROUNDS];
    double[] ratio = new double[ROUNDS];
    for (int r = 0; r < ROUNDS; r++) {
      long t0 = System.nanoTime();
      for (int i = 0; i < repeat; i++) {
        sink += ours.getAsDouble();
      }
      long t1 = System.nanoTime();
      for (int i = 0; i < repeat; i++) {
        sink += theirs.getAsDouble();
      }
      long t2 = System.nanoTime();
      a[r] = (t1 - t0) / (double) repeat / sample.size;
      b[r] = (t2 - t1) / (double) repeat / sample.size;
      ratio[r] = b[r] / a[r];
    }
    return new double[] {median(a), median(b), median(ratio)};
  }

  private static long time(DoubleSupplier op) {
    long t0 = System.nanoTime();
    op.getAsDouble();
    return System.nanoTime() - t0;
  }

  private static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    return v[v.length / 2];
  }

  private double ballastVol() {
    OptionSample s = sample;
    double sum = 0;
    for (int i = 0; i < s.size; i++) {
      sum += ImpliedVol.solve(s.call[i], s.price[i], s.forward[i], s.strike[i], s.timeToExpiry[i], 1);
    }
    return sum;
  }

  private double strataVol() {
    OptionSample s = sample;
    double sum = 0;
    for (int i = 0; i < s.size; i++) {
      sum += BlackFormulaRepository.impliedVolatility(s.price[i], s.forward[i], s.strike[i],
          s.timeToExpiry[i], s.call[i]);
    }
    return sum;
  }

  private double ballastGreeks() {
    OptionSample s = sample;
    Greeks g = greeks;
    double sum = 0;
    for (int i = 0; i < s.size; i++) {
      Black76.greeks(s.call[i], s.forward[i], s.strike[i], s.timeToExpiry[i], s.vol[i], 1.0, g);
      sum += g.price() + g.delta() + g.gamma() + g.vega() + g.theta() + g.vanna() + g.volga();
    }
    return sum;
  }

  private double strataGreeks() {
    OptionSample s = sample;
    double sum = 0;
    for (int i = 0; i < s.size; i++) {
      double f = s.forward[i];
      double k = s.strike[i];
      double t = s.timeToExpiry[i];
      double v = s.vol[i];
      boolean c = s.call[i];
      sum += BlackFormulaRepository.price(f, k, t, v, c) + BlackFormulaRepository.delta(f, k, t, v, c)
          + BlackFormulaRepository.gamma(f, k, t, v) + BlackFormulaRepository.vega(f, k, t, v)
          + BlackFormulaRepository.theta(f, k, t, v, c, 0.0) + BlackFormulaRepository.vanna(f, k, t, v)
          + BlackFormulaRepository.volga(f, k, t, v);
    }
    return sum;
  }

  private double ballastPrice() {
    OptionSample s = sample;
    double sum = 0;
    for (int i = 0; i < s.size; i++) {
      sum += Black76.price(s.call[i], s.forward[i], s.strike[i], s.timeToExpiry[i], s.vol[i], 1.0);
    }
    return sum;
  }

  private double strataPrice() {
    OptionSample s = sample;
    double sum = 0;
    for (int i = 0; i < s.size; i++) {
      sum += BlackFormulaRepository.price(s.forward[i], s.strike[i], s.timeToExpiry[i], s.vol[i],
          s.call[i]);
    }
    return sum;
  }

  void print(PrintStream out, double[] vol, double[] greeks, double[] price) {
    out.println("== Cross-check robust to machine load: alternating ~20 ms rounds, medians of 41 ==");
    out.printf(Locale.ROOT, "%-24s %12s %12s %16s%n", "operation", "Ballast ns", "Strata ns",
        "speed-up (median)");
    line(out, "implied vol", vol);
    line(out, "price + 6 greeks", greeks);
    line(out, "price", price);
    if (sink == 42) {
      out.println();
    }
  }

  private static void line(PrintStream out, String label, double[] r) {
    out.printf(Locale.ROOT, "%-24s %12.1f %12.1f %15.1f×%n", label, r[0], r[1], r[2]);
  }
}
