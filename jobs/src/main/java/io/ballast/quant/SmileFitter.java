package io.ballast.quant;

/**
 * Fits the {@link Smile} of one expiry to quoted implied volatilities.
 *
 * <p><b>Objective.</b> Weighted least squares in total variance w = σ²τ against k = ln(K/F):
 * minimise Σ ωᵢ (w(kᵢ) − wᵢ)² with ωᵢ = weightᵢ / wᵢ. Since Δw ≈ 2σ√τ·√τ·Δσ, this weighting makes
 * every residual count like its error in volatility (times the caller's weight), so short and long
 * expiries, wings and centre are treated alike.
 *
 * <p><b>Raw SVI (five strikes or more)</b>, by the quasi-explicit reduction of Zeliade Systems
 * ("Quasi-explicit calibration of Gatheral's SVI model", Zeliade white paper, 2009). With
 * y = (k − m)/σ, raw SVI is w = a + d·y + c·√(y² + 1) with c = bσ and d = ρbσ, which for fixed (m, σ)
 * is linear in (a, d, c). The inner problem is therefore a three-variable quadratic program, solved
 * exactly and in closed form: one pass over the quotes builds the 3 × 3 normal equations, whose
 * inverse gives the unconstrained minimum and, when that violates constraints, the minimum on each
 * active set of the linear constraints (a 1 × 1 to 3 × 3 system for the multipliers) until the
 * Karush–Kuhn–Tucker conditions hold:
 * <ul>
 *   <li>|d| ≤ c (|ρ| ≤ 1, b ≥ 0);</li>
 *   <li>c + |d| ≤ 4σ, i.e. b(1 + |ρ|) ≤ 4: wings no steeper than the Rogers–Lee bound on total
 *       variance;</li>
 *   <li>a + c − |d| ≥ 0, a linear sufficient condition for a non-negative minimum
 *       a + bσ√(1 − ρ²) (since √(c² − d²) ≥ c − |d|), and a ≤ max wᵢ.</li>
 * </ul>
 * The outer problem in (m, ln σ), two-dimensional and smooth, starts from the best point of a fixed
 * 6 × 6 grid and is finished by two rounds of Nelder–Mead with m ∈ [k_min − R, k_max + R] and
 * σ ∈ [10⁻⁴, 4·max(R, 1/4)], R = k_max − k_min. Everything is deterministic. Compared with
 * Levenberg–Marquardt on all five parameters this cannot wander into the degenerate valleys of SVI
 * (the linear parameters are always optimal for the current (m, σ)) and needs no starting guess for
 * a, b, ρ; a 20-strike fit takes some tens of microseconds (see docs/quant.md for the benchmark).
 *
 * <p><b>Refits.</b> Given the previous fit of the expiry ({@link WarmStart}), the outer search skips
 * the grid and takes Newton steps from the previous (m, ln σ), with the gradient and Hessian of the
 * outer objective from central differences (five evaluations a step, spacing shrinking with the
 * step) and each step required to go downhill, until a step is shorter than 1e-8 (m in units of R,
 * and ln σ) — quadratic convergence, so the result is at least as close to the optimum as
 * Nelder–Mead's 1e-8 simplex. Should a step fail (Hessian not positive definite, not downhill, the
 * box reached), one round of Nelder–Mead with a small simplex continues from the best point, to the
 * same tolerance. The result is kept only if it is not clearly worse than the previous fit and not
 * on the search box; otherwise the fit searches from scratch. A streaming refit of 20 strikes where
 * a few quotes moved takes about 27 evaluations instead of about 107 with Nelder–Mead
 * (SviWarmSequenceTest).
 *
 * <p><b>Fewer than five strikes:</b> a weighted straight line w = α + βk (one strike: flat).
 *
 * <p>The fit is not forced to be free of butterfly arbitrage; {@link Smile#butterflyArbitrageFree()}
 * reports the check.
 */
public final class SmileFitter {

  /** The least number of strikes for an SVI fit; below it the smile is linear in k. */
  public static final int MIN_SVI_POINTS = 5;

  private SmileFitter() {
  }

  /**
   * Fits out-of-the-money quotes selected by {@link OtmQuotes}.
   *
   * @param forward  the forward of the expiry
   * @param timeToExpiry  τ in years, positive
   * @param quotes  at least one quote
   * @return the fitted smile
   */
  public static Smile fit(double forward, double timeToExpiry, OtmQuotes quotes) {
    return fit(forward, timeToExpiry, quotes, null, null);
  }

  /**
   * Fits out-of-the-money quotes selected by {@link OtmQuotes}, starting from a previous fit when one
   * is given (see {@link WarmStart}), adding what it took to {@code stats} when that is not null.
   */
  public static Smile fit(double forward, double timeToExpiry, OtmQuotes quotes, WarmStart start,
      Stats stats) {
    return fit(forward, timeToExpiry, quotes.strikesUnsafe(), quotes.volsUnsafe(),
        quotes.weightsUnsafe(), quotes.size(), start, stats);
  }

  /**
   * Fits the first {@code n} quotes (any order; the caller selects which options to use, normally
   * the out-of-the-money ones, see {@link OtmQuotes}).
   *
   * @param forward  the forward, positive
   * @param timeToExpiry  τ in years, positive
   * @param strikes  strikes, positive
   * @param vols  implied volatilities, positive
   * @param weights  weights ≥ 0 (not all zero), or null for equal weights
   * @param n  the number of quotes, at least 1
   * @return the fitted smile
   * @throws IllegalArgumentException for invalid input, naming the bad value
   */
  public static Smile fit(double forward, double timeToExpiry, double[] strikes, double[] vols,
      double[] weights, int n) {
    return fit(forward, timeToExpiry, strikes, vols, weights, n, null, null);
  }

  /**
   * As {@link #fit(double, double, double[], double[], double[], int)}, starting the SVI search from
   * a previous fit when one is given (see {@link WarmStart}), and adding what it took to
   * {@code stats} when that is not null.
   *
   * @param start  the previous SVI fit of this expiry and its rmse, or null for a search from scratch
   * @param stats  counters to add to, or null
   */
  public static Smile fit(double forward, double timeToExpiry, double[] strikes, double[] vols,
      double[] weights, int n, WarmStart start, Stats stats) {
    Args.positive(forward, "forward");
    Args.positive(timeToExpiry, "timeToExpiry");
    if (n < 1) {
      throw new IllegalArgumentException("at least one quote is needed, n was " + n);
    }
    if (strikes.length < n || vols.length < n || (weights != null && weights.length < n)) {
      throw new IllegalArgumentException("arrays shorter than n = " + n);
    }
    double[] k = new double[n];
    double[] w = new double[n];
    double[] omega = new double[n];
    double minStrike = Double.POSITIVE_INFINITY;
    double maxStrike = 0.0;
    double weightSum = 0.0;
    for (int i = 0; i < n; i++) {
      // The element's name is written only when it fails: this loop runs for every refit.
      double strike = Args.positive(strikes, i, "strikes");
      double vol = Args.positive(vols, i, "vols");
      double weight = weights == null ? 1.0 : Args.nonNegative(weights, i, "weights");
      minStrike = Math.min(minStrike, strike);
      maxStrike = Math.max(maxStrike, strike);
      k[i] = Math.log(strike / forward);
      w[i] = vol * vol * timeToExpiry;
      omega[i] = weight / w[i];
      weightSum += weight;
    }
    if (!(weightSum > 0)) {
      throw new IllegalArgumentException("weights must not all be zero");
    }
    if (n >= MIN_SVI_POINTS) {
      SviCalibration calibration = new SviCalibration(k, w, omega);
      SviParameters svi = null;
      double rmse = Double.NaN;
      if (start != null) {
        svi = calibration.calibrateFrom(start.svi().m(), start.svi().sigma());
        rmse = rmse(k, vols, n, timeToExpiry, svi, 0, 0);
        boolean accepted = !calibration.atBound() && rmse <= start.acceptableRmse();
        if (stats != null) {
          stats.warmStarts++;
          stats.warmRejected += accepted ? 0 : 1;
        }
        if (!accepted) {
          svi = null;
        }
      }
      if (svi == null) {
        svi = calibration.calibrate();
        rmse = rmse(k, vols, n, timeToExpiry, svi, 0, 0);
      }
      if (stats != null) {
        stats.sviFits++;
        stats.evaluations += calibration.evaluations();
      }
      return Smile.svi(forward, timeToExpiry, svi, minStrike, maxStrike, n, rmse);
    }
    if (stats != null) {
      stats.linearFits++;
    }
    double sw = 0;
    double sk = 0;
    double sy = 0;
    for (int i = 0; i < n; i++) {
      sw += omega[i];
      sk += omega[i] * k[i];
      sy += omega[i] * w[i];
    }
    double kBar = sk / sw;
    double yBar = sy / sw;
    double sxx = 0;
    double sxy = 0;
    for (int i = 0; i < n; i++) {
      double dk = k[i] - kBar;
      sxx += omega[i] * dk * dk;
      sxy += omega[i] * dk * (w[i] - yBar);
    }
    double slope = sxx > 0 ? sxy / sxx : 0.0;
    double intercept = yBar - slope * kBar;
    double rmse = rmse(k, vols, n, timeToExpiry, null, intercept, slope);
    return Smile.linear(forward, timeToExpiry, intercept, slope, minStrike, maxStrike, n, rmse);
  }

  private static double rmse(double[] k, double[] vols, int n, double timeToExpiry,
      SviParameters svi, double intercept, double slope) {
    double sum = 0;
    for (int i = 0; i < n; i++) {
      double w = svi != null ? svi.totalVariance(k[i]) : intercept + slope * k[i];
      double e = Math.sqrt(Math.max(w, 0.0) / timeToExpiry) - vols[i];
      sum += e * e;
    }
    return Math.sqrt(sum / n);
  }

  /**
   * A previous SVI fit of the same expiry to start the search from: the smile of an expiry moves
   * little between two fits, so a local search around the previous (m, σ) finds the new optimum with
   * far fewer evaluations than the grid. Its result is taken only when it is not clearly worse than
   * the previous fit (rmse at most {@value #RMSE_FACTOR} times the previous rmse plus
   * {@value #RMSE_SLACK} in vol) and does not lie on the search box; otherwise the fit starts from
   * scratch, exactly as without a start.
   *
   * @param svi  the previous parameters
   * @param rmse  the previous fit's rmse (in vol)
   */
  public record WarmStart(SviParameters svi, double rmse) {

    /** How much worse than the previous rmse a warm result may be (factor, then vol). */
    public static final double RMSE_FACTOR = 1.5;
    public static final double RMSE_SLACK = 2e-5;

    /** Checks the arguments. */
    public WarmStart {
      if (svi == null) {
        throw new IllegalArgumentException("svi must not be null");
      }
      Args.nonNegative(rmse, "rmse");
    }

    double acceptableRmse() {
      return RMSE_FACTOR * rmse + RMSE_SLACK;
    }
  }

  /** What fits took, added up: for metrics and tests. Not thread-safe. */
  public static final class Stats {
    long sviFits;
    long linearFits;
    long evaluations;
    long warmStarts;
    long warmRejected;

    /** SVI fits (five strikes or more). */
    public long sviFits() {
      return sviFits;
    }

    /** Linear fits (fewer than five strikes). */
    public long linearFits() {
      return linearFits;
    }

    /** Inner solves of the SVI calibration (objective evaluations), over all SVI fits. */
    public long evaluations() {
      return evaluations;
    }

    /** SVI fits given a warm start. */
    public long warmStarts() {
      return warmStarts;
    }

    /** Warm starts whose result was not taken (the fit then started from scratch). */
    public long warmRejected() {
      return warmRejected;
    }
  }
}
