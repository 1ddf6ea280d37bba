package io.ballast.quant;

/**
 * Inventory-aware quotes of Avellaneda and Stoikov.
 *
 * <p>Source: M. Avellaneda and S. Stoikov, "High-frequency trading in a limit order book",
 * Quantitative Finance 8(3), 2008, pp. 217–224, eqs. (29)–(30) in the approximation of §3: with
 * mid S, inventory q, risk aversion γ, price volatility σ (price units per √year), remaining time τ
 * (years) and order-arrival decay k (λ(δ) = A e^{−kδ}),
 * <pre>
 *   reservation price r = S − q·γ·σ²·τ,
 *   half-spread       δ = (γσ²τ + (2/γ)·ln(1 + γ/k)) / 2,
 *   bid = r − δ,  ask = r + δ.
 * </pre>
 * CONTRACT.md: q = netDelta − deltaTarget, σ = realizedVol·S, τ = quoteHorizonMs in years.
 */
public final class AvellanedaStoikov {

  private AvellanedaStoikov() {
  }

  /**
   * r = S − qγσ²τ.
   *
   * @param mid  S
   * @param inventory  q (signed, units of the underlying)
   * @param riskAversion  γ, positive
   * @param sigma  σ, absolute volatility of the price (price per √year), non-negative
   * @param horizon  τ in years, non-negative
   */
  public static double reservationPrice(double mid, double inventory, double riskAversion,
      double sigma, double horizon) {
    Args.positive(mid, "mid");
    Args.finite(inventory, "inventory");
    Args.positive(riskAversion, "riskAversion");
    Args.nonNegative(sigma, "sigma");
    Args.nonNegative(horizon, "horizon");
    return mid - inventory * riskAversion * sigma * sigma * horizon;
  }

  /**
   * δ = (γσ²τ + (2/γ)ln(1 + γ/k))/2.
   *
   * @param riskAversion  γ, positive
   * @param sigma  σ, absolute price volatility, non-negative
   * @param horizon  τ in years, non-negative
   * @param fillIntensity  k, positive (per price unit)
   */
  public static double halfSpread(double riskAversion, double sigma, double horizon,
      double fillIntensity) {
    Args.positive(riskAversion, "riskAversion");
    Args.nonNegative(sigma, "sigma");
    Args.nonNegative(horizon, "horizon");
    Args.positive(fillIntensity, "fillIntensity");
    return 0.5 * (riskAversion * sigma * sigma * horizon
        + 2.0 / riskAversion * Math.log1p(riskAversion / fillIntensity));
  }

  /** bidOffset = r − δ − S (CONTRACT.md QUOTE_SKEW). */
  public static double bidOffset(double mid, double inventory, double riskAversion, double sigma,
      double horizon, double fillIntensity) {
    return reservationPrice(mid, inventory, riskAversion, sigma, horizon)
        - halfSpread(riskAversion, sigma, horizon, fillIntensity) - mid;
  }

  /** askOffset = r + δ − S (CONTRACT.md QUOTE_SKEW). */
  public static double askOffset(double mid, double inventory, double riskAversion, double sigma,
      double horizon, double fillIntensity) {
    return reservationPrice(mid, inventory, riskAversion, sigma, horizon)
        + halfSpread(riskAversion, sigma, horizon, fillIntensity) - mid;
  }
}
