package io.ballast.bench;

import com.opengamma.strata.pricer.impl.option.BlackFormulaRepository;
import io.ballast.quant.Black76;
import io.ballast.quant.Greeks;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Nanoseconds per option for the price and all greeks (delta, gamma, vega, theta, vanna, volga).
 * Ballast fills a reused {@link Greeks} in one call; Strata's {@code BlackFormulaRepository} has one
 * static method per greek, called in turn. Price alone is measured as well.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
@State(Scope.Thread)
public class GreeksBenchmark {

  static final int N = 1024;

  private OptionSample sample;
  private final Greeks greeks = new Greeks();

  @Setup
  public void setUp() {
    sample = OptionSample.create(N);
  }

  @Benchmark
  @OperationsPerInvocation(N)
  public double ballastGreeks() {
    OptionSample s = sample;
    Greeks g = greeks;
    double sum = 0;
    for (int i = 0; i < N; i++) {
      Black76.greeks(s.call[i], s.forward[i], s.strike[i], s.timeToExpiry[i], s.vol[i], 1.0, g);
      sum += g.price() + g.delta() + g.gamma() + g.vega() + g.theta() + g.vanna() + g.volga();
    }
    return sum;
  }

  @Benchmark
  @OperationsPerInvocation(N)
  public double strataGreeks() {
    OptionSample s = sample;
    double sum = 0;
    for (int i = 0; i < N; i++) {
      double f = s.forward[i];
      double k = s.strike[i];
      double t = s.timeToExpiry[i];
      double v = s.vol[i];
      boolean c = s.call[i];
      sum += BlackFormulaRepository.price(f, k, t, v, c)
          + BlackFormulaRepository.delta(f, k, t, v, c)
          + BlackFormulaRepository.gamma(f, k, t, v)
          + BlackFormulaRepository.vega(f, k, t, v)
          + BlackFormulaRepository.theta(f, k, t, v, c, 0.0)
          + BlackFormulaRepository.vanna(f, k, t, v)
          + BlackFormulaRepository.volga(f, k, t, v);
    }
    return sum;
  }

  @Benchmark
  @OperationsPerInvocation(N)
  public double ballastPrice() {
    OptionSample s = sample;
    double sum = 0;
    for (int i = 0; i < N; i++) {
      sum += Black76.price(s.call[i], s.forward[i], s.strike[i], s.timeToExpiry[i], s.vol[i], 1.0);
    }
    return sum;
  }

  @Benchmark
  @OperationsPerInvocation(N)
  public double strataPrice() {
    OptionSample s = sample;
    double sum = 0;
    for (int i = 0; i < N; i++) {
      sum += BlackFormulaRepository.price(s.forward[i], s.strike[i], s.timeToExpiry[i], s.vol[i],
          s.call[i]);
    }
    return sum;
  }
}
