package io.ballast.quant;

/**
 * Black implied volatility to full double precision, by Jäckel's "Let's Be Rational" (Wilmott, 2015).
 *
 * <p>The price is reduced to the normalised out-of-the-money call price β = b(x, s) with x = −|ln(F/K)|
 * and s = σ√τ (an in-the-money option gives up its intrinsic value first, by put–call parity). An
 * initial guess for s comes from four branches around the inflection point s_c = √(2|x|) of b:
 * <ul>
 *   <li>β &lt; b_l (lowest): a rational cubic in β of the transformed variable
 *       f = (2π|x|/√27)·Φ(−|x|/(√3 s))³, which has the asymptotics of b for s → 0, inverted exactly;</li>
 *   <li>b_l ≤ β &lt; b_c and b_c ≤ β ≤ b_u: rational cubics of s in β through the points
 *       s_l = s_c − b_c/b'(s_c), s_c and s_u = s_c + (e^{x/2} − b_c)/b'(s_c), with zero curvature at s_c;</li>
 *   <li>β &gt; b_u (highest): a rational cubic of f = Φ(−s/2), which has the asymptotics of e^{x/2} − b
 *       for s → ∞, inverted exactly.</li>
 * </ul>
 * The guess is then refined by at most two steps on an objective that is nearly linear in each
 * branch: 1/ln b(s) − 1/ln β (lowest), b(s) − β (middle), ln((e^{x/2} − β)/(e^{x/2} − b(s)))
 * (highest). The steps are Householder steps of order three (convergence order four), except in the
 * middle branches, where the Taylor series of b to fifth order (all derivatives of b are b' times
 * polynomials in h and 1/s) is reverted instead (order six); a second step is taken only when the
 * first one moved s by more than its order leaves harmless (2⁻¹⁴ relative, or 2⁻⁸ for the series). The normalised Black function is evaluated without
 * cancellation ({@link NormalisedBlack}). The tests check a round trip σ → price → σ to 1e-13 relative
 * over ln(F/K) ∈ [−5, 5] and σ√τ ∈ [1e-4, 5], calls and puts.
 *
 * <p><b>Result.</b> {@link #solve} returns σ ≥ 0 on success, or a negative sentinel that can never be
 * taken for a volatility: {@link #BELOW_INTRINSIC} or {@link #ABOVE_MAXIMUM}. Check it with
 * {@link #isValid(double)} (or {@link #status(double)}) before use; {@link Black76} rejects negative
 * volatilities, so a forgotten check fails loudly. NaN is never returned.
 *
 * <p>Static, thread-safe and allocation-free.
 */
public final class ImpliedVol {

  /** Returned when the (undiscounted) price is below the intrinsic value max(±(F − K), 0). */
  public static final double BELOW_INTRINSIC = -1.0;
  /** Returned when the price is at or above its limit for σ → ∞: F for a call, K for a put (undiscounted). */
  public static final double ABOVE_MAXIMUM = -2.0;

  /** The outcome of {@link #solve}, for callers that prefer a switch to a comparison. */
  public enum Status {
    /** A volatility was found (σ ≥ 0). */
    OK,
    /** The price is below intrinsic value: no volatility reproduces it. */
    BELOW_INTRINSIC,
    /** The price is at or above the no-arbitrage upper bound. */
    ABOVE_MAXIMUM
  }

  private static final double INV_SQRT_2PI = NormalDistribution.INV_SQRT_2PI;
  private static final double SQRT3 = 1.7320508075688772;
  private static final double INV_SQRT3 = 0.5773502691896257;
  private static final double LN_HALF = -0.6931471805599453;
  /** 2π/√27, so that 2π|x|/(3√3) = TWO_PI_OVER_SQRT27·|x|. */
  private static final double TWO_PI_OVER_SQRT27 = 1.2091995761561452;
  private static final double TWO_PI_OVER_3 = 2.0943951023931957;
  private static final int MAX_REFINEMENTS = 2;
  /**
   * A first Householder step that moved s by at most this (relative) leaves an error of about
   * C·(this)⁴ with C below 0.5 in the lowest and highest branch (fourth-order convergence; measured on the test
   * grids), i.e. under 1e-17: the second step is skipped.
   */
  private static final double CONVERGED_AFTER_ONE = 0x1p-14;
  /**
   * In the middle branches the first step is the reverted fifth-order Taylor series of b (an error
   * of order six in the step) while |ν| is below this fraction of s, else the Householder step.
   */
  private static final double SERIES_STEP_LIMIT = 0x1p-7;
  /**
   * A first series step that moved s by at most this (relative) leaves an error of order (this)⁶:
   * the middle-branch guesses are within 3.7e-3 of s on the test grids and one series step from
   * them reaches 2.4e-15 or better (rounding level), so the second step is skipped.
   */
  private static final double MIDDLE_CONVERGED_AFTER_ONE = 0x1p-8;
  /** Relative shortfall below intrinsic value still treated as intrinsic (rounding of price/DF). */
  private static final double INTRINSIC_TOLERANCE = 0x1p-50;

  private ImpliedVol() {
  }

  /**
   * The Black volatility that reprices an option.
   *
   * @param call  true for a call, false for a put
   * @param price  the option's market price, i.e. its present value (discounted), in the currency
   *     of forward and strike; it is divided by {@code discountFactor} before solving
   * @param forward  the forward F, positive
   * @param strike  the strike K, positive
   * @param timeToExpiry  τ in years (ACT/365), positive
   * @param discountFactor  e^{−rτ}, positive (1 for undiscounted prices)
   * @return σ ≥ 0 (0 when the price equals intrinsic value, or falls short of it by no more than
   *     the rounding of the discounting, 2⁻⁵⁰ relative), or {@link #BELOW_INTRINSIC} or
   *     {@link #ABOVE_MAXIMUM}
   * @throws IllegalArgumentException if an argument is not finite or out of its domain
   */
  public static double solve(boolean call, double price, double forward, double strike,
      double timeToExpiry, double discountFactor) {
    Args.finite(price, "price");
    Args.positive(forward, "forward");
    Args.positive(strike, "strike");
    Args.positive(timeToExpiry, "timeToExpiry");
    Args.positive(discountFactor, "discountFactor");
    double undiscounted = price / discountFactor;
    double intrinsic = Math.max(call ? forward - strike : strike - forward, 0.0);
    if (undiscounted < intrinsic) {
      // A few ulp below intrinsic is the rounding of price/DF, not arbitrage: σ = 0 then.
      return undiscounted >= intrinsic * (1.0 - INTRINSIC_TOLERANCE) ? 0.0 : BELOW_INTRINSIC;
    }
    if (undiscounted >= (call ? forward : strike)) {
      return ABOVE_MAXIMUM;
    }
    double timeValue = undiscounted - intrinsic;
    double beta = timeValue / (Math.sqrt(forward) * Math.sqrt(strike));
    if (!(beta > 0)) {
      return 0.0; // at intrinsic value, or a time value below the smallest double
    }
    double x = -Math.abs(Math.log(forward / strike));
    // e^{x/2} = √(min(F, K)/max(F, K)): a square root next to the logarithm instead of an
    // exponential after it.
    double bMax = Math.sqrt(Math.min(forward, strike) / Math.max(forward, strike));
    if (beta >= bMax) {
      return ABOVE_MAXIMUM;
    }
    return totalVolatility(x, beta, bMax) / Math.sqrt(timeToExpiry);
  }

  /** True when {@code result} of {@link #solve} is a volatility (σ ≥ 0), false for a sentinel. */
  public static boolean isValid(double result) {
    return result >= 0.0;
  }

  /** The status of a result of {@link #solve}. */
  public static Status status(double result) {
    if (result >= 0.0) {
      return Status.OK;
    }
    return result == BELOW_INTRINSIC ? Status.BELOW_INTRINSIC : Status.ABOVE_MAXIMUM;
  }

  /**
   * s = σ√τ with b(x, s) = β, for x ≤ 0 and 0 &lt; β &lt; bMax = e^{x/2}.
   */
  static double totalVolatility(double x, double beta, double bMax) {
    double sc = Math.sqrt(-2.0 * x);
    double vc = bMax * INV_SQRT_2PI; // b'(s_c) = e^{x/2} φ(0)
    double invVc = 1.0 / vc; // off the chain: b_c takes longer
    double bc;
    if (!(sc > 0)) {
      bc = 0.0; // at the money: s_c = b_c = 0 and only the upper two branches exist
    } else if (0.5 * sc >= NormalisedBlack.SMALL_T) {
      // At s_c, h = −t and h² + t² = |x|: b_c = e^{x/2}(1/2 − Y(−s_c)φ(0)) = e^{x/2}(1 − erfcx(s_c/√2))/2.
      bc = 0.5 * bMax * (1.0 - NormalisedBlack.millsY(-sc) * 2.0 * INV_SQRT_2PI);
    } else {
      bc = NormalisedBlack.otmCallForSolver(x / sc, 0.5 * sc, vc, bMax);
    }
    if (beta < bc) {
      double sl = sc - bc * invVc;
      if (!(sl > 0)) {
        // Only for |x| far below one ulp of ln(F/K); a plain linear guess and the price objective.
        return refineMiddle(x, beta, bMax, sc * beta / bc);
      }
      double hl = x / sl;
      double tl = 0.5 * sl;
      double vl = NormalisedBlack.vega(hl, tl);
      double bl = hl + tl < 0 // always, since s_l < s_c; the node only shapes the guess
          ? vl * NormalisedBlack.scaledForSolver(hl, tl)
          : NormalisedBlack.otmCallForSolver(hl, tl, vl, bMax);
      if (beta < bl) {
        return refineLower(x, beta, bMax, lowerGuess(x, beta, sl, bl, vl));
      }
      double r = RationalCubic.controlForRightCurvature(bl, bc, sl, sc, 1.0 / vl, 1.0 / vc, 0.0);
      double guess = RationalCubic.value(beta, bl, bc, sl, sc, 1.0 / vl, 1.0 / vc, r);
      return refineMiddle(x, beta, bMax, guess);
    }
    double su = sc + (bMax - bc) * invVc;
    double hu = x / su;
    double tu = 0.5 * su;
    double vu = NormalisedBlack.vega(hu, tu);
    double bu = NormalisedBlack.otmCallForSolver(hu, tu, vu, bMax);
    if (beta <= bu) {
      double r = RationalCubic.controlForLeftCurvature(bc, bu, sc, su, 1.0 / vc, 1.0 / vu, 0.0);
      double guess = RationalCubic.value(beta, bc, bu, sc, su, 1.0 / vc, 1.0 / vu, r);
      return refineMiddle(x, beta, bMax, guess);
    }
    return refineUpper(x, beta, bMax, upperGuess(x, beta, bMax, su, bu, vu));
  }

  /** The Householder step of order 3: ν(1 + ν h2/2)/(1 + ν(h2 + ν h3/6)). */
  private static double householderStep(double newton, double h2, double h3) {
    return newton * (1.0 + 0.5 * h2 * newton) / (1.0 + newton * (h2 + h3 * newton / 6.0));
  }

  private static double nextIterate(double s, double ds) {
    double next = s + ds;
    // Safeguard (never needed on the tested grid): stay positive and finite.
    if (!(next > 0) || next == Double.POSITIVE_INFINITY) {
      return ds > 0 ? 2.0 * s : 0.5 * s;
    }
    return next;
  }

  private static double lowerGuess(double x, double beta, double sl, double bl, double vl) {
    // Written to keep divisions off the chain of dependent operations.
    double ax = -x;
    double invSl = 1.0 / sl;
    double invVl = 1.0 / vl;
    double h = x * invSl;
    double t = 0.5 * sl;
    double z = h * INV_SQRT3; // −|x|/(√3 s_l)
    // φ(z) and Φ(z) = φ(z)·√(π/2)·erfcx(−z/√2) share one exponential (z < 0).
    double pdf = INV_SQRT_2PI * Math.exp(-0.5 * z * z);
    double cdf = pdf * NormalisedBlack.millsY(z);
    double logK = Math.log(TWO_PI_OVER_SQRT27 * ax); // off the chain, unlike ln(f/k)
    double fl = TWO_PI_OVER_SQRT27 * ax * cdf * cdf * cdf;
    double a = TWO_PI_OVER_3 * h * h; // (2π/3)·x²/s²
    double fp = a * cdf * cdf * pdf; // df/ds
    double fpp = a * cdf * pdf * invSl * (z * z * cdf - 2.0 * cdf - 2.0 * z * pdf); // d²f/ds²
    double d = (h - t) * (h + t) * invSl; // b''/b'
    double slope = fp * invVl; // df/dβ
    double curvature = (fpp - fp * d) * invVl * invVl; // d²f/dβ²
    double r = RationalCubic.controlForRightCurvature(0.0, bl, 0.0, fl, 1.0, slope, curvature);
    double f = RationalCubic.value(beta, 0.0, bl, 0.0, fl, 1.0, slope, r);
    if (!(f > 0)) {
      f = beta; // f ~ β as β → 0
    }
    // Φ(z) = (f/k)^{1/3}, via logarithms: the quantile's tail formula wants −ln Φ anyway.
    double zGuess = NormalDistribution.inverseCdfFromLog(Math.min((Math.log(f) - logK) / 3.0,
        LN_HALF));
    double s = ax * INV_SQRT3 / -zGuess;
    return s > 0 && s < Double.POSITIVE_INFINITY ? s : sl * beta / bl;
  }

  private static double upperGuess(double x, double beta, double bMax, double su, double bu,
      double vu) {
    double pdf = INV_SQRT_2PI * Math.exp(-0.125 * su * su); // φ(s_u/2)
    double fu = pdf * NormalisedBlack.millsY(-0.5 * su); // Φ(−s_u/2)
    double fp = -0.5 * pdf; // df/ds
    double fpp = 0.125 * su * pdf; // d²f/ds²
    double hu = x / su;
    double tu = 0.5 * su;
    double d = (hu - tu) * (hu + tu) / su; // b''/b'
    double slope = fp / vu;
    double curvature = (fpp - fp * d) / (vu * vu);
    double r = RationalCubic.controlForLeftCurvature(bu, bMax, fu, 0.0, slope, -0.5, curvature);
    double f = RationalCubic.value(beta, bu, bMax, fu, 0.0, slope, -0.5, r);
    if (!(f > 0) || f >= 0.5) {
      f = Math.min(0.5 * (bMax - beta), fu); // e^{x/2} − b ~ 2Φ(−s/2) as s → ∞
    }
    return -2.0 * NormalDistribution.inverseCdfUnchecked(f);
  }

  // In the refinements below, b' = exp(−(h² + t²)/2)/√(2π); with D = b''/b' = (h − t)(h + t)/s and
  // D' = −3h²/s² − 1/4, the third derivative is b'(D² + D'). Everything that does not depend on
  // b(s) is computed alongside it, so that the chain of dependent operations per step stays short.

  /** Objective b(s) − β. */
  private static double refineMiddle(double x, double beta, double bMax, double s) {
    for (int i = 0; i < MAX_REFINEMENTS; i++) {
      double inv = 1.0 / s;
      double h = x * inv;
      double t = 0.5 * s;
      double v = NormalisedBlack.vega(h, t);
      double b = NormalisedBlack.otmCallForSolver(h, t, v, bMax);
      double d = (h - t) * (h + t) * inv;
      double hs2 = h * inv * (h * inv);
      double invV = 1.0 / v;
      if (!(invV < Double.POSITIVE_INFINITY)) {
        break;
      }
      // b⁽ᵏ⁺¹⁾/b' = g_k with g_0 = 1, g_{k+1} = g_k' + D g_k, D = b''/b' = x²/s³ − s/4, whose
      // derivatives are D' = −3h²/s² − 1/4, D'' = 12h²/s³, D''' = −60h²/s⁴ (h = x/s). The Taylor
      // series b(s + δ) − β = b'·(−ν + δ + c₂δ² + … + c₅δ⁵), c_k = g_{k−1}/k!, is reverted in
      // ν = (β − b)/b' (Lagrange inversion): δ = ν + a₂ν² + … + a₅ν⁵, an error of order ν⁶.
      double d1 = -3.0 * hs2 - 0.25;
      double d2 = 12.0 * hs2 * inv;
      double d3 = -60.0 * hs2 * inv * inv;
      double dd = d * d;
      double g2 = d1 + dd;
      double g3 = d2 + 3.0 * d * d1 + dd * d;
      double g4 = d3 + 4.0 * d * d2 + 3.0 * d1 * d1 + 6.0 * dd * d1 + dd * dd;
      double c2 = 0.5 * d;
      double c3 = g2 * (1.0 / 6.0);
      double c4 = g3 * (1.0 / 24.0);
      double c5 = g4 * (1.0 / 120.0);
      double c22 = c2 * c2;
      double a2 = -c2;
      double a3 = 2.0 * c22 - c3;
      double a4 = 5.0 * c2 * (c3 - c22) - c4;
      double a5 = c22 * (14.0 * c22 - 21.0 * c3) + 6.0 * c2 * c4 + 3.0 * c3 * c3 - c5;
      double nu = (beta - b) * invV;
      double next;
      if (Math.abs(nu) <= SERIES_STEP_LIMIT * s) {
        next = nextIterate(s, nu * (1.0 + nu * (a2 + nu * (a3 + nu * (a4 + nu * a5)))));
      } else {
        next = nextIterate(s, householderStep(nu, d, dd + d1));
      }
      if (Math.abs(next - s) <= (i == 0 ? MIDDLE_CONVERGED_AFTER_ONE : 0x1p-53) * s) {
        return next;
      }
      s = next;
    }
    return s;
  }

  /** Objective 1/ln b(s) − 1/ln β. */
  private static double refineLower(double x, double beta, double bMax, double s) {
    double lnBeta = Math.log(beta);
    double invLnBeta = 1.0 / lnBeta;
    for (int i = 0; i < MAX_REFINEMENTS; i++) {
      double inv = 1.0 / s;
      double h = x * inv;
      double t = 0.5 * s;
      double q; // b'/b
      double ln; // ln b
      double scaled; // b/b' = 1/q
      if (h + t < 0) {
        scaled = NormalisedBlack.scaledForSolver(h, t);
        q = 1.0 / scaled;
        ln = -0.5 * (h * h + t * t) + Math.log(scaled * INV_SQRT_2PI);
      } else {
        double v = NormalisedBlack.vega(h, t);
        double b = NormalisedBlack.otmCallForSolver(h, t, v, bMax);
        q = v / b;
        scaled = b / v;
        ln = Math.log(b);
      }
      if (!(q > 0 && q < Double.POSITIVE_INFINITY && ln < 0)) {
        break;
      }
      double d = (h - t) * (h + t) * inv;
      double hs = h * inv;
      double dPrime = -3.0 * hs * hs - 0.25;
      // With ν = m·ln b, h2 = H2/ln b and h3 = H3/ln²b, the step ν(1 + ν h2/2)/(1 + ν(h2 + ν h3/6))
      // becomes m·ln b·(1 + m H2/2)/(1 + m(H2 + m H3/6)): no division by ln b on the chain.
      double m = (lnBeta - ln) * invLnBeta * scaled;
      double dq = d - q;
      double bigH2 = dq * ln - 2.0 * q;
      double bigH3 = (d * d + dPrime - 3.0 * q * d + 2.0 * q * q) * ln * ln
          - 6.0 * q * dq * ln + 6.0 * q * q;
      double step = m * ln * (1.0 + 0.5 * m * bigH2)
          / (1.0 + m * (bigH2 + m * bigH3 * (1.0 / 6.0)));
      double next = nextIterate(s, step);
      if (Math.abs(next - s) <= (i == 0 ? CONVERGED_AFTER_ONE : 0x1p-53) * s) {
        return next;
      }
      s = next;
    }
    return s;
  }

  /** Objective ln((e^{x/2} − β)/(e^{x/2} − b(s))). */
  private static double refineUpper(double x, double beta, double bMax, double s) {
    double target = bMax - beta;
    for (int i = 0; i < MAX_REFINEMENTS; i++) {
      double inv = 1.0 / s;
      double h = x * inv;
      double t = 0.5 * s;
      double v = NormalisedBlack.vega(h, t);
      double g = NormalisedBlack.otmCallComplement(h, t, v);
      if (!(g > 0 && v > 0)) {
        break;
      }
      double p = v / g;
      double d = (h - t) * (h + t) * inv;
      double hs = h * inv;
      double newton = -Math.log1p((target - g) / g) / p;
      double h2 = d + p;
      double h3 = d * d - 3.0 * hs * hs - 0.25 + 3.0 * d * p + 2.0 * p * p;
      double next = nextIterate(s, householderStep(newton, h2, h3));
      if (Math.abs(next - s) <= (i == 0 ? CONVERGED_AFTER_ONE : 0x1p-53) * s) {
        return next;
      }
      s = next;
    }
    return s;
  }
}
