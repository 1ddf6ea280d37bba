package io.ballast.quant;

/**
 * The Whalley–Wilmott no-transaction band for delta hedging with proportional costs.
 *
 * <p>Source: A. E. Whalley and P. Wilmott, "An asymptotic analysis of an optimal hedging model for
 * option pricing with transaction costs", Mathematical Finance 7(3), 1997, pp. 307–324: for an
 * exponential-utility hedger with risk aversion γ and proportional cost λ, the optimal strategy
 * leaves the hedge alone while the position's delta stays within ± H of the target, with
 * <pre>
 *   H = (3/2 · e^{−rτ} · λ · S · Γ² / γ)^{1/3}.
 * </pre>
 * CONTRACT.md uses it as max(deltaBand, H) when bandMode is WHALLEY_WILMOTT.
 */
public final class WhalleyWilmott {

  private WhalleyWilmott() {
  }

  /**
   * The half-width H of the band, in units of delta (underlying).
   *
   * @param discountFactor  e^{−rτ}, positive
   * @param costFraction  λ, proportional cost of a hedge trade (hedgeCostBps/10⁴), non-negative
   * @param spot  S, the reference price, positive
   * @param gamma  Γ, the position's gamma ∂²V/∂S² (sign irrelevant)
   * @param riskAversion  γ, positive
   * @return H ≥ 0
   */
  public static double band(double discountFactor, double costFraction, double spot, double gamma,
      double riskAversion) {
    Args.positive(discountFactor, "discountFactor");
    Args.nonNegative(costFraction, "costFraction");
    Args.positive(spot, "spot");
    Args.finite(gamma, "gamma");
    Args.positive(riskAversion, "riskAversion");
    return Math.cbrt(1.5 * discountFactor * costFraction * spot * gamma * gamma / riskAversion);
  }

  /** max(minimumBand, {@link #band}): the WHALLEY_WILMOTT band of CONTRACT.md. */
  public static double bandAtLeast(double minimumBand, double discountFactor, double costFraction,
      double spot, double gamma, double riskAversion) {
    Args.nonNegative(minimumBand, "minimumBand");
    return Math.max(minimumBand,
        band(discountFactor, costFraction, spot, gamma, riskAversion));
  }
}
