package io.ballast.bench;

import com.opengamma.strata.pricer.impl.option.BlackFormulaRepository;
import io.ballast.quant.ImpliedVol;
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

/** Nanoseconds per implied volatility: Ballast (Let's Be Rational) vs Strata, same inputs. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
@State(Scope.Thread)
public class ImpliedVolBenchmark {

  static final int N = 1024;

  private OptionSample sample;

  @Setup
  public void setUp() {
    sample = OptionSample.create(N);
  }

  @Benchmark
  @OperationsPerInvocation(N)
  public double ballast() {
    OptionSample s = sample;
    double sum = 0;
    for (int i = 0; i < N; i++) {
      sum += ImpliedVol.solve(s.call[i], s.price[i], s.forward[i], s.strike[i], s.timeToExpiry[i],
          1.0);
    }
    return sum;
  }

  @Benchmark
  @OperationsPerInvocation(N)
  public double strata() {
    OptionSample s = sample;
    double sum = 0;
    for (int i = 0; i < N; i++) {
      sum += BlackFormulaRepository.impliedVolatility(s.price[i], s.forward[i], s.strike[i],
          s.timeToExpiry[i], s.call[i]);
    }
    return sum;
  }
}
