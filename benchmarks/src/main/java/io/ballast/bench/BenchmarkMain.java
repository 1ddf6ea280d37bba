package io.ballast.bench;

import java.util.Collection;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;

/**
 * Entry point of {@code benchmarks.jar}: prints the {@link AccuracyReport}, runs the JMH benchmarks
 * (all of them, or those selected by the usual {@code org.openjdk.jmh.Main} arguments), then prints
 * Ballast and Strata side by side from that same run (and, when they ran, the job's hand-written
 * network serializers against Flink's: {@link NetworkSerializerBenchmark}), followed by the load-robust
 * {@link PairedRatios} cross-check (skip it with {@code -Dballast.noPaired=true}). Listing and help
 * options go straight to {@code org.openjdk.jmh.Main}.
 */
public final class BenchmarkMain {

  private static final Set<String> JMH_ONLY = Set.of("-h", "-help", "--help", "-l", "-lp",
      "-lprof", "-lrf");

  private BenchmarkMain() {
  }

  public static void main(String[] args) throws Exception {
    for (String arg : args) {
      if (JMH_ONLY.contains(arg)) {
        org.openjdk.jmh.Main.main(args);
        return;
      }
    }
    AccuracyReport accuracy = AccuracyReport.compute();
    accuracy.print(System.out);
    Collection<RunResult> results;
    try {
      results = new Runner(new CommandLineOptions(args)).run();
    } catch (org.openjdk.jmh.runner.RunnerException e) {
      System.err.println("JMH: " + e);
      System.exit(1);
      return;
    }
    Map<String, Result<?>> scores = new HashMap<>();
    for (RunResult r : results) {
      String name = r.getParams().getBenchmark();
      scores.put(name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1),
          r.getPrimaryResult());
    }
    System.out.println();
    accuracy.print(System.out);
    System.out.println("== Ballast vs Strata " + strataVersion()
        + ", same JVM run, same inputs (ns/op, mean ± 99.9% CI) ==");
    System.out.printf(Locale.ROOT, "%-24s %18s %18s %9s %22s%n", "operation", "Ballast",
        "Strata", "speed-up", "worst error B / S");
    row(scores, "implied vol", "ImpliedVolBenchmark.ballast", "ImpliedVolBenchmark.strata",
        String.format(Locale.ROOT, "%.1e / %.1e", accuracy.gridBallast.worst,
            accuracy.gridStrata.worst));
    row(scores, "price + 6 greeks", "GreeksBenchmark.ballastGreeks", "GreeksBenchmark.strataGreeks",
        String.format(Locale.ROOT, "Δ ≤ %.0e rel.", max(accuracy.greekDifference)));
    row(scores, "price", "GreeksBenchmark.ballastPrice", "GreeksBenchmark.strataPrice", "");
    row(scores, "SVI fit, 20 strikes", "SviFitBenchmark.ballastSviFit20", null, "");
    row(scores, "SVI refit (warm), 20", "SviFitBenchmark.ballastSviWarmFit20", null, "");
    Result<?> warm = scores.get("SviFitBenchmark.ballastSviWarmFit20");
    Result<?> before = scores.get("SviFitBenchmark.referenceSviWarmFit20");
    if (warm != null && before != null) {
      System.out.printf(Locale.ROOT, "SVI refit before the closed-form inner solve and Newton warm"
          + " start (ReferenceSviCalibration): %s ns/op, %.1f× the time of the current one%n",
          format(before), before.getScore() / warm.getScore());
    }
    if (scores.keySet().stream().anyMatch(k -> k.startsWith("NetworkSerializerBenchmark."))) {
      int[] size = NetworkSerializerBenchmark.sizes();
      System.out.println();
      System.out.println("== Network serializers: hand-written vs Flink's, serialize + deserialize,"
          + " same JVM run (ns/op, mean ± 99.9% CI) ==");
      System.out.printf(Locale.ROOT, "%-24s %18s %18s %9s %22s%n", "record", "hand-written",
          "Flink", "speed-up", "bytes hand / Flink");
      row(scores, "MarketTick", "NetworkSerializerBenchmark.tickHandWritten",
          "NetworkSerializerBenchmark.tickFlink", size[1] + " / " + size[0]);
      row(scores, "MarketSnapshot (88 opt.)", "NetworkSerializerBenchmark.snapshotHandWritten",
          "NetworkSerializerBenchmark.snapshotFlink", size[3] + " / " + size[2]);
    }
    if (!Boolean.getBoolean("ballast.noPaired")) {
      System.out.println();
      PairedRatios paired = new PairedRatios();
      double[] vol = paired.impliedVol();
      double[] greeks = paired.greeks();
      double[] price = paired.price();
      paired.print(System.out, vol, greeks, price);
    }
  }

  private static double max(double[] values) {
    double m = 0;
    for (double v : values) {
      m = Math.max(m, v);
    }
    return m;
  }

  private static void row(Map<String, Result<?>> scores, String label, String ours, String theirs,
      String note) {
    Result<?> a = scores.get(ours);
    Result<?> b = theirs == null ? null : scores.get(theirs);
    if (a == null && b == null) {
      return;
    }
    String speedUp = a != null && b != null
        ? String.format(Locale.ROOT, "%.1f×", b.getScore() / a.getScore()) : "";
    System.out.printf(Locale.ROOT, "%-24s %18s %18s %9s %22s%n", label, format(a), format(b),
        speedUp, note);
  }

  private static String format(Result<?> r) {
    if (r == null) {
      return "-";
    }
    double error = r.getScoreError();
    return Double.isNaN(error)
        ? String.format(Locale.ROOT, "%.1f", r.getScore())
        : String.format(Locale.ROOT, "%.1f ± %.1f", r.getScore(), error);
  }

  private static String strataVersion() {
    Package p = com.opengamma.strata.pricer.impl.option.BlackFormulaRepository.class.getPackage();
    String v = p == null ? null : p.getImplementationVersion();
    return v == null ? "2.12.48" : v;
  }
}
