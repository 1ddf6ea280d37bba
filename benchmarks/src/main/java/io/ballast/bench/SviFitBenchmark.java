package io.ballast.bench;

import io.ballast.quant.Smile;
import io.ballast.quant.SmileFitter;
import io.ballast.quant.SviParameters;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Nanoseconds per raw-SVI fit of one expiry with 20 strikes (ATM ± 3.5 standard deviations, vols
 * from a known smile plus 0.1 vol point of deterministic noise). Strata has no raw-SVI calibrator
 * to compare with, so this one is Ballast only.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
@State(Scope.Thread)
public class SviFitBenchmark {

  static final int STRIKES = 20;
  static final double FORWARD = 97_000;
  static final double TAU = 30.0 / 365;

  double[] strikes;
  double[] vols;

  @Setup
  public void setUp() {
    SviParameters truth = SviParameters.of(0.015, 0.12, -0.25, 0.02, 0.12);
    SplittableRandom random = new SplittableRandom(11);
    strikes = new double[STRIKES];
    vols = new double[STRIKES];
    double width = 3.5 * Math.sqrt(truth.totalVariance(0));
    for (int i = 0; i < STRIKES; i++) {
      double k = -width + 2 * width * i / (STRIKES - 1);
      strikes[i] = FORWARD * Math.exp(k);
      vols[i] = Math.sqrt(truth.totalVariance(k) / TAU) + 0.001 * (2 * random.nextDouble() - 1);
    }
  }

  @Benchmark
  public Smile ballastSviFit20() {
    return SmileFitter.fit(FORWARD, TAU, strikes, vols, null, STRIKES);
  }
}
