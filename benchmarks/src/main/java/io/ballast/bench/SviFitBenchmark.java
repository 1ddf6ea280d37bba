package io.ballast.bench;

import io.ballast.quant.ReferenceSviCalibration;
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
 *
 * <p>The warm benchmarks time a refit as the market stage does it: a sequence of {@value #STEPS}
 * smiles whose parameters and forward drift a little from one to the next and where two strikes are
 * re-quoted (0.1 vol point noise), each fit warm-started from the previous step's fit.
 * {@code ballastSviWarmFit20} runs {@code SmileFitter}; {@code referenceSviWarmFit20} runs the
 * calibration as it was before the closed-form inner solve ({@link ReferenceSviCalibration}), on the same
 * inputs and warm starts, so that one run compares them ({@code referenceSviFit20}: the same for
 * the fit from scratch).
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

  static final int STEPS = 256;

  double[] strikes;
  double[] vols;
  double[][] seqStrikes;
  double[][] seqVols;
  double[] seqForward;
  SmileFitter.WarmStart[] seqStart;
  int next;

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
    warmSequence(truth, random);
  }

  private void warmSequence(SviParameters truth, SplittableRandom random) {
    seqStrikes = new double[STEPS][STRIKES];
    seqVols = new double[STEPS][STRIKES];
    seqForward = new double[STEPS];
    seqStart = new SmileFitter.WarmStart[STEPS];
    double[] noise = new double[STRIKES];
    for (int i = 0; i < STRIKES; i++) {
      noise[i] = 0.001 * (2 * random.nextDouble() - 1);
    }
    SviParameters p = truth;
    double forward = FORWARD;
    Smile previous = null;
    for (int step = 0; step < STEPS; step++) {
      double width = 3.5 * Math.sqrt(p.totalVariance(0));
      for (int i = 0; i < STRIKES; i++) {
        double k = -width + 2 * width * i / (STRIKES - 1);
        seqStrikes[step][i] = forward * Math.exp(k);
        seqVols[step][i] = Math.sqrt(p.totalVariance(k) / TAU) + noise[i];
      }
      seqForward[step] = forward;
      Smile fit = SmileFitter.fit(forward, TAU, seqStrikes[step], seqVols[step], null, STRIKES);
      // the first step refits its own data; every other one starts from the previous step's fit
      Smile from = previous == null ? fit : previous;
      seqStart[step] = new SmileFitter.WarmStart(from.svi(), from.rmse());
      previous = fit;
      p = SviParameters.of(p.a() * (1 + 0.002 * gaussian(random)),
          p.b() * (1 + 0.002 * gaussian(random)),
          Math.max(-0.9, Math.min(0.9, p.rho() + 0.002 * gaussian(random))),
          p.m() + 0.0005 * gaussian(random), p.sigma() * (1 + 0.002 * gaussian(random)));
      forward *= 1 + 0.001 * gaussian(random);
      noise[random.nextInt(STRIKES)] = 0.001 * (2 * random.nextDouble() - 1);
      noise[random.nextInt(STRIKES)] = 0.001 * (2 * random.nextDouble() - 1);
    }
  }

  private static double gaussian(SplittableRandom random) {
    double u = 1 - random.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
  }

  @Benchmark
  public Smile ballastSviFit20() {
    return SmileFitter.fit(FORWARD, TAU, strikes, vols, null, STRIKES);
  }

  /** The fit from scratch of {@link #ballastSviFit20} by {@link ReferenceSviCalibration}. */
  @Benchmark
  public ReferenceSviCalibration.Fit referenceSviFit20() {
    return ReferenceSviCalibration.fit(FORWARD, TAU, strikes, vols, STRIKES, null);
  }

  @Benchmark
  public Smile ballastSviWarmFit20() {
    int i = next;
    next = (i + 1) % STEPS;
    return SmileFitter.fit(seqForward[i], TAU, seqStrikes[i], seqVols[i], null, STRIKES,
        seqStart[i], null);
  }

  @Benchmark
  public ReferenceSviCalibration.Fit referenceSviWarmFit20() {
    int i = next;
    next = (i + 1) % STEPS;
    return ReferenceSviCalibration.fit(seqForward[i], TAU, seqStrikes[i], seqVols[i], STRIKES, seqStart[i]);
  }
}
