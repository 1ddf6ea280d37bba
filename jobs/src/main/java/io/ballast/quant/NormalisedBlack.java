package io.ballast.quant;

/**
 * The normalised Black function of Jäckel, "Let's Be Rational" (2015), for an out-of-the-money call.
 *
 * <p>With log-moneyness x = ln(F/K) ≤ 0 and total volatility s = σ√T, the undiscounted price of
 * the out-of-the-money option is √(FK)·b(x, s) with
 * <pre>
 *   b(x, s) = e^{x/2} Φ(h + t) − e^{−x/2} Φ(h − t),   h = x/s,  t = s/2,
 *           = b'(s) · [Y(h + t) − Y(h − t)],            Y(z) = Φ(z)/φ(z),
 *   b'(s)   = ∂b/∂s = exp(−(h² + t²)/2) / √(2π).
 * </pre>
 * Any call or put maps to this case: a put at x equals a call at −x, and an in-the-money option is
 * its intrinsic value plus the out-of-the-money one (put–call parity).
 *
 * <p>The difference of the two terms cancels badly when s is small, so {@link #scaled} evaluates
 * S = Y(h + t) − Y(h − t) in four regions, each free of catastrophic cancellation:
 * <ol>
 *   <li>h + t ≤ −{@value #ASYMPTOTIC_LIMIT}: the asymptotic (Laplace) series of Y, differenced term by term in
 *       closed form (all terms of each difference have one sign);</li>
 *   <li>t &lt; {@value #SMALL_T} and |x| &lt; {@value #SMALL_T_MAX_X}: the Taylor series of S in t, whose odd coefficients are the
 *       derivatives of Y at h, obtained by the recurrence Y⁽ⁿ⁺¹⁾ = h·Y⁽ⁿ⁾ + n·Y⁽ⁿ⁻¹⁾;</li>
 *   <li>h + t &lt; 0 otherwise: S from the scaled complementary error function, Y(z) = √(π/2)·erfcx(−z/√2);</li>
 *   <li>h + t ≥ 0 (s above √(2|x|)): the price itself, e^{x/2}Φ(h + t) minus a small erfcx term.</li>
 * </ol>
 * The tests compare against 50-digit references over a wide (x, s) grid.
 *
 * <p>Package-private: the public entry points are {@link Black76} and {@link ImpliedVol}.
 */
final class NormalisedBlack {

  /** Taylor expansion in t below this value of t = s/2 (Jäckel uses 2·ε^{1/16} ≈ 0.21). */
  static final double SMALL_T = 0.21;
  /** ... and only while |x| is below this (beyond it the Taylor coefficients cancel). */
  static final double SMALL_T_MAX_X = 3.0;
  /** Asymptotic expansion when h + t is below minus this value. */
  static final double ASYMPTOTIC_LIMIT = 12.0;

  static final double SQRT_PI_OVER_2 = 1.2533141373155003;
  private static final double INV_SQRT2 = 0.7071067811865476;
  private static final double EPS = 0x1p-53;

  private NormalisedBlack() {
  }

  /**
   * b(x, s) for x ≤ 0.
   *
   * @param x  log-moneyness ln(F/K), at most 0
   * @param s  total volatility σ√T, at least 0
   * @return the normalised out-of-the-money call price, in [0, e^{x/2})
   */
  static double otmCall(double x, double s) {
    if (!(s > 0)) {
      return 0.0;
    }
    double h = x / s;
    double t = 0.5 * s;
    return otmCall(h, t, vega(h, t), Math.exp(0.5 * x));
  }

  /**
   * b for h = x/s ≤ 0 and t = s/2 &gt; 0, given the normalised vega b' = {@link #vega(double, double)}
   * and bMax = e^{x/2}, so that no exponential is evaluated here.
   */
  static double otmCall(double h, double t, double vega, double bMax) {
    if (h + t >= 0 && !(t < SMALL_T && -2.0 * h * t < SMALL_T_MAX_X)) {
      // Region 4: no cancellation to speak of (b ≥ b(x, √(2|x|)) ≥ about a third of e^{x/2}).
      // Φ(h + t) ≥ 1/2 here, so 1 − erfc/2 loses nothing.
      return bMax * (1.0 - 0.5 * ErrorFunction.erfc((h + t) * INV_SQRT2)) - vega * millsY(h - t);
    }
    return vega * scaled(h, t);
  }

  /**
   * {@link #otmCall(double, double, double, double)} for the implied-volatility solver, one
   * exponential cheaper in region 4: there e^{x/2}Φ(−h−t) = b'·Y(−h−t), because
   * (h + t)²/2 = (h² + t²)/2 + x/2, so b = e^{x/2} − b'·(Y(−h−t) + Y(h−t)) needs no erfc (whose
   * e^{−(h+t)²/2} would be a second exponential next to the one already in b'). b ≥ b(x, 0.42) there
   * and the subtracted sum is below e^{x/2}, so the difference loses at most a few ulp.
   */
  static double otmCallForSolver(double h, double t, double vega, double bMax) {
    if (h + t >= 0 && !(t < SMALL_T && -2.0 * h * t < SMALL_T_MAX_X)) {
      return bMax - vega * (millsY(-(h + t)) + millsY(h - t));
    }
    return vega * scaled(h, t);
  }

  /**
   * e^{x/2} − b(x, s) = e^{x/2}Φ(−h − t) + e^{−x/2}Φ(h − t) for x ≤ 0, without cancellation:
   * the distance of the price from its limit for s → ∞. Arguments as for
   * {@link #otmCall(double, double, double, double)}; valid while h + t &lt; ~37 (Y overflows beyond).
   */
  static double otmCallComplement(double h, double t, double vega) {
    // e^{x/2}Φ(−h−t) = b'·Y(−h−t) and e^{−x/2}Φ(h−t) = b'·Y(h−t): a sum of two positive terms.
    return vega * (millsY(-(h + t)) + millsY(h - t));
  }

  /** The normalised vega b'(s) = exp(−(h² + t²)/2)/√(2π), with h = x/s and t = s/2. */
  static double vega(double h, double t) {
    return NormalDistribution.INV_SQRT_2PI * Math.exp(-0.5 * (h * h + t * t));
  }

  /** Y(z) = Φ(z)/φ(z) for z ≤ 0 (finite for all z; overflows only for z above ~37). */
  static double millsY(double z) {
    return SQRT_PI_OVER_2 * ErrorFunction.erfcx(-z * INV_SQRT2);
  }

  /** |x| below which {@link #scaledForSolver} still uses the Taylor series. */
  private static final double SOLVER_SMALL_T_MAX_X = 0.1;

  /**
   * {@link #scaled} for the implied-volatility solver's lowest branch, where b is tiny and its
   * elasticity E = s b'/b ≈ h² large: between |x| = 0.1 and 3 it uses the erfcx difference (two
   * independent rational functions) instead of the longer Taylor recurrence. Its extra rounding,
   * about 8ε/|x| relative in b, is divided by E on the way to σ, so the solver stays within
   * 7.2e-15 on the test grids (1.3e-15 with the Taylor series down to |x| = 0.5, at about 17 ns more
   * per solve on the benchmark sample); {@link Black76} keeps the more accurate {@link #scaled}.
   */
  static double scaledForSolver(double h, double t) {
    double u1 = -(h + t);
    if (u1 > ASYMPTOTIC_LIMIT) {
      return asymptotic(u1, t - h, -h, t);
    }
    if (t < SMALL_T && -2.0 * h * t < SOLVER_SMALL_T_MAX_X) {
      return smallT(h, t);
    }
    return millsY(h + t) - millsY(h - t);
  }

  /**
   * S(h, t) = Y(h + t) − Y(h − t) = b/b', for h ≤ 0 and t > 0 (regions 1 to 3; region 4 also
   * works but is slower and overflows for h + t above ~37).
   */
  static double scaled(double h, double t) {
    double u1 = -(h + t);
    if (u1 > ASYMPTOTIC_LIMIT) {
      return asymptotic(u1, t - h, -h, t);
    }
    if (t < SMALL_T && -2.0 * h * t < SMALL_T_MAX_X) {
      return smallT(h, t);
    }
    return millsY(h + t) - millsY(h - t);
  }

  /**
   * Asymptotic series Y(−u) ~ Σ_k (−1)^k (2k−1)!! / u^{2k+1}, differenced term by term:
   * A_n = u1^{−n} − u2^{−n} obeys A_{n+2} = A_n/u1² + u2^{−n}·(u2² − u1²)/(u1 u2)², all positive.
   */
  private static double asymptotic(double u1, double u2, double q, double t) {
    double inv1 = 1.0 / (u1 * u1);
    double inv2 = 1.0 / (u2 * u2);
    double p = u1 * u2;
    double cross = 4.0 * q * t / (p * p); // (u2² − u1²)/(u1 u2)² with u2² − u1² = 4qt
    double a = 2.0 * t / p; // A_1
    double c = 1.0 / u2; // u2^{-1}
    double sum = a;
    double coefficient = 1.0; // (2k−1)!! with sign
    for (int k = 1; k < 60; k++) {
      a = a * inv1 + c * cross; // A_{2k+1}
      c *= inv2;
      coefficient *= -(2 * k - 1);
      double term = coefficient * a;
      sum += term;
      if (Math.abs(term) <= EPS * 0.25 * Math.abs(sum)) {
        break;
      }
    }
    return sum;
  }

  /** 1/((n+1)(n+2)) for odd n, so that t^{n+2}/(n+2)! = t^n/n! · t² · RECIPROCALS[n/2]. */
  private static final int TAYLOR_TERMS = 8;
  private static final double[] RECIPROCALS = new double[TAYLOR_TERMS];

  static {
    for (int i = 0; i < RECIPROCALS.length; i++) {
      int n = 2 * i + 1;
      RECIPROCALS[i] = 1.0 / ((n + 1) * (n + 2));
    }
  }

  /** Taylor series S = 2 Σ_{n odd} Y⁽ⁿ⁾(h) tⁿ/n!. */
  private static double smallT(double h, double t) {
    double y0 = millsY(h);
    double y1 = Math.fma(h, y0, 1.0); // Y' = 1 + hY
    double c = t; // tⁿ/n!
    double sum = y1 * t;
    double tt = t * t;
    double y = y1; // Y⁽ⁿ⁾, n odd
    double yPrev = y0; // Y⁽ⁿ⁻¹⁾
    // A fixed number of terms, to t¹⁷/17!: for t < 0.21 and h ≤ 0 the next one is below 1e-19
    // relative, and a fixed trip count keeps the loop exit off the branch predictor.
    for (int i = 0; i < TAYLOR_TERMS; i++) {
      int n = 2 * i + 1;
      double yEven = h * y + n * yPrev; // Y⁽ⁿ⁺¹⁾
      y = h * yEven + (n + 1) * y; // Y⁽ⁿ⁺²⁾
      yPrev = yEven;
      c *= tt * RECIPROCALS[i];
      sum += y * c;
    }
    return 2.0 * sum;
  }
}
