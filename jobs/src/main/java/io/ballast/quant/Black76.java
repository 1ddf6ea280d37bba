package io.ballast.quant;

/**
 * Black's (1976) model for European options on a forward: price and greeks.
 *
 * <p>Source: F. Black, "The pricing of commodity contracts", Journal of Financial Economics 3 (1976).
 * With d1 = (ln(F/K) + σ²τ/2)/(σ√τ), d2 = d1 − σ√τ and discount factor DF = e^{−rτ}:
 * <pre>
 *   call = DF·(F·N(d1) − K·N(d2)),   put = DF·(K·N(−d2) − F·N(−d1)).
 * </pre>
 * The price is evaluated through the normalised Black function of Jäckel ("Let's Be Rational",
 * 2015): an in-the-money option is its intrinsic value plus the out-of-the-money time value, and that
 * time value is computed without the cancellation that makes the textbook formula lose digits
 * for deep out-of-the-money options and small σ√τ. Prices are accurate to a few ulp (to within
 * the conditioning of the function elsewhere), which is what lets {@link ImpliedVol} round-trip to
 * 1e-13.
 *
 * <p>Units of the greeks are described in {@link Greeks}: delta = ∂V/∂F, gamma = ∂²V/∂F²,
 * vega = ∂V/∂σ/100, theta = −∂V/∂τ/365 (discounting included), vanna = ∂²V/∂F∂σ/100,
 * volga = ∂²V/∂σ²/10⁴.
 *
 * <p>Degenerate inputs are well defined and never give NaN: with τ = 0 or σ = 0 the price is the
 * discounted intrinsic value max(±(F − K), 0)·DF, delta is ±DF in the money, 0 out of the money and
 * ±DF/2 exactly at the money, and gamma is 0 (at F = K its limit is a Dirac mass, reported as 0).
 * For σ = 0 and τ &gt; 0 at F = K, vega and vanna take their finite limits σ → 0⁺. Theta is then the
 * discounting term only, r·V/365; at τ = 0 it is 0.
 *
 * <p>All methods are static, thread-safe and allocation-free. Arguments are checked; an
 * {@link IllegalArgumentException} names the argument and echoes its value.
 */
public final class Black76 {

  /** Days per year for theta (ACT/365, as CONTRACT.md). */
  public static final double DAYS_PER_YEAR = 365.0;

  private Black76() {
  }

  /**
   * The present value of a European call or put.
   *
   * @param call  true for a call, false for a put
   * @param forward  the forward F, positive
   * @param strike  the strike K, positive
   * @param timeToExpiry  τ in years (ACT/365), non-negative
   * @param vol  the Black volatility σ (0.5 for 50%), non-negative
   * @param discountFactor  e^{−rτ}, positive
   * @return DF × the undiscounted Black price
   */
  public static double price(boolean call, double forward, double strike, double timeToExpiry,
      double vol, double discountFactor) {
    checkArguments(forward, strike, timeToExpiry, vol, discountFactor);
    return discountFactor * undiscountedPrice(call, forward, strike, vol * Math.sqrt(timeToExpiry));
  }

  /**
   * Price and all greeks in one pass, written into {@code out} (no allocation).
   *
   * @param call  true for a call, false for a put
   * @param forward  the forward F, positive
   * @param strike  the strike K, positive
   * @param timeToExpiry  τ in years (ACT/365), non-negative
   * @param vol  the Black volatility σ, non-negative
   * @param discountFactor  e^{−rτ}, positive
   * @param out  the holder to fill, not null
   */
  public static void greeks(boolean call, double forward, double strike, double timeToExpiry,
      double vol, double discountFactor, Greeks out) {
    checkArguments(forward, strike, timeToExpiry, vol, discountFactor);
    if (out == null) {
      throw new IllegalArgumentException("out must not be null");
    }
    double sqrtT = Math.sqrt(timeToExpiry);
    double s = vol * sqrtT;
    // r from the discount factor; at τ = 0 there is no discounting left to decay.
    double rate = timeToExpiry > 0 ? -Math.log(discountFactor) / timeToExpiry : 0.0;
    double intrinsic = call ? forward - strike : strike - forward;
    double sign = call ? 1.0 : -1.0;

    if (!(s > 0)) {
      double price = discountFactor * Math.max(intrinsic, 0.0);
      double delta;
      double vega = 0.0;
      double vanna = 0.0;
      if (forward == strike) {
        delta = 0.5 * sign * discountFactor;
        if (timeToExpiry > 0) {
          // Limits σ → 0⁺ at the money: vega = DF·F·√τ·φ(0), vanna = DF·φ(0)·√τ/2.
          vega = discountFactor * forward * sqrtT * NormalDistribution.INV_SQRT_2PI / 100.0;
          vanna = discountFactor * NormalDistribution.INV_SQRT_2PI * 0.5 * sqrtT / 100.0;
        }
      } else {
        delta = intrinsic > 0 ? sign * discountFactor : 0.0;
      }
      out.set(price, delta, 0.0, vega, rate * price / DAYS_PER_YEAR, vanna, 0.0);
      return;
    }

    double x = Math.log(forward / strike);
    double h = x / s;
    double t = 0.5 * s;
    double d1 = h + t;
    double d2 = h - t;
    double timeValue = Math.sqrt(forward) * Math.sqrt(strike)
        * NormalisedBlack.otmCall(-Math.abs(x), s);
    double upperBound = call ? forward : strike;
    double price = discountFactor
        * Math.min(intrinsic > 0 ? intrinsic + timeValue : timeValue, upperBound);
    double delta = sign * discountFactor * NormalDistribution.cdf(sign * d1);
    double pdf = NormalDistribution.pdf(d1);
    if (pdf == 0.0) {
      // So far from the money that every second-order greek underflows.
      out.set(price, delta, 0.0, 0.0, rate * price / DAYS_PER_YEAR, 0.0, 0.0);
      return;
    }
    double discountedPdf = discountFactor * pdf;
    double gamma = discountedPdf / (forward * s);
    double vegaRaw = discountedPdf * forward * sqrtT;
    double theta = rate * price - discountedPdf * forward * vol / (2.0 * sqrtT);
    double vanna = -discountedPdf * d2 / vol;
    double volga = vegaRaw * d1 * d2 / vol;
    out.set(price, delta, gamma, vegaRaw / 100.0, theta / DAYS_PER_YEAR, vanna / 100.0,
        volga / 10_000.0);
  }

  /** Undiscounted price for total volatility s = σ√τ ≥ 0 (arguments already checked). */
  static double undiscountedPrice(boolean call, double forward, double strike, double s) {
    double intrinsic = call ? forward - strike : strike - forward;
    if (!(s > 0)) {
      return Math.max(intrinsic, 0.0);
    }
    double x = Math.log(forward / strike);
    double timeValue = Math.sqrt(forward) * Math.sqrt(strike)
        * NormalisedBlack.otmCall(-Math.abs(x), s);
    // Rounding must not push the price past its σ → ∞ limit (F for a call, K for a put).
    return Math.min(intrinsic > 0 ? intrinsic + timeValue : timeValue, call ? forward : strike);
  }

  static void checkArguments(double forward, double strike, double timeToExpiry, double vol,
      double discountFactor) {
    Args.positive(forward, "forward");
    Args.positive(strike, "strike");
    Args.nonNegative(timeToExpiry, "timeToExpiry");
    Args.nonNegative(vol, "vol");
    Args.positive(discountFactor, "discountFactor");
  }
}
