package io.ballast.quant;

/**
 * The out-of-the-money quotes of one expiry, as CONTRACT.md selects them for the smile: puts with
 * strike below the forward, calls with strike at or above it. Quotes without a valid implied volatility
 * (NaN, zero, negative, or an {@link ImpliedVol} sentinel) are left out, and so are in-the-money
 * quotes. The result is sorted by strike (ties keep their input order). Immutable.
 */
public final class OtmQuotes {

  private final double[] strikes;
  private final double[] vols;
  private final double[] weights;

  private OtmQuotes(double[] strikes, double[] vols, double[] weights) {
    this.strikes = strikes;
    this.vols = vols;
    this.weights = weights;
  }

  /**
   * Selects the out-of-the-money quotes among the first {@code n} entries.
   *
   * @param forward  the forward of the expiry, positive
   * @param strikes  strikes
   * @param calls  true for a call, false for a put
   * @param vols  implied volatilities (invalid ones are skipped)
   * @param weights  fit weights (≥ 0), or null for equal weights
   * @param n  the number of entries to read
   * @return the selection, possibly empty
   */
  public static OtmQuotes select(double forward, double[] strikes, boolean[] calls, double[] vols,
      double[] weights, int n) {
    Args.positive(forward, "forward");
    if (n < 0 || strikes.length < n || calls.length < n || vols.length < n
        || (weights != null && weights.length < n)) {
      throw new IllegalArgumentException("arrays shorter than n = " + n);
    }
    int[] kept = new int[n];
    int count = 0;
    for (int i = 0; i < n; i++) {
      double k = strikes[i];
      double v = vols[i];
      boolean otm = calls[i] ? k >= forward : k < forward;
      if (otm && k > 0 && k < Double.POSITIVE_INFINITY && v > 0 && v < Double.POSITIVE_INFINITY) {
        // Insertion by strike, after any equal strike: ties keep their input order. (A chain is a few
        // dozen quotes, refitted often: no boxing, no comparator.)
        int at = count++;
        while (at > 0 && strikes[kept[at - 1]] > k) {
          kept[at] = kept[at - 1];
          at--;
        }
        kept[at] = i;
      }
    }
    double[] k = new double[count];
    double[] v = new double[count];
    double[] w = new double[count];
    for (int j = 0; j < count; j++) {
      int i = kept[j];
      k[j] = strikes[i];
      v[j] = vols[i];
      w[j] = weights == null ? 1.0 : weights[i];
    }
    return new OtmQuotes(k, v, w);
  }

  /** The number of quotes selected. */
  public int size() {
    return strikes.length;
  }

  /** Strikes, ascending (a copy). */
  public double[] strikes() {
    return strikes.clone();
  }

  /** Implied volatilities, by ascending strike (a copy). */
  public double[] vols() {
    return vols.clone();
  }

  /** Fit weights, by ascending strike (a copy). */
  public double[] weights() {
    return weights.clone();
  }

  double[] strikesUnsafe() {
    return strikes;
  }

  double[] volsUnsafe() {
    return vols;
  }

  double[] weightsUnsafe() {
    return weights;
  }
}
