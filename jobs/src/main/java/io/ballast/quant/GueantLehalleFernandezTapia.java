package io.ballast.quant;

/**
 * Horizon-free optimal quotes for a market that never closes.
 *
 * <p>Source: O. Guéant, C.-A. Lehalle and J. Fernandez-Tapia, "Dealing with the inventory risk: a
 * solution to the market making problem", Mathematics and Financial Economics 7(4), 2013,
 * pp. 477–507, §4 (closed-form approximations of the asymptotic quotes, T → ∞). With price volatility
 * σ, risk aversion γ, and fills at rate A·e^{−kδ} at distance δ from the mid, for an inventory of q
 * quote-size units:
 * <pre>
 *   c  = √( σ²γ / (2kA) · (1 + γ/k)^{1 + k/γ} ),
 *   δᵇ(q) = (1/γ)·ln(1 + γ/k) + (2q + 1)/2 · c,     (bid = S − δᵇ)
 *   δᵃ(q) = (1/γ)·ln(1 + γ/k) − (2q − 1)/2 · c,     (ask = S + δᵃ)
 * </pre>
 * so the spread δᵇ + δᵃ = (2/γ)ln(1 + γ/k) + c does not depend on q, and the quotes shift by q·c.
 * Unlike {@link AvellanedaStoikov}, nothing depends on a terminal time.
 */
public final class GueantLehalleFernandezTapia {

  private GueantLehalleFernandezTapia() {
  }

  /** (1/γ)ln(1 + γ/k): the part of each offset that does not depend on inventory. */
  public static double baseOffset(double riskAversion, double fillDecay) {
    Args.positive(riskAversion, "riskAversion");
    Args.positive(fillDecay, "fillDecay");
    return Math.log1p(riskAversion / fillDecay) / riskAversion;
  }

  /**
   * c = √(σ²γ/(2kA)·(1 + γ/k)^{1 + k/γ}): the quote shift per unit of inventory.
   *
   * @param sigma  σ, absolute price volatility (price per √time unit of A), non-negative
   * @param riskAversion  γ, positive
   * @param fillRate  A, fills per time unit at the mid, positive
   * @param fillDecay  k, decay of the fill rate per price unit, positive
   */
  public static double inventoryShift(double sigma, double riskAversion, double fillRate,
      double fillDecay) {
    Args.nonNegative(sigma, "sigma");
    Args.positive(riskAversion, "riskAversion");
    Args.positive(fillRate, "fillRate");
    Args.positive(fillDecay, "fillDecay");
    double ratio = riskAversion / fillDecay;
    // (1 + γ/k)^{1 + k/γ} = exp((1 + k/γ)·ln(1 + γ/k))
    double power = Math.exp((1.0 + 1.0 / ratio) * Math.log1p(ratio));
    return Math.sqrt(sigma * sigma * riskAversion / (2.0 * fillDecay * fillRate) * power);
  }

  /** δᵇ(q): distance of the bid below the mid (bid = S − δᵇ). */
  public static double bidOffset(double inventory, double sigma, double riskAversion,
      double fillRate, double fillDecay) {
    Args.finite(inventory, "inventory");
    return baseOffset(riskAversion, fillDecay)
        + (2.0 * inventory + 1.0) * 0.5 * inventoryShift(sigma, riskAversion, fillRate, fillDecay);
  }

  /** δᵃ(q): distance of the ask above the mid (ask = S + δᵃ). */
  public static double askOffset(double inventory, double sigma, double riskAversion,
      double fillRate, double fillDecay) {
    Args.finite(inventory, "inventory");
    return baseOffset(riskAversion, fillDecay)
        - (2.0 * inventory - 1.0) * 0.5 * inventoryShift(sigma, riskAversion, fillRate, fillDecay);
  }
}
